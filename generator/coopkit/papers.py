"""Writing a short paper (a resolution, a notice, a checklist, a filled form) as .md, .html, .pdf and
.docx through the same sandboxed layout, WeasyPrint path and Word writer as the legal documents.

The words a paper prints itself come from `legal/filing/strings/<language>.yml` (falling back to
English key by key); its Markdown from a sandboxed template in `legal/filing/templates/`.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ._yaml import read_yaml_file
from .catalog import Catalog
from .errors import DataError, UsageError
from .legal import load_strings
from .pdf import PdfJob
from .render import Markup, html_env, markdown_env, markdown_to_html, render_string
from .wordprocessing import html_to_docx, legal_meta

PAPER_FORMATS = ("md", "html", "pdf", "docx")


def filing_root(catalog: Catalog) -> Path:
    return catalog.legal / "filing"


def paper_strings(catalog: Catalog, language: str) -> dict[str, Any]:
    """The filing and amendment words in `language` (then its base language, then English)."""
    folder = filing_root(catalog) / "strings"
    words: dict[str, Any] = dict(read_yaml_file(folder / "en.yml"))
    for key in (language.split("-")[0], language):
        path = folder / f"{key}.yml"
        if key != "en" and path.is_file():
            words.update(read_yaml_file(path))
    return words


def has_strings(catalog: Catalog, language: str) -> bool:
    folder = filing_root(catalog) / "strings"
    return any((folder / f"{k}.yml").is_file() for k in (language, language.split("-")[0]))


def render_template(catalog: Catalog, name: str, context: dict) -> str:
    """Markdown from `legal/filing/templates/<name>` in the Jinja sandbox (user strings are values)."""
    folder = filing_root(catalog) / "templates"
    path = folder / name
    if not path.is_file():
        raise DataError(f"{path} is missing (coopkit's filing templates).")
    env = markdown_env([folder])
    return render_string(env, path.read_text(encoding="utf-8"), context, str(path))


def translation_notice(strings: dict, translation_of: str | None) -> str:
    """"Convenience translation into English; the <language> text prevails", or nothing."""
    if not translation_of:
        return ""
    names: Any = strings.get("language_names") or {}
    return str(strings["translation_notice"]).format(language=names.get(translation_of, translation_of))


def page_html(body_html: str, *, title: str, language: str, context: dict, catalog: Catalog, build: str,
              extra_css: str = "", translation_of: str | None = None) -> str:
    """A full HTML page in legal/layout.html, the legal print style and its running footer."""
    strings = load_strings(catalog, language)
    notice = translation_notice(strings, translation_of)
    css = (catalog.legal / "print.css").read_text(encoding="utf-8") + "\n" + extra_css
    env = html_env([catalog.legal])
    return env.get_template("layout.html").render(
        {**context, "build": build}, title=title, language=language, strings=strings, translation_of=translation_of,
        translation_notice=notice, body=Markup(body_html), css=Markup(css))


def write_paper(out_base: Path, *, title: str, language: str, context: dict, catalog: Catalog,
                markdown: str | None = None, body_html: str | None = None, build: str = "final",
                formats: tuple[str, ...] = PAPER_FORMATS, extra_css: str = "", translation_of: str | None = None,
                docx_writer=None, pdf: Callable[[PdfJob], Any] | None = None) -> list[Path]:
    """Write `out_base`.md/.html/.pdf/.docx (those of `formats`); returns the paths written.

    `pdf`: where the PDF job goes (the pipeline's process pool, pdf.PdfPool.submit); by default it is
    rendered at once.

    `docx_writer(path, meta)` replaces the HTML walk for Word (the redline writes tracked changes)."""
    body = body_html if body_html is not None else markdown_to_html(markdown or "")
    html = page_html(body, title=title, language=language, context=context, catalog=catalog, build=build,
                     extra_css=extra_css, translation_of=translation_of)
    out_base.parent.mkdir(parents=True, exist_ok=True)
    written = []
    if "md" in formats and markdown is not None:
        path = out_base.with_name(out_base.name + ".md")
        path.write_text(markdown, encoding="utf-8")
        written.append(path)
    if "html" in formats:
        path = out_base.with_name(out_base.name + ".html")
        path.write_text(html, encoding="utf-8")
        written.append(path)
    if "pdf" in formats:
        path = out_base.with_name(out_base.name + ".pdf")
        (pdf or PdfJob.run)(PdfJob(html, path, catalog.legal, (catalog.handbook / "fonts" / "fonts.css",),
                                   context["document_date"], (catalog.root,)))
        written.append(path)
    if "docx" in formats:
        path = out_base.with_name(out_base.name + ".docx")
        strings = load_strings(catalog, language)
        meta = legal_meta(title=title, language=language, context=context, strings=strings, build=build,
                          translation_notice=translation_notice(strings, translation_of))
        if docx_writer is not None:
            docx_writer(path, meta)
        else:
            html_to_docx(body, meta, path)
        written.append(path)
    return written


def document_languages(language: str) -> list[tuple[str, str | None]]:
    """(language, translation_of): the document language, then English when it is not English."""
    return [(language, None)] + ([("en", language)] if not language.startswith("en") else [])


def fixed_date(value: str | dt.date | None) -> dt.date:
    """An explicit date, else SOURCE_DATE_EPOCH (reproducible builds), else today."""
    import os

    if isinstance(value, dt.date):
        return value
    if value:
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise UsageError(f"--date {value!r} is not a date; write it as YYYY-MM-DD, e.g. 2027-03-31.") from None
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC).date()
    return dt.date.today()


__all__ = ["write_paper", "page_html", "paper_strings", "render_template", "document_languages", "fixed_date",
           "filing_root", "has_strings", "PAPER_FORMATS"]
