"""Answers given before any question: the answers file, `--set`, a resume file; and their clean-up."""
from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from .._yaml import parse_yaml
from ..errors import Problem, ProfileError, UsageError
from ..profile import Profile, deep_merge, load_answers, set_path

MISSING: Any = object()


def model_default(key: str) -> Any:
    """The profile model's own default for a dotted path, or MISSING."""
    model: type[BaseModel] = Profile
    parts = key.split(".")
    for i, part in enumerate(parts):
        info = model.model_fields.get(part)
        if info is None:
            return MISSING
        if i == len(parts) - 1:
            if info.is_required():
                return MISSING
            return info.get_default(call_default_factory=True)
        model = info.annotation  # type: ignore[assignment]  # a nested section model
    return MISSING


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
        except Exception:
            value = raw
        if isinstance(value, dict) and "{{" in raw:
            value = raw
        pairs.append((key, value))
    return pairs


def apply_sets(answers: dict, pairs: list[tuple[str, Any]]) -> dict:
    """Set each path in a copy of the answers; list items by index (founders.0.email)."""
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


def given_answers(answers_file: Path | None, sets: tuple[str, ...], resume_file: Path | None = None) -> dict:
    """The answers file, then a resume file, with --set on top: what is known before any question."""
    given = load_answers(answers_file) if answers_file else {}
    if resume_file:
        given = deep_merge(given, load_answers(resume_file))
    source = str(answers_file or resume_file or "--set")
    return clean_text(apply_sets(given, parse_set(sets)), source=source)
