"""Every legal form in the catalog, for every co-op type it allows and two sectors, in both builds:
renders with nothing left unrendered, covers every statutory matter, reads clean to the lawyer's
linter (official language and English translation), and passes `check`."""
from __future__ import annotations

import shutil

import pytest

from conftest import ROOT, pdf_text
from coopkit import api, legal
from coopkit import profile as P
from coopkit.catalog import Catalog
from coopkit.context import template_context
from coopkit.documents import render_documents, write_documents
from coopkit.lint import lint_documents

CATALOG = Catalog()
FORMS = [(j.id, f.id) for j in CATALOG.jurisdictions.values() for f in j.forms]
CASES = [(jid, fid, coop_type, sector)
         for jid, fid in FORMS
         for coop_type in CATALOG.jurisdiction(jid).form(fid).coop_types
         for sector in ("delivery", "home-sharing")]


def minimum_founders(form) -> int:
    mins = [c.min for c in form.checks if c.field == "founders_count" and c.min is not None]
    return int(max(mins, default=3))


def valid_profile(catalog, jid, fid, coop_type=None, sector="delivery", **extra):
    form = catalog.jurisdiction(jid).form(fid)
    coop_type = coop_type or form.coop_types[0]
    answers = {"name": "Test Platform", "sector": sector, "jurisdiction": jid, "legal_form": fid,
               "coop_type": coop_type, "registered_office": "1 High Street", "region": "Testville",
               "registered_office_area": "Testville", "registered_agent": "Founder 1",
               "founders": [{"name": f"Founder {i}", "email": f"f{i}@example.org", "address": f"{i} Founder Lane, Testville"}
                            for i in range(1, minimum_founders(form) + 1)], **extra}
    data = P.resolve(answers, catalog)
    if coop_type == "multi-stakeholder" and "founders" not in extra:  # founders from every class, as the law
        classes = [c["id"] for c in data["member_classes"]]            # of a SCIC requires (law_rules)
        for i, founder in enumerate(data["founders"]):
            founder["member_class"] = classes[i % len(classes)]
    return P.validate(data, catalog)


@pytest.mark.parametrize(("jid", "fid", "coop_type", "sector"), CASES, ids=["-".join(c) for c in CASES])
def test_every_form_renders_both_builds_and_passes_check(jid, fid, coop_type, sector):
    profile = valid_profile(CATALOG, jid, fid, coop_type, sector)
    form = CATALOG.jurisdiction(jid).form(fid)
    for build in ("review", "final"):
        context = {**template_context(profile, CATALOG), "build": build}
        docs = render_documents(profile, CATALOG, context, build=build)
        assert {d.spec.id for d in docs} == set(form.documents)
        assert {d.language for d in docs} >= {profile.language or "en", "en"}
        # the lawyer's linter reads every document (rules, agreements, minutes, filings) in both languages
        findings = lint_documents(docs, profile, CATALOG)
        assert findings == [], "\n".join(str(f.as_problem()) for f in findings)
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


SURPLUS = ("reserve_percent", "education_percent", "patronage_percent", "community_percent")
LIMITS = [(jid, fid, i) for jid, fid in FORMS
          for i, c in enumerate(CATALOG.jurisdiction(jid).form(fid).checks) if c.min is not None or c.max is not None]


