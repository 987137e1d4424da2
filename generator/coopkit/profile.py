"""The co-op profile (`coop.yml`): one front door over its four jobs.

- `model.py`: the pydantic model (`Profile` and its sections) and the JSON Schema;
- `layering.py`: defaults layered sector < jurisdiction < form < answers (`resolve`);
- `law.py`: law-driven checks (`law_problems`);
- `coopyml.py`: reading answers and writing commented coop.yml (`dump_profile`).

`validate` (below) ties them together. Every name other modules import from here stays importable.
"""
from __future__ import annotations

from pydantic import ValidationError

from .catalog import Catalog
from .coopyml import _emit, _scalar, dump_profile, load_answers, save_profile
from .errors import Problem, ProfileError
from .law import _COMPUTED, _breaks, _expand, computed_fields, law_problems
from .layering import deep_merge, expand_dotted, get_path, layered_defaults, resolve, set_path
from .model import (
    MAX_NAME_LENGTH,
    SCHEMA_VERSION,
    Capital,
    CoopType,
    Dissolution,
    Founder,
    Governance,
    Incubator,
    MemberClass,
    Platform,
    Profile,
    Surplus,
    SweatEquity,
    _plain_text,
    json_schema,
)

__all__ = [
    "MAX_NAME_LENGTH", "SCHEMA_VERSION", "Capital", "CoopType", "Dissolution", "Founder", "Governance",
    "Incubator", "MemberClass", "Platform", "Profile", "Surplus", "SweatEquity", "_COMPUTED", "_breaks",
    "_emit", "_expand", "_plain_text", "_scalar", "computed_fields", "deep_merge", "dump_profile",
    "expand_dotted", "get_path", "json_schema", "law_problems", "layered_defaults", "load_answers",
    "resolve", "save_profile", "set_path", "validate",
]


def _pydantic_problems(exc: ValidationError) -> list[Problem]:
    problems = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"] if p not in ("function-after[_adds_to_100()]",))
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            msg = "is not a field of coop.yml (check the spelling; `coopkit schema` lists the fields)"
        elif err["type"] == "missing":
            msg = "is missing"
        elif err["type"] == "value_error" and "email" in msg:
            msg = f"is not a valid email address: {msg}"
        elif err["type"] == "literal_error":
            msg = f"is {err.get('input')!r}; {msg}"
        elif "input" in err and not isinstance(err["input"], (dict, list)):
            msg = f"is {err['input']!r}; {msg}"
        problems.append(Problem(loc or "(profile)", msg))
    return problems


def validate(data: dict, catalog: Catalog, *, source: str = "the profile", draft: bool = False,
             law: bool = True) -> Profile:
    """Validate resolved answers against the model and (unless `law` is false, as for `coopkit
    check`, which reports them instead) the law of their legal form."""
    if not isinstance(data, dict):
        raise ProfileError([Problem("(profile)", "should be a mapping of fields")], source)
    problems: list[Problem] = []
    for key, lookup in (("sector", catalog.sector_ids), ("jurisdiction", catalog.jurisdiction_ids)):
        value = data.get(key)
        if isinstance(value, str) and value not in lookup:
            problems.append(Problem(key, f"{value!r} is not known", f"Choose one of: {', '.join(lookup)}"))
    if problems:
        raise ProfileError(problems, source)
    try:
        profile = Profile.model_validate(data)
    except ValidationError as exc:
        raise ProfileError(_pydantic_problems(exc), source) from None
    if not law:
        return profile
    blocking = [p for p in law_problems(profile, catalog) if not (draft and p.draftable)]
    if blocking:
        raise ProfileError(blocking, source)
    return profile
