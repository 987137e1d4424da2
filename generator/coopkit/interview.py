"""The interview: questions declared as data (templates/questions/*.yml), asked with Click prompts.

Answers already given (answers file, --set) are never asked again. With no terminal, or with
--defaults, nothing is asked: defaults fill what they can and every missing required answer is
named at once.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Literal

import click
from pydantic import BaseModel, ConfigDict, ValidationError

from ._yaml import parse_yaml, read_yaml_file
from .catalog import Catalog
from .errors import DataError, MissingAnswersError, Problem, ProfileError, UsageError
from .profile import Profile, deep_merge, get_path, layered_defaults, set_path
from .render import markdown_env, render_string

_MISSING = object()


class Question(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    key: str
    group: str = ""
    type: Literal["str", "int", "float", "bool", "choice", "founders"] = "str"
    help: str
    choices: list[Any] | str | None = None
    default: Any = None
    has_default: bool = False
    when: str = ""
    validator: str = ""
    item: dict[str, dict] = {}


def load_questions(catalog: Catalog) -> list[Question]:
    questions = []
    for path in sorted((catalog.templates / "questions").glob("*.yml")):
        data = read_yaml_file(path)
        for key, spec in (data.get("questions") or {}).items():
            try:
                questions.append(Question(key=key, group=data.get("group", ""), has_default="default" in spec, **spec))
            except (ValidationError, TypeError) as exc:
                raise DataError(f"{path}: question {key!r}: {exc}") from None
    return questions


def model_default(key: str) -> Any:
    """The profile model's own default for a dotted path, or _MISSING."""
    model: type[BaseModel] = Profile
    parts = key.split(".")
    for i, part in enumerate(parts):
        info = model.model_fields.get(part)
        if info is None:
            return _MISSING
        if i == len(parts) - 1:
            if info.is_required():
                return _MISSING
            return info.get_default(call_default_factory=True)
        model = info.annotation  # a nested section model
    return _MISSING


def parse_set(items: tuple[str, ...] | list[str]) -> list[tuple[str, Any]]:
    """`--set key.path=value` (repeatable) → (path, value) pairs; values are YAML (numbers, lists...),
    except that what YAML cannot read, or reads as a mapping out of `{{ }}`, stays the text typed."""
    pairs = []
    for item in items:
        key, sep, raw = item.partition("=")
        key = key.strip()
        if not sep or not key:
            raise UsageError(f"--set {item!r}: write it as key.path=value, e.g. --set governance.quorum_percent=30")
        try:
            value = parse_yaml(raw, f"--set {key}") if raw.strip() else ""
        except Exception:  # noqa: BLE001 - anything YAML cannot read is taken as the text typed
            value = raw
        if isinstance(value, dict) and "{{" in raw:
            value = raw
        pairs.append((key, value))
    return pairs


def apply_sets(answers: dict, pairs: list[tuple[str, Any]]) -> dict:
    """Set each path in a copy of the answers; list items by index (founders.0.email)."""
    import copy

    result = copy.deepcopy(answers)
    for key, value in pairs:
        try:
            set_path(result, key, value)
        except (KeyError, ValueError, IndexError, TypeError, AttributeError):
            raise UsageError(f"--set {key}=...: {key!r} is not a path into the profile "
                             "(see `coopkit schema`; list items by index, e.g. founders.0.email)") from None
    return result


def clean_text(value: Any, *, source: str, path: str = "") -> Any:
    """Join UTF-16 surrogate pairs (YAML's "\\ud83d\\udeb2" escapes) into their characters, and refuse
    text that still holds a lone surrogate (bytes that were never valid UTF-8)."""
    if isinstance(value, dict):
        return {k: clean_text(v, source=source, path=f"{path}.{k}" if path else str(k)) for k, v in value.items()}
    if isinstance(value, list):
        return [clean_text(v, source=source, path=f"{path}.{i}") for i, v in enumerate(value)]
    if isinstance(value, str) and any("\ud800" <= c <= "\udfff" for c in value):
        try:
            return value.encode("utf-16", "surrogatepass").decode("utf-16")
        except UnicodeDecodeError:
            raise ProfileError([Problem(path or "(value)", "contains bytes that are not valid text",
                                        "Type it again as UTF-8 text")], source) from None
    return value


