"""The values every template sees: the profile plus what the catalog knows about its law and sector."""
from __future__ import annotations

import datetime as dt

from . import __version__
from .catalog import Catalog
from .profile import Profile


def template_context(profile: Profile, catalog: Catalog, *, draft: bool = False) -> dict:
    jurisdiction = catalog.jurisdiction(profile.jurisdiction)
    form = jurisdiction.form(profile.legal_form)
    sector = catalog.sector(profile.sector)
    coop = profile.model_dump(mode="json")
    classes = {c.id: c for c in profile.member_classes}
    return {
        "coop": coop,
        "full_name": form.full_name(profile.name),
        "jurisdiction": jurisdiction,
        "form": form,
        "sector": sector,
        "vocab": sector.vocabulary_for(profile.language),
        "draft": draft,
        "document_date": profile.document_date or dt.date.today(),
        "profile_hash": profile.digest(),
        "coopkit_version": __version__,
        "class_label": lambda class_id: classes[class_id].label if class_id in classes else class_id,
        "class_price": lambda class_id: classes[class_id].share_price if class_id in classes else 0,
        "voting_classes": [c.model_dump() for c in profile.member_classes if c.voting],
    }
