"""Filing packs for every legal form in the catalog: a checklist PDF (official language, and English
when that is not English) naming each paper, who signs it, where it goes, its fee with the date the fee
was read, and the law; filled sheets and directors' declarations; the signing pack of the final build."""
from __future__ import annotations

import re

import pytest

from conftest import pdf_text
from coopkit.catalog import Catalog
from coopkit.context import template_context
from coopkit.documents import render_documents
from coopkit.filing import load_filing, people, pick
from coopkit.papers import paper_strings
from coopkit.render import format_money
from coopkit.signing import signing_plan, write_signing_pack
from test_legal import valid_profile

CATALOG = Catalog()
FORMS = [(j.id, f.id) for j in CATALOG.jurisdictions.values() for f in j.forms]


def flat(text: str) -> str:
    """Text without spaces and hyphens: PDF line breaks may split or hyphenate words ("co-operative")."""
    return re.sub(r"[\s\-\u00ad\u2010\u2011]", "", text)


@pytest.mark.parametrize(("jid", "fid"), FORMS, ids=["-".join(f) for f in FORMS])
def test_every_form_has_a_filing_checklist_naming_each_paper_signer_place_and_dated_fee(jid, fid, tmp_path):
    from coopkit.filing import write_filing_pack

    profile = valid_profile(CATALOG, jid, fid)
    context = {**template_context(profile, CATALOG), "build": "final"}
    docs = render_documents(profile, CATALOG, context, build="final")
    written = write_filing_pack(tmp_path, profile, CATALOG, context, documents=docs)
    filing = load_filing(CATALOG, jid)
    assert fid in filing.forms, f"{jid}/filing.yml has no papers for {fid}"
    form = CATALOG.jurisdiction(jid).form(fid)
    official = profile.language or "en"
    languages = [(official, "")] + ([("en", ".en")] if not official.startswith("en") else [])
    for language, suffix in languages:
        words = paper_strings(CATALOG, language)
        checklist = tmp_path / f"checklist{suffix}.pdf"
        assert checklist in written
        text = flat(pdf_text(checklist))
        assert flat("Test Platform") in text
        for paper in filing.forms[fid].papers:
            assert flat(pick(paper.title, language)) in text, (language, paper.id)
            assert flat(pick(paper.goes_to, language)) in text, (language, paper.id)
            assert flat(paper.cite.split(";")[0]) in text, paper.cite
            for role in paper.signs:
                for name in people(profile, role):
                    assert flat(name) in text, (paper.id, role, name)
            step = next((s for s in form.registration.steps if s.id == paper.step), None)
            if step and step.fee:  # the fee, in the reader's money format, and the day it was read
                assert flat(format_money(step.fee.amount, step.fee.currency, language)) in text, paper.id
                assert flat(step.fee.date_read.isoformat()) in text
            if paper.fields:
                sheet = flat(pdf_text(tmp_path / f"{paper.id}{suffix}.pdf"))
                label = words["fields"][paper.fields[0]]
                assert flat("Test Platform") in sheet and flat(label) in sheet, label
            if paper.per == "director":
                for n, director in enumerate(people(profile, "directors"), 1):
                    declaration = next(p for p in written if p.name.startswith(f"{paper.id}-{n}-")
                                       and p.name.endswith(f"{suffix}.pdf") and (suffix or ".en." not in p.name))
                    assert flat(director) in flat(pdf_text(declaration))
        amendment = filing.amendment_for(fid, language)
        assert flat(amendment["registration"]["cite"].split(";")[0]) in text  # how a later change of the rules is registered
        if any(not p.confirmed for p in filing.forms[fid].papers):
            assert flat(words["to_confirm"]) in text


@pytest.mark.parametrize("jid", sorted(CATALOG.jurisdictions))
def test_every_filing_fact_is_cited_and_every_paper_has_its_official_language(jid):
    filing = load_filing(CATALOG, jid)
    jurisdiction = CATALOG.jurisdiction(jid)
    assert set(filing.forms) == {f.id for f in jurisdiction.forms}
    assert filing.amendment.registration.cite
    for form_id, form_filing in filing.forms.items():
        form = jurisdiction.form(form_id)
        steps = {s.id for s in form.registration.steps}
        languages = form.languages or jurisdiction.official_languages
        for paper in form_filing.papers:
            assert paper.cite, paper.id
            assert not paper.step or paper.step in steps, f"{jid}/{form_id}/{paper.id}: unknown step {paper.step}"
            for text in (paper.title, paper.description, paper.goes_to):
                assert "en" in text and any(lang in text or lang.split("-")[0] in text for lang in languages), paper.id
            assert set(paper.documents) <= set(form.documents), paper.id


def test_br_directors_each_sign_a_declaracao_de_desimpedimento(tmp_path):
    from coopkit.filing import write_filing_pack

    fid = CATALOG.jurisdiction("br").forms[0].id
    profile = valid_profile(CATALOG, "br", fid)
    context = template_context(profile, CATALOG)
    written = write_filing_pack(tmp_path, profile, CATALOG, context)
    directors = people(profile, "directors")
    declarations = sorted(p for p in written if p.name.startswith("declaracao-desimpedimento-")
                          and p.suffix == ".pdf" and ".en." not in p.name)
    assert len(declarations) == len(directors) >= 1
    for path, name in zip(declarations, directors, strict=True):
        text = flat(pdf_text(path))
        assert flat(name) in text and flat("declaro, sob as penas da lei") in text and "Assinatura" in text


def test_the_final_build_gives_each_signatory_a_pack_with_signature_pages(tmp_path):
    from pypdf import PdfReader

    profile = valid_profile(CATALOG, "gb", "registered-society")
    context = {**template_context(profile, CATALOG), "build": "final"}
    docs = render_documents(profile, CATALOG, context, build="final")
    written = write_signing_pack(tmp_path, profile, CATALOG, context, docs)
    plan = signing_plan(profile, CATALOG, context, docs)
    assert len(written) == len(plan) == len(profile.founders)
    for path, (person, items) in zip(written, plan.items(), strict=True):
        text = flat(pdf_text(path))
        assert flat(f"What {person} signs") in text
        titles = [what for what, _, _ in items]
        assert any(t.startswith("Rules of") for t in titles)  # every founder signs the rules
        for what in titles:
            assert flat(f"Signature page: {what}") in text
        assert len(PdfReader(path).pages) >= len(items) + 1  # one page per signature, after the list
    secretary = people(profile, "secretary")[0]
    assert any("secretary" in keys.split(",") for _, keys, _ in plan[secretary])
    # the signed rules the FCA asks for are the rules document: one line, one signature page, every capacity
    rules_lines = [what for what, _, _ in plan[secretary] if what.startswith("Rules of")]
    assert len(rules_lines) == 1 and not any(what == "The rules, signed" for what, _, _ in plan[secretary])


def test_filing_and_signing_packs_are_the_same_bytes_on_every_run(tmp_path):
    from coopkit.filing import write_legal_packs

    profile = valid_profile(CATALOG, "de", CATALOG.jurisdiction("de").forms[0].id)
    context = {**template_context(profile, CATALOG), "build": "final"}
    docs = render_documents(profile, CATALOG, context, build="final")
    first = write_legal_packs(tmp_path / "a", profile, CATALOG, context, docs, build="final")
    second = write_legal_packs(tmp_path / "b", profile, CATALOG, context, docs, build="final")
    assert [p.relative_to(tmp_path / "a") for p in first] == [p.relative_to(tmp_path / "b") for p in second]
    assert any(p.parent.name == "signing" for p in first) and any(p.name == ".profile.yml" for p in first)
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name