class Interview:
    """Fills in answers, asking only what is missing and only when it may ask."""

    def __init__(self, catalog: Catalog, *, interactive: bool, use_defaults: bool,
                 prompt: Callable[..., Any] = click.prompt, echo: Callable[[str], None] = click.echo):
        self.catalog = catalog
        self.interactive = interactive and not use_defaults
        self.use_defaults = use_defaults
        self.questions = load_questions(catalog)
        self.env = markdown_env([])
        self.prompt = prompt
        self.echo = echo

    def run(self, given: dict) -> dict:
        answers = dict(given)
        missing: list[str] = []
        group = None
        for q in self.questions:
            if get_path(answers, q.key, _MISSING) is not _MISSING:
                continue
            view = self._view(answers)
            if q.when and not self._when(q, view):
                continue
            default = self._default(q, answers)
            if not self.interactive:
                if default is _MISSING:
                    missing.append(f"{q.key}: {q.help}")
                continue
            if q.group != group:
                group = q.group
                self.echo(click.style(f"\n{group}", bold=True))
            set_path(answers, q.key, self._ask(q, default, answers))
        if missing:
            raise MissingAnswersError(missing, defaults=self.use_defaults)
        return answers

    def questions_for(self, problems) -> list[str]:
        """The question keys behind a list of problems (`founders.0.email` → founders, `surplus` →
        its four shares), so an interactive founder is asked those again instead of starting over."""
        keys = []
        for problem in problems:
            field = problem.field
            for q in self.questions:
                if field == q.key or field.startswith(q.key + ".") or q.key.startswith(field + "."):
                    if q.key not in keys:
                        keys.append(q.key)
        return keys

    def ask_again(self, answers: dict, keys: list[str]) -> dict:
        """Forget these answers and ask for them again."""
        import copy

        answers = copy.deepcopy(answers)
        for key in keys:
            *parents, last = key.split(".")
            node = get_path(answers, ".".join(parents)) if parents else answers
            if isinstance(node, dict):
                node.pop(last, None)
        return self.run(answers)

    # -- helpers --------------------------------------------------------------------------
    def _view(self, answers: dict) -> dict:
        try:
            return deep_merge(layered_defaults(answers, self.catalog), answers)
        except UsageError:
            return answers

    def _when(self, q: Question, view: dict) -> bool:
        context = dict(view)
        for key in ("governance", "surplus", "sweat_equity", "capital", "platform"):
            base = model_default(key)
            context[key] = deep_merge(base.model_dump() if base is not _MISSING else {}, view.get(key) or {})
        context.setdefault("coop_type", view.get("coop_type", "worker"))
        source = "{{ 'yes' if (" + q.when + ") else '' }}"
        return render_string(self.env, source, context, f"question {q.key} when") == "yes"

    def _default(self, q: Question, answers: dict) -> Any:
        layered = get_path(self._view(answers), q.key, _MISSING)
        if layered is not _MISSING:
            return layered
        if q.has_default:
            return q.default
        if q.key == "legal_form" and answers.get("jurisdiction") in self.catalog.jurisdiction_ids:
            return self.catalog.jurisdiction(answers["jurisdiction"]).forms[0].id
        return model_default(q.key)

    def _choices(self, q: Question, answers: dict) -> list[str] | None:
        if isinstance(q.choices, list):
            return [str(c) for c in q.choices]
        if q.choices == "sectors":
            return list(self.catalog.sector_ids)
        if q.choices == "jurisdictions":
            return list(self.catalog.jurisdiction_ids)
        if q.choices == "legal_forms" and answers.get("jurisdiction") in self.catalog.jurisdiction_ids:
            return [f.id for f in self.catalog.jurisdiction(answers["jurisdiction"]).forms]
        if q.choices == "member_classes":
            from .profile import resolve

            classes = resolve(dict(answers), self.catalog).get("member_classes") or []
            return [c["id"] for c in classes] or None
        return None

    def _ask(self, q: Question, default: Any, answers: dict) -> Any:
        if q.type == "founders":
            return self._ask_founders(q, answers)
        return self._ask_one(q.key, q.type, q.help, default, self._choices(q, answers), q.validator)

    def _ask_one(self, key: str, kind: str, text: str, default: Any, choices, validator: str) -> Any:
        click_type: Any = {"int": click.INT, "float": click.FLOAT, "bool": click.BOOL}.get(kind, click.STRING)
        if choices:
            click_type = click.Choice(choices)
        while True:
            value = self.prompt(text, default=None if default is _MISSING else default, type=click_type,
                                show_choices=bool(choices))
            message = render_string(self.env, validator, {"value": value}, f"question {key} validator").strip() \
                if validator else ""
            if not message:
                return value
            self.echo(click.style(f"  {message}", fg="red"))

    def _ask_founders(self, q: Question, answers: dict) -> list[dict]:
        count = self._ask_one("founders", "int", "How many founding members are there?", 3, None,
                              "{% if value < 0 %}A number, 0 or more{% endif %}")
        founders = []
        for n in range(1, count + 1):
            self.echo(click.style(f"  Founder {n}", bold=True))
            founder = {}
            for key, spec in q.item.items():
                kind = spec.get("type", "str")
                choices = self._choices(Question(key=key, help="x", choices=spec.get("choices")), answers) \
                    if spec.get("choices") else None
                default = spec.get("default", choices[0] if choices else _MISSING)
                value = self._ask_one(f"founders.{key}", kind, "  " + spec["help"], default, choices, "")
                if value != "" or key != "email":
                    founder[key] = value
            founders.append(founder)
        return founders


def given_answers(answers_file: Path | None, sets: tuple[str, ...]) -> dict:
    """The answers file with --set on top: what the founders said before any question."""
    from .profile import load_answers

    given = load_answers(answers_file) if answers_file else {}
    return clean_text(apply_sets(given, parse_set(sets)), source=str(answers_file or "--set"))


def gather_answers(catalog: Catalog, *, answers_file: Path | None, sets: tuple[str, ...], use_defaults: bool,
                   interactive: bool, prompt=click.prompt, echo=click.echo) -> dict:
    """Layer the answers file under --set, then run the interview for what is missing."""
    interview = Interview(catalog, interactive=interactive, use_defaults=use_defaults, prompt=prompt, echo=echo)
    return interview.run(given_answers(answers_file, sets))
