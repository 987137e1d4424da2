"""Law-driven checks of a profile: every way it breaks the law of its legal form, statute cited.

`law_problems` is the single entry point that `validate` and `coopkit check` use.
"""
from __future__ import annotations

from typing import Any

from .catalog import Catalog, Check, LegalForm
from .errors import Problem
from .law_rules import rule_problems
from .layering import get_path
from .model import Profile


def computed_fields(profile: Profile) -> dict[str, Any]:
    """Values the law's checks can name besides the profile's own fields."""
    data = profile.model_dump(mode="json")
    voting = [c for c in profile.member_classes if c.voting]
    data.update(
        founders_count=len(profile.founders),
        voting_classes_count=len(voting),
        member_classes_count=len(profile.member_classes),
        name_length=len(profile.name),
    )
    return data


_COMPUTED = {  # values checks can name that are not fields: shown as the field a founder edits
    "founders_count": ("founders", "lists {} founders"),
    "member_classes_count": ("member_classes", "lists {} classes"),
    "voting_classes_count": ("member_classes", "has {} voting classes"),
    "name_length": ("name", "is {} characters long"),
}


def _expand(values: dict, field: str) -> list[tuple[str, Any]]:
    """(path, value) pairs for a check's field; `member_classes.*.vote_weight_percent` checks each item."""
    if "*" not in field:
        return [(field, get_path(values, field))]
    head, _, tail = field.partition(".*.")
    items = get_path(values, head) or []
    return [(f"{head}.{i}.{tail}", get_path(item, tail)) for i, item in enumerate(items)]


def _breaks(check: Check, value: Any) -> bool:
    if value is None:
        return False
    if check.min is not None and value < check.min:
        return True
    if check.max is not None and value > check.max:
        return True
    if check.equals is not None and value != check.equals:
        return True
    return check.one_of is not None and value not in check.one_of


def law_problems(profile: Profile, catalog: Catalog) -> list[Problem]:
    """Every way the profile breaks the law of its form, each with the statute cited."""
    jurisdiction = catalog.jurisdiction(profile.jurisdiction)
    form: LegalForm = jurisdiction.form(profile.legal_form)
    values = computed_fields(profile)
    problems = []
    if profile.coop_type not in form.coop_types:
        problems.append(Problem(
            "coop_type", f"is {profile.coop_type!r}, which a {form.name} cannot be here",
            f"Choose one of: {', '.join(form.coop_types)}, or another legal form", form.statute,
        ))
    if profile.governance.class_weighted_voting and not form.class_weighted_voting:
        rule = form.facts.get("one_member_one_vote")
        problems.append(Problem(
            "governance.class_weighted_voting",
            f"is true, but the law of a {form.name} requires one member, one vote",
            "Set it to false", rule.cite if rule else form.statute,
        ))
    if profile.governance.class_weighted_voting:
        weights = [c.vote_weight_percent for c in profile.member_classes if c.voting]
        if any(w is None for w in weights) or abs(sum(w or 0 for w in weights) - 100) > 1e-9:
            problems.append(Problem(
                "member_classes.vote_weight_percent",
                "must be set for every voting class and add up to 100 when class_weighted_voting is true",
                "Give each voting class a vote_weight_percent",
            ))
    for check in form.checks:
        for path, value in _expand(values, check.field):
            if not _breaks(check, value):
                continue
            field, said = _COMPUTED.get(path, (path, "is {}"))
            shown = f"{value:g}" if isinstance(value, float) else repr(value) if isinstance(value, str) else value
            cite = check.cite + ("" if check.confirmed else "; UNCONFIRMED, confirm with a lawyer")
            problems.append(Problem(
                field, f"{said.format(shown)}, but the law requires {check.rule}",
                check.fix, cite, draftable=check.draftable,
            ))
    return problems + rule_problems(profile, form)  # cross-field rules (law_rules.py)
