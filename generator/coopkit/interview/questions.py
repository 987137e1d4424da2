"""The questions (templates/questions/*.yml) and their words in each language (i18n/<lang>.yml)."""
from __future__ import annotations

import locale
import os
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from .._yaml import read_yaml_file
from ..catalog import Catalog
from ..errors import DataError, UsageError

LANGUAGES = ("en", "pt-BR", "es", "de", "fr")  # the interview's own languages


class Question(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    key: str
    group: str = ""
    group_title: str = ""
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
                questions.append(Question(key=key, group=data.get("group", ""), group_title=data.get("title", ""),
                                          has_default="default" in spec, **spec))
            except (ValidationError, TypeError) as exc:
                raise DataError(f"{path}: question {key!r}: {exc}") from None
    return questions


class Words:
    """The interview's words in one language, each key falling back to English."""

    def __init__(self, catalog: Catalog, language: str):
        self.language = language
        self._own = _read_words(catalog.templates / "questions" / "i18n", language)
        self._en = _read_words(catalog.templates / "questions" / "i18n", "en")

    def _get(self, *path: str) -> Any:
        for source in (self._own, self._en):
            node: Any = source
            for key in path:
                node = node.get(key) if isinstance(node, dict) else None
            if node is not None:
                return node
        return None

    def ui(self, key: str, **values: Any) -> str:
        text = self._get("ui", key)
        if text is None:
            raise DataError(f"templates/questions/i18n/en.yml: ui.{key} is missing.")
        return str(text).format(**values) if values else str(text)

    def words(self, key: str) -> list[str]:
        return [str(w).casefold() for w in (self._get("ui", key) or [])] + \
            [str(w).casefold() for w in (self._en.get("ui", {}).get(key) or [])]

    def group(self, group: str, fallback: str) -> str:
        return self._get("groups", group) or fallback or group

    def text(self, key: str, fallback: str, **values: Any) -> str:
        text = self._get("questions", key, "text") or fallback
        return str(text).format(**values) if values else str(text)

    def why(self, key: str) -> str:
        return str(self._get("questions", key, "why") or "")

    def choice(self, kind: str, value: str) -> str | None:
        label = self._get("choices", kind, value)
        return str(label) if label is not None else None

    def aliases(self, kind: str) -> dict[str, str]:
        merged = dict((self._en.get("aliases") or {}).get(kind) or {})
        merged.update((self._own.get("aliases") or {}).get(kind) or {})
        return {str(k).casefold(): str(v) for k, v in merged.items()}


@lru_cache(maxsize=32)
def _read_cached(path: str, mtime: float) -> dict:
    return read_yaml_file(Path(path))


def _read_words(folder: Path, language: str) -> dict:
    path = folder / f"{language}.yml"
    if not path.is_file():
        return {}
    return _read_cached(str(path), path.stat().st_mtime)


def interview_language(requested: str | None = None) -> str:
    """--lang, else the locale (LC_ALL, LC_MESSAGES, LANG), else English; among LANGUAGES."""
    candidates: list[str | None] = [requested] if requested else \
        [os.environ.get(v) for v in ("LC_ALL", "LC_MESSAGES", "LANG")]
    if not requested:
        try:
            candidates.append(locale.getlocale()[0])
        except ValueError:
            pass
    for raw in candidates:
        if not raw:
            continue
        tag = raw.split(".")[0].replace("_", "-")
        for language in LANGUAGES:
            if tag.casefold() == language.casefold() or tag.split("-")[0].casefold() == language.split("-")[0]:
                return language
        if requested:
            raise UsageError(f"--lang {requested!r}: the interview speaks {', '.join(LANGUAGES)}.")
    return "en"
