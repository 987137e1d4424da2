"""Every legal form in the catalog, for every co-op type it allows and two sectors, in both builds:
renders with nothing left unrendered, covers every statutory matter, and passes `check`."""
from __future__ import annotations

import shutil

import pytest

from coopkit import api, legal
from coopkit import profile as P
from coopkit.catalog import Catalog
from coopkit.context import template_context
from coopkit.documents import render_documents, write_documents

from conftest import ROOT, founders, pdf_text

CATALOG = Catalog()
FORMS = [(j.id, f.id) for j in CATALOG.jurisdictions.values() for f in j.forms]
CASES = [(jid, fid, coop_type, sector)
         for jid, fid in FORMS
         for coop_type in CATALOG.jurisdiction(jid).form(fid).coop_types
         for sector in ("delivery", "home-sharing")]


def minimum_founders(form) -> int:
    mins = [c.min for c in form.checks if c.field == "founders_count" and c.min is not None]
    return int(max(mins, default=3))


def valid_profile(catalog, jid, fid, coop_type="worker", sector="delivery", **extra):
    form = catalog.jurisdiction(jid).form(fid)
    answers = {"name": "Test Platform", "sector": sector, "jurisdiction": jid, "legal_form": fid,
               "coop_type": coop_type, "registered_office": "1 High Street", "region": "Testville",
               "founders": [{"name": f"Founder {i}", "email": f"f{i}@example.org"}
                            for i in range(1, minimum_founders(form) + 1)], **extra}
    return P.validate(P.resolve(answers, catalog), catalog)


@pytest.mark.parametrize(("jid", "fid", "coop_type", "sector"), CASES, ids=["-".join(c) for c in CASES])
def test_every_form_renders_both_builds_and_passes_check(jid, fid, coop_type, sector):
    profile = valid_profile(CATALOG, jid, fid, coop_type, sector)
    form = CATALOG.jurisdiction(jid).form(fid)
    for build in ("review", "final"):
        context = {**template_context(profile, CATALOG), "build": build}
        docs = render_documents(profile, CATALOG, context, build=build)
        assert {d.spec.id for d in docs} == set(form.documents)
        for doc in docs:
            assert "{{" not in doc.markdown and "{%" not in doc.markdown, doc.filename
            assert "Test Platform" in doc.markdown
        rules = [d for d in docs if d.spec.kind == "rules" and not d.translation_of]
        assert rules, f"{jid}/{fid} has no rules-kind document"
        assert legal.coverage_problems(form, rules) == []
        if build == "review":
            assert all('!!! note' in d.markdown for d in rules)
        else:
            assert not any('!!! note' in d.markdown for d in docs)
    assert P.law_problems(profile, CATALOG) == []


@pytest.mark.parametrize(("jid", "fid"), FORMS, ids=["-".join(f) for f in FORMS])
def test_the_pdf_holds_every_included_clause_heading(jid, fid, tmp_path):
    profile = valid_profile(CATALOG, jid, fid)
    context = {**template_context(profile, CATALOG), "build": "review"}
    docs = [d for d in render_documents(profile, CATALOG, context) if d.spec.kind == "rules"]
    write_documents(docs, tmp_path, CATALOG, context, formats=("pdf",))
    for doc in docs:
        text = " ".join(pdf_text(tmp_path / f"{doc.filename}.pdf").split())
        for clause in doc.clauses:
            assert " ".join(f"{clause.number} {clause.title}".split()) in text, (doc.filename, clause.title)


@pytest.mark.parametrize(("jid", "fid"), FORMS, ids=["-".join(f) for f in FORMS])
def test_every_fact_and_matter_is_cited(jid, fid):
    form = CATALOG.jurisdiction(jid).form(fid)
    for item in [*form.facts.values(), *form.checks, *form.matters, *form.registration.steps]:
        assert item.cite.strip(), f"{jid}/{fid}: {item} has no citation"
    assert form.matters, f"{jid}/{fid} lists no statutory matters"


def test_removing_a_clause_that_covers_a_matter_makes_check_fail_naming_it(tmp_path):
    root = tmp_path / "data"
    for part in ("templates", "handbook", "legal"):
        shutil.copytree(ROOT / part, root / part, ignore=shutil.ignore_patterns("platform"))
    rules = root / "legal" / "jurisdictions" / "gb" / "documents" / "rules.yml"
    rules.write_text(rules.read_text().replace("[borrowing, investment,", "[investment,"))
    catalog = Catalog(root)
    profile_path = tmp_path / "coop.yml"
    P.save_profile(valid_profile(catalog, "gb", "registered-society"), profile_path)
    findings = api.check(profile_path, catalog=catalog)
    assert not findings.ok
    assert [p.cite for p in findings.coverage] == ["CCBSA 2014 Sch.1 para 8"]
    assert "Whether and how the society may borrow" in findings.coverage[0].message


def test_a_statutory_limit_broken_fails_check_with_its_citation(tmp_path, catalog):
    profile = valid_profile(catalog, "gb", "registered-society")
    path = tmp_path / "coop.yml"
    P.save_profile(profile, path)
    path.write_text(path.read_text().replace("special_majority_percent: 75", "special_majority_percent: 55"))
    findings = api.check(path, catalog=catalog)
    assert [p.field for p in findings.law] == ["governance.special_majority_percent"]
    assert "CCBSA 2014 Sch.1 para 5" in findings.law[0].cite
