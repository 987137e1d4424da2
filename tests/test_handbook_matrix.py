"""Every legal form of every jurisdiction, for every co-op type it allows, renders its handbook in its
documents' language without tripping the build-time consistency check (each sector at least once); and
(slow) every jurisdiction × legal form × (its language, English) prints a full handbook PDF."""
from __future__ import annotations

import re
import shutil

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


# ── the "done when", printed: every jurisdiction × legal form × (its language, English) ──────

def _pdf_cases() -> list[tuple[str, str, str]]:
    from test_handbook_languages import official_language

    return [(jid, form.id, language) for jid in CATALOG.jurisdiction_ids for form in CATALOG.jurisdiction(jid).forms
            for language in dict.fromkeys([official_language(jid), "en"])]


@pytest.mark.slow
@pytest.mark.skipif(not shutil.which("pdftotext"), reason="needs poppler-utils (pdftotext)")
@pytest.mark.parametrize("jid,fid,language", _pdf_cases(), ids=lambda v: str(v))
def test_every_form_prints_a_full_handbook_in_its_language_and_english(jid, fid, language, tmp_path):
    """30+ pages; every chapter (the new ones included) bookmarked; no English in a translated handbook and
    no run of the official language in an English one; every link in the PDF on an official domain; the
    build-time consistency check (run by render_handbook) passed."""
    from pypdf import PdfReader

    from coopkit.handbook import render_handbook
    from test_handbook_languages import english_words, foreign_runs, jurisdiction_profile, names, official_language, visible_text
    from test_handbook_sources import official

    profile = jurisdiction_profile(jid, form_id=fid)
    html_path, pdf_path = render_handbook(profile, CATALOG, template_context(profile, CATALOG), tmp_path, documents=[],
                                          language=language, formats=("html", "pdf"))
    reader = PdfReader(str(pdf_path))
    assert len(reader.pages) >= 30, f"{jid}/{fid}/{language}: {len(reader.pages)} pages"
    page = html_path.read_text(encoding="utf-8")
    chapters = re.findall(r'<h1 id="ch-([a-z0-9-]+)"', page)
    for chapter in ("business", "work", "calendar", "members", "templates"):
        assert chapter in chapters, f"{jid}/{fid}/{language}: no chapter {chapter}"
    outline = [item for item in reader.outline if not isinstance(item, list)]
    assert len(outline) >= len(chapters) >= 14, f"{jid}/{fid}/{language}: {len(outline)} bookmarks, {len(chapters)} chapters"
    text = visible_text(page)
    own = official_language(jid)
    if language != "en":
        assert not english_words(text, language)
    elif own != "en":
        assert not foreign_runs(text, own, names(jid, fid))
    links = {annot.get_object().get("/A", {}).get("/URI") for p in reader.pages for annot in p.get("/Annots") or []}
    links = {str(u) for u in links if u and str(u).startswith("http")}
    assert links and not [u for u in links if not official(u)], f"{jid}/{fid}/{language}: {sorted(u for u in links if not official(u))}"