def breaking_answers(catalog, jid, fid, check):
    """Answers for a valid profile, then changed so that exactly this limit is broken."""
    profile = valid_profile(catalog, jid, fid)
    data = profile.model_dump(mode="json")
    if check.field == "founders_count":
        data["founders"] = data["founders"][: int(check.min) - 1]
        return data
    if check.field == "member_classes_count":
        data["member_classes"] = data["member_classes"][: int(check.min) - 1]
        data["founders"] = [dict(f, member_class=data["member_classes"][0]["id"]) for f in data["founders"]]
        data["governance"]["class_weighted_voting"] = False
        return data
    if check.field in ("voting_classes_count", "member_classes_count") and check.max is not None:
        while len(data["member_classes"]) <= check.max:
            n = len(data["member_classes"])
            data["member_classes"].append(dict(data["member_classes"][0], id=f"extra{n}", label=f"Extra {n}", voting=True))
        return data
    if check.field == "voting_classes_count":
        for i, cls in enumerate(data["member_classes"]):
            cls["voting"] = i < int(check.min) - 1
        data["governance"]["class_weighted_voting"] = False
        return data
    if check.field == "name_length":
        data["name"] = "N" * (int(check.max) + 1)
        return data
    value = check.min - 1 if check.min is not None else check.max + 1
    if check.min is not None and 0 < check.min <= 1:
        value = 0 if float(check.min).is_integer() else check.min / 2
    path = check.field.replace("*", "0")
    if P.get_path(data, path, "absent") == "absent":
        pytest.skip(f"this profile has no {path}")
    P.set_path(data, path, value)
    section, _, key = path.partition(".")
    if section == "surplus":
        other = "patronage_percent" if key != "patronage_percent" else "community_percent"
        rest = sum(data["surplus"][k] for k in SURPLUS if k != other)
        data["surplus"][other] = 100 - rest
        if data["surplus"][other] < 0:
            pytest.skip("no valid surplus split breaks only this limit")
    return data


@pytest.mark.parametrize(("jid", "fid", "index"), LIMITS,
                         ids=[f"{j}-{f}-{CATALOG.jurisdiction(j).form(f).checks[i].field}" for j, f, i in LIMITS])
def test_breaking_a_statutory_limit_is_refused_with_its_citation(jid, fid, index):
    check = CATALOG.jurisdiction(jid).form(fid).checks[index]
    data = breaking_answers(CATALOG, jid, fid, check)
    try:
        profile = P.Profile.model_validate(data)
    except Exception as exc:  # the model's own range refuses it first: still a clear refusal
        pytest.skip(f"the profile model refuses this value before the law does: {exc}")
    problems = P.law_problems(profile, CATALOG)
    assert any(p.cite.startswith(check.cite) for p in problems), (check.field, [str(p) for p in problems])


FOREIGN = [(jid, fid) for jid, fid in FORMS if not CATALOG.jurisdiction(jid).official_languages[0].startswith("en")]


@pytest.mark.parametrize(("jid", "fid"), FOREIGN, ids=["-".join(f) for f in FOREIGN])
def test_documents_are_in_the_official_language_with_an_english_translation(jid, fid, tmp_path):
    from coopkit.legal import load_strings

    profile = valid_profile(CATALOG, jid, fid)
    language = profile.language
    assert language == CATALOG.jurisdiction(jid).official_languages[0]
    context = {**template_context(profile, CATALOG), "build": "review"}
    docs = render_documents(profile, CATALOG, context)
    official = {(d.spec.id, d.member_class): d for d in docs if not d.translation_of}
    english = {(d.spec.id, d.member_class): d for d in docs if d.translation_of}
    assert official.keys() == english.keys()
    article = load_strings(CATALOG, language)["article"]
    assert article != "Article" or language in ("fr", "ca")  # French and Catalan also say "Article"
    for key, doc in official.items():
        translation = english[key]
        assert doc.language == language and translation.language == "en" and translation.translation_of == language
        assert [c.clause.id for c in doc.clauses] == [c.clause.id for c in translation.clauses]
        if doc.numbering == "sections":  # "I." parts and "§ 1" clauses, the same in the translation (legal.py)
            assert "## I. " in doc.markdown and "### §\u00a01 " in doc.markdown and "### §\u00a01 " in translation.markdown
        else:
            assert f"## {article} 1." in doc.markdown and "## Article 1." in translation.markdown
        assert translation.filename == doc.filename + ".en"
        # defaults the founders did not change (objects, beneficiary) are in the official language too
        assert "To run a fair" not in doc.markdown and "co-operative development fund" not in doc.markdown
        # each clause is written in its language: the official text is not the English text
        assert [c.body for c in doc.clauses] != [c.body for c in translation.clauses]
        for clause in translation.clauses:
            assert clause.clause.path.parts[-2] == "en", clause.clause.path
        for clause in doc.clauses:
            assert clause.clause.path.parts[-2] == language, clause.clause.path
    rules = next(d for d in english.values() if d.spec.kind == "rules")
    write_documents([rules], tmp_path, CATALOG, context, formats=("html",))
    html = (tmp_path / f"{rules.filename}.html").read_text(encoding="utf-8")
    assert "Convenience translation into English" in html and 'lang="en"' in html


