"""Every legal form of every jurisdiction, for every co-op type it allows, renders its handbook in its
documents' language without tripping the build-time consistency check (each sector at least once)."""
from __future__ import annotations

import pytest

from coopkit import profile as P
from coopkit.catalog import Catalog
from coopkit.context import template_context
from coopkit.handbook import handbook_html, handbook_language

CATALOG = Catalog()
SECTORS = sorted(p.stem for p in (CATALOG.root / "templates" / "sectors").glob("*.yml"))
CASES = [(jid, form.id, ctype) for jid in CATALOG.jurisdiction_ids for form in CATALOG.jurisdiction(jid).forms
         for ctype in form.coop_types]


@pytest.mark.parametrize("index,case", list(enumerate(CASES)), ids=lambda v: "-".join(v) if isinstance(v, tuple) else str(v))
def test_every_form_and_coop_type_renders_a_consistent_handbook(index, case):
    jid, fid, ctype = case
    form = CATALOG.jurisdiction(jid).form(fid) if hasattr(CATALOG.jurisdiction(jid), "form") else \
        next(f for f in CATALOG.jurisdiction(jid).forms if f.id == fid)
    mins = [c.min for c in form.checks if c.field == "founders_count" and c.min is not None]
    sector = SECTORS[index % len(SECTORS)]
    answers = {"name": "Matrix", "sector": sector, "jurisdiction": jid, "legal_form": fid, "coop_type": ctype,
               "document_date": "2026-11-27",
               "founders": [{"name": f"Founder {i}"} for i in range(1, int(max(mins, default=3)) + 1)]}
    profile = P.validate(P.resolve(answers, CATALOG), CATALOG, law=False)
    page = handbook_html(profile, CATALOG, template_context(profile, CATALOG), documents=[],
                         language=handbook_language(profile, CATALOG))
    for chapter in ("business", "work", "calendar", "members", "templates"):
        assert f'id="ch-{chapter}"' in page
