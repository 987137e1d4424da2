"""The values every template sees, built in one place: the profile plus what the catalog knows.

`RenderContext` is a typed dict (templates need a mapping); modules that add their own keys
(`language`, `strings`, `words`...) copy it. `coop` records which fields a template reads
(deps.py), so each output knows its real inputs.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, TypedDict

from . import __version__, deps
from .catalog import Catalog, Jurisdiction, LegalForm, Sector, Vocabulary
from .model import Profile


class RenderContext(TypedDict):
    coop: dict[str, Any]  # the profile as JSON data (a deps.TrackedDict)
    full_name: str
    jurisdiction: Jurisdiction
    form: LegalForm
    sector: Sector
    vocab: Vocabulary
    draft: bool
    build: str
    document_date: dt.date
    profile_hash: str
    coopkit_version: str
    class_label: Callable[[str], str]
    class_price: Callable[[str], float]
    voting_classes: list[dict[str, Any]]


# Context values that are not read through `coop` but come from these fields: every output depends on them.
BASE_FIELDS = ("name", "jurisdiction", "legal_form", "sector", "language", "document_date")


def template_context(profile: Profile, catalog: Catalog, *, draft: bool = False, build: str = "review") -> RenderContext:
    jurisdiction = catalog.jurisdiction(profile.jurisdiction)
    form = jurisdiction.form(profile.legal_form)
    sector = catalog.sector(profile.sector)
    classes = {c.id: c for c in profile.member_classes}

    def class_label(class_id: str) -> str:
        deps.note("member_classes")
        return classes[class_id].label if class_id in classes else class_id

    def class_price(class_id: str) -> float:
        deps.note("member_classes")
        return classes[class_id].share_price if class_id in classes else 0

    return RenderContext(
        coop=deps.track(profile.model_dump(mode="json")),
        full_name=form.full_name(profile.name),
        jurisdiction=jurisdiction,
        form=form,
        sector=sector,
        vocab=sector.vocabulary_for(profile.language),
        draft=draft,
        build=build,
        document_date=profile.document_date or dt.date.today(),
        profile_hash=profile.digest(),
        coopkit_version=__version__,
        class_label=class_label,
        class_price=class_price,
        voting_classes=deps.track([c.model_dump() for c in profile.member_classes if c.voting], "member_classes"),
    )


def plain(value: Any) -> Any:
    """Tracked data back to plain dicts and lists (for YAML writers that refuse subclasses)."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in dict.items(value)}
    if isinstance(value, list):
        return [plain(v) for v in list.__iter__(value)]
    return value