def test_an_overlay_replaces_a_clause_and_adds_css(tmp_path):
    overlay = tmp_path / "lab"
    (overlay / "clauses" / "en").mkdir(parents=True)
    (overlay / "clauses" / "en" / "disputes.md").write_text(
        "---\nid: disputes\ntitle: Disputes and the Lab's mediation service\ncovers: [disputes]\nnote: lab\n---\n"
        "Disputes go first to the Bristol Co-op Lab's mediation service.\n", encoding="utf-8")
    (overlay / "legal.css").write_text("h1 { color: rgb(1, 2, 3); }\n")
    profile = valid_profile(CATALOG, "gb", "registered-society")
    out = tmp_path / "legal"
    api.legal(profile, out, overlay=overlay)
    md = (out / "rules.md").read_text(encoding="utf-8")
    assert "Disputes and the Lab's mediation service" in md and "mediation service" in md
    assert "rgb(1, 2, 3)" in (out / "rules.html").read_text(encoding="utf-8")


def test_a_form_without_share_capital_never_mentions_shares(tmp_path):
    profile = valid_profile(CATALOG, "gb", "company-limited-by-guarantee", "multi-stakeholder")
    context = {**template_context(profile, CATALOG), "build": "review"}
    for doc in render_documents(profile, CATALOG, context):
        prose = "\n".join(line for line in doc.markdown.splitlines() if not line.startswith("    "))  # not notes
        assert "Share" not in prose, doc.filename


def test_rendering_never_fetches_from_the_network_or_outside_coopkit_s_files(tmp_path):
    """An overlay's CSS asks for a remote stylesheet, a remote image and a local file outside the
    allowed folders: the PDF is still written, and nothing is fetched."""
    import http.server
    import threading

    hits = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"not for the PDF")
    overlay = tmp_path / "lab"
    overlay.mkdir()
    (overlay / "legal.css").write_text(
        f'@import url("http://127.0.0.1:{port}/remote.css");\n'
        f'h1 {{ background: url("http://127.0.0.1:{port}/tracker.png"); }}\n'
        f'h2 {{ background: url("file://{secret}"); }}\n')
    profile = valid_profile(CATALOG, "gb", "registered-society")
    try:
        api.legal(profile, tmp_path / "out", overlay=overlay)
    finally:
        server.shutdown()
    assert (tmp_path / "out" / "rules.pdf").stat().st_size > 10_000
    assert hits == []


def test_an_overlay_clause_cannot_escape_the_template_sandbox(tmp_path):
    from coopkit.errors import DataError

    overlay = tmp_path / "lab"
    (overlay / "clauses" / "en").mkdir(parents=True)
    (overlay / "clauses" / "en" / "disputes.md").write_text(
        "---\nid: disputes\ntitle: Disputes\ncovers: [disputes]\nnote: x\n---\n"
        "{{ ''.__class__.__mro__[1].__subclasses__() }}\n", encoding="utf-8")
    profile = valid_profile(CATALOG, "gb", "registered-society")
    with pytest.raises(DataError, match="unsafe|not safely accessible|__class__"):
        api.legal(profile, tmp_path / "out", overlay=overlay)
    assert not (tmp_path / "out").exists()
