"""Reading and writing `coop.yml`: raw answers in, commented YAML in the spec's field order out."""
from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from ._yaml import read_yaml_file
from .model import Profile


def load_answers(path: Path) -> dict:
    """Read an answers file / coop.yml as raw answers (validated later, with the other layers)."""
    return read_yaml_file(Path(path))


def _scalar(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, (dt.date,)):
        return value.isoformat()
    text = str(value)
    if re.fullmatch(r"[A-Za-z][A-Za-z0-9 _./@'-]*", text) and text.lower() not in {
        "yes", "no", "on", "off", "true", "false", "null", "y", "n", "~"
    } and not text.endswith(" ") and ": " not in text and " #" not in text:
        return text
    return json.dumps(text, ensure_ascii=False)


def _emit(model: type[BaseModel], data: dict, indent: int, out: list[str], comments: bool = True) -> None:
    """Write `data` as YAML in the model's field order, each field with its description as a comment
    (list items after the first skip the comments: they would only repeat them)."""
    pad = " " * indent
    for name, info in model.model_fields.items():
        value = data.get(name)
        note = f"  # {info.description}" if comments and info.description else ""
        sub = _submodel(info.annotation)
        if sub is not None and isinstance(value, dict):
            out.append(f"{pad}{name}:{note}")
            _emit(sub, value, indent + 2, out, comments)
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            item_model = _submodel(_list_item(info.annotation))
            assert item_model is not None, name  # a list of mappings is a list of a section model
            out.append(f"{pad}{name}:{note}")
            for number, item in enumerate(value):
                lines: list[str] = []
                _emit(item_model, item, indent + 4, lines, comments and number == 0)
                lines[0] = f"{pad}  - " + lines[0].lstrip()
                out.extend(lines)
        elif isinstance(value, list):
            out.append(f"{pad}{name}: [{', '.join(_scalar(v) for v in value)}]{note}")
        else:
            out.append(f"{pad}{name}: {_scalar(value)}{note}")


def _submodel(annotation: Any) -> type[BaseModel] | None:
    import typing

    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        if isinstance(arg, type) and issubclass(arg, BaseModel):
            return arg
    return None


def _list_item(annotation: Any) -> Any:
    import typing

    args = typing.get_args(annotation)
    return args[0] if args else None


def dump_profile(profile: Profile) -> str:
    """coop.yml text: every field in the order of the spec, each with its comment."""
    out = [
        "# coop.yml — the co-op's profile, written by coopkit. Edit it, then run `coopkit render`.",
        "# Every field is explained beside it; `coopkit schema` prints the JSON Schema for editors.",
    ]
    _emit(Profile, profile.model_dump(mode="json"), 0, out)
    return "\n".join(out) + "\n"


def save_profile(profile: Profile, path: Path) -> None:
    Path(path).write_text(dump_profile(profile), encoding="utf-8")
