"""Sandboxed Jinja → Markdown → HTML.

User strings are data: they reach templates as values, are never compiled as templates, and are
escaped for Markdown on output, so `{{ 7*7 }}` in a name prints as typed and `<script>` stays text.
Raw HTML in Markdown is switched off, so only the templates' own Markdown makes markup.
"""
from __future__ import annotations

import datetime as dt
import functools
import re
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import markdown
from jinja2 import ChoiceLoader, FileSystemLoader, StrictUndefined, TemplateError, pass_context, select_autoescape
from jinja2.bccache import Bucket, BytecodeCache
from jinja2.ext import Extension
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup, escape

from .errors import DataError
from .i18n import babel_locale, format_factor, format_money, format_num, format_pct, long_date, month_name

_MD_SPECIAL = re.compile(r"([\\`*_\[\]#|~])")


def md_escape(value: Any) -> str:
    """Text → Markdown that shows exactly that text (Markup from our own helpers passes through)."""
    if isinstance(value, Markup):
        return str(value)
    text = str(value)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", text)


def _finalize(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool | int | float):
        return value
    return md_escape(value)


# Filters: the same, in the language of the document being rendered unless one is given.
@pass_context
def pct(context, value: float, language: str | None = None) -> str:
    return format_pct(value, language or context.get("language"))


@pass_context
def num(context, value: float, places: int = 2, language: str | None = None) -> str:
    return format_num(value, places, language or context.get("language"))


@pass_context
def factor(context, value: float, language: str | None = None) -> str:
    """A multiplier as the document's language writes it, without trailing zeros: 1.5 (en), 1,5 (de), 2."""
    return format_factor(value, language or context.get("language"))


@pass_context
def money(context, value: float, currency: str, language: str | None = None) -> str:
    return format_money(value, currency, language or context.get("language"))


@pass_context
def _long_date(context, value: dt.date | str, language: str | None = None) -> str:
    """The long_date filter: in the document's locale (en_US dates in US documents) when the language asked
    for is the document's own."""
    language = language or context.get("language") or "en"
    locale = context.get("locale") or ""
    return long_date(value, locale if locale and language == context.get("language") else language)


_JINJA_TAG = re.compile(r"(\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\})", re.DOTALL)


def respell(source: str, words: dict[str, str]) -> str:
    """Template source with its words respelled (e.g. British to American), keeping the case of each word;
    the code inside {{ }}, {% %} and {# #} is left alone, so values and ids are never touched."""
    if not words:
        return source
    pattern = re.compile(r"(?<![\w-])(" + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
                         + r")(?![\w-])", re.IGNORECASE)

    def swap(match: re.Match) -> str:
        found, new = match.group(0), words[match.group(0).lower()]
        if found.isupper() and len(found) > 1:
            return new.upper()
        return new[0].upper() + new[1:] if found[0].isupper() else new
    parts = _JINJA_TAG.split(source)
    return "".join(part if i % 2 else pattern.sub(swap, part) for i, part in enumerate(parts))


def sentence(text: Any) -> str:
    """End a sentence with a full stop, unless it already ends with one (`Testkoop U.A.`, `10 kr.`)."""
    text = str(text)
    return text if text.rstrip().endswith(".") else text + "."


FILTERS: dict[str, Callable] = {"sentence": sentence, "pct": pct, "num": num, "factor": factor, "money": money, "month_name": month_name,
                                "long_date": _long_date, "md": md_escape}


class StandaloneTags(Extension):
    """A block tag alone on its line (`{% for %}`, `{% endif %}`...) leaves no line behind, while a
    tag inside a line of text keeps that line's newline. (Jinja's trim_blocks would also eat the
    newline after `...{% endif %}` at the end of a list item, gluing items together.)"""

    _standalone = re.compile(r"^[ \t]*(\{%-?[^\n]*?-?%\})[ \t]*\n", re.M)

    def preprocess(self, source: str, name: str | None, filename: str | None = None) -> str:
        return self._standalone.sub(r"\1", source)


def markdown_env(search_path: list[Path], *, plain: bool = False) -> ImmutableSandboxedEnvironment:
    """The environment for data templates that produce Markdown (`plain`: produce plain text, such
    as a title that goes into an HTML <title> or a running header, where escapes would show)."""
    env = ImmutableSandboxedEnvironment(
        loader=ChoiceLoader([FileSystemLoader([str(p) for p in search_path])]),
        undefined=StrictUndefined,
        autoescape=False,
        finalize=(lambda v: "" if v is None else v) if plain else _finalize,
        keep_trailing_newline=True,
        extensions=[StandaloneTags],
        bytecode_cache=StoredBytecode(),
    )
    env.filters.update(FILTERS)
    return env


def html_env(search_path: list[Path]) -> ImmutableSandboxedEnvironment:
    """The environment for HTML page layouts (autoescaped)."""
    env = ImmutableSandboxedEnvironment(
        loader=FileSystemLoader([str(p) for p in search_path]),
        undefined=StrictUndefined,
        autoescape=select_autoescape(["html", "jinja", "j2"], default_for_string=True, default=True),
        trim_blocks=True,
        lstrip_blocks=True,
        bytecode_cache=StoredBytecode(),
    )
    env.filters.update(FILTERS)
    return env


_COMPILED: dict[tuple, Any] = {}


def _template(env: ImmutableSandboxedEnvironment, source: str) -> Any:
    """`env.from_string(source)` with the compiled code kept for the process: the same clause and
    chapter sources are rendered for every document and every co-op of a cohort, and compiling is
    most of the cost. The key holds every setting that changes the generated code."""
    key = (*_settings(env), source)
    code = _COMPILED.get(key)
    if code is None:
        if len(_COMPILED) > 4096:  # a long-lived process (cohort worker, web interview): stay bounded
            _COMPILED.clear()
        code = _COMPILED[key] = _stored_code(key, lambda: env.compile(source))
    return env.template_class.from_code(env, code, env.make_globals(None), None)


def _settings(env: Any) -> tuple:
    """Every setting of `env` that changes the code Jinja generates for a template."""
    autoescape = env.autoescape(None) if callable(env.autoescape) else env.autoescape
    return (type(env), autoescape, env.finalize is not None, env.trim_blocks, env.lstrip_blocks,
            env.keep_trailing_newline, env.newline_sequence, env.block_start_string, env.variable_start_string,
            env.comment_start_string, env.line_statement_prefix, tuple(sorted(env.extensions)))


class StoredBytecode(BytecodeCache):
    """Jinja's bytecode cache for file templates (layouts, the platform template's files), in coopkit's cache
    folder. The key is the template's name (not its file's path, which for the platform template is a fresh
    copy each time) with the environment's settings; Jinja itself discards an entry whose source changed
    (each entry holds its source's checksum)."""

    def get_bucket(self, environment: Any, name: str, filename: str | None, source: str) -> Bucket:
        bucket = Bucket(environment, str(_cache_file((name, *_settings(environment)), "bytecode")),
                        self.get_source_checksum(source))
        self.load_bytecode(bucket)
        return bucket

    def load_bytecode(self, bucket: Bucket) -> None:
        try:
            bucket.bytecode_from_string(Path(bucket.key).read_bytes())
        except Exception:  # unreadable or from another version: compiled again
            bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        _store(Path(bucket.key), bucket.bytecode_to_string())


def _cache_file(key: tuple, suffix: str) -> Path:
    """The file in coopkit's cache folder (cache.py) for compiled code of `key`, with Jinja's and Python's versions."""
    import hashlib
    import sys

    import jinja2

    from .cache import cache_root

    digest = hashlib.sha256(repr((key, jinja2.__version__, sys.version)).encode("utf-8")).hexdigest()
    return cache_root() / "templates" / digest[:2] / f"{digest}.{suffix}"


def _store(path: Path, data: bytes) -> None:
    """Write a cache entry through a temporary file and a rename; a cache that cannot be written is skipped."""
    import os

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
        temporary.write_bytes(data)
        os.replace(temporary, path)
    except OSError:
        pass


def _stored_code(key: tuple, compile_source: Callable[[], Any]) -> Any:
    """The compiled code for `key` from coopkit's cache folder (cache.py), compiled and stored there on a miss:
    a new `coopkit` process does not compile again the hundreds of clause and chapter templates the last one
    compiled. The file name hashes the key (every setting that changes the generated code, and the source)
    with the versions of Jinja and Python; a file that cannot be read or written is simply compiled again."""
    import marshal

    path = _cache_file(key, "code")
    try:
        return marshal.loads(path.read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        pass
    code = compile_source()
    _store(path, marshal.dumps(code))
    return code


def render_string(env: ImmutableSandboxedEnvironment, source: str, context: dict, where: str) -> str:
    try:
        return _template(env, source).render(context)
    except TemplateError as exc:
        line = getattr(exc, "lineno", None)
        raise DataError(f"{where}{f', line {line}' if line else ''}: {exc}") from None


_MARKDOWN = threading.local()


def markdown_to_html(text: str) -> str:
    return _markdown_to_html(text)


@functools.lru_cache(maxsize=64)  # a document's Markdown becomes its HTML page and its Word file: converted once
def _markdown_to_html(text: str) -> str:
    md = getattr(_MARKDOWN, "converter", None)
    if md is None:  # one converter per thread, reset before each text (building one costs more than most texts)
        md = _MARKDOWN.converter = markdown.Markdown(
            extensions=["tables", "attr_list", "admonition", "sane_lists", "def_list", "footnotes", "toc"],
            extension_configs={"toc": {"permalink": False}},
            output_format="html",
        )
        # No raw HTML from Markdown: anything that looks like a tag is shown as text.
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
    return md.reset().convert(text)


def split_front_matter(text: str, where: str) -> tuple[dict, str]:
    """`---\\nyaml\\n---\\nbody` → (meta, body)."""
    from ._yaml import parse_yaml

    if not text.startswith("---\n"):
        raise DataError(f"{where}: must start with a '---' front-matter block (id, title...).")
    end = text.find("\n---\n", 4)
    if end == -1:
        raise DataError(f"{where}: the front matter is not closed with '---'.")
    meta = parse_yaml(text[4:end], where) or {}
    if not isinstance(meta, dict):
        raise DataError(f"{where}: front matter must be a mapping.")
    return meta, text[end + 5:]


__all__ = ["Markup", "escape", "markdown_env", "html_env", "markdown_to_html", "render_string",
           "split_front_matter", "md_escape", "format_pct", "format_money", "format_num", "long_date", "month_name",
           "respell", "babel_locale", "format_factor"]  # the formats are i18n.py's (Babel), re-exported
