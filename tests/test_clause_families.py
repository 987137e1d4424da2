"""Issue #9 parts 2 and 3 for the English-language jurisdictions and Germany (gb, us-co, us-ca, us-ny, us-tx, ca,
ca-on, de): every form, for every co-op type it allows, has each clause family of legal/clauses/families.yml in its
rules, in the official language and in the English translation; `check` reports a missing one; US documents are in
American spelling with the Subchapter T consent bylaw; the German Satzung is numbered "§ 1", with 1,5 for factors
and the Beitrittserklärung of §§ 15, 15a GenG; each rules document names its statute in full before citing it
short; and the final build keeps the coverage table as an annex before the signatures and lists the facts still
to confirm on a cover sheet."""
from __future__ import annotations

import re

import pytest
import yaml

from conftest import ROOT, pdf_text, run_coopkit
from coopkit import legal
from coopkit import profile as P
from coopkit.catalog import Catalog
from coopkit.context import template_context
from coopkit.documents import render_documents, write_documents
from coopkit.render import respell

CATALOG = Catalog()
JURISDICTIONS = ["gb", "us-co", "us-ca", "us-ny", "us-tx", "ca", "ca-on", "de"]
CASES = [(jid, form.id, coop_type) for jid in JURISDICTIONS for form in CATALOG.jurisdiction(jid).forms
         for coop_type in form.coop_types]
FAMILIES = yaml.safe_load((ROOT / "legal" / "clauses" / "families.yml").read_text(encoding="utf-8"))

# What each family's clause says, in each language (a regular expression over the clause title and body, lower
# case), so that the test reads the clause rather than trusting its `covers:`.
PHRASES = {
    "indemnity-insurance": {"en": r"insurance", "de": r"d&o-versicherung"},
    "board-procedure": {"en": r"casting vote", "de": r"ausschlaggebende stimme"},
    "member-notices": {"en": r"treated as received", "de": r"gilt als zugegangen"},
    "registers-inspection": {"en": r"inspect", "de": r"einsehen"},
    "standing-orders": {"en": r"standing order|rules of procedure|polic(y|ies)", "de": r"geschäftsordnung"},
    "worker-membership": {"en": r"probation|candidate", "de": r"probezeit"},
    "discipline-appeal": {"en": r"appeal", "de": r"einspruch"},
    "subchapter-t-consent": {"en": r"written notices? of allocation"},
}
# British spellings a US document must not contain (the clauses are respelled by legal/clauses/en/_spelling.yml).
BRITISH = re.compile(r"\b(co-operatives?|organis(e|ed|es|ing|ation|ations)|authoris(e|ed|es|ing)|recognis(e|ed|es)|"
                     r"favour\w*|behaviour|honour|labour|neighbour\w*|colour|centres?|defence|offences?|licence|"
                     r"programmes?|cheques?|fulfil|enrolment|instalments?|cancelled|modelled|travelling|judgement|"
                     r"catalogue|analyse|whilst|amongst|per cent)\b", re.IGNORECASE)
# The statute in full, then the short form its citations use, per jurisdiction and form (None: every form).
STATUTES = {
    ("gb", "registered-society"): ("Co-operative and Community Benefit Societies Act 2014", "CCBSA"),
    ("gb", "company-limited-by-guarantee"): ("Companies Act 2006", "CA 2006"),
    ("us-co", "cooperative-article-56"): ("Article 56 (Cooperatives) of Title 7 of the Colorado Revised Statutes", "C.R.S."),
    ("us-co", "limited-cooperative-association"): ("Colorado Uniform Limited Cooperative Association Act", "C.R.S."),
    ("us-ca", None): ("California Cooperative Corporation Law", "Corp. Code"),
    ("us-ny", None): ("New York Cooperative Corporations Law", "CCO"),
    ("us-tx", None): ("Texas Business Organizations Code", "BOC"),
    ("ca", None): ("Canada Cooperatives Act, S.C. 1998, c. 1", "S.C. 1998"),
    ("ca-on", None): ("Co-operative Corporations Act, R.S.O. 1990, c. C.35", "R.S.O. 1990"),
    ("de", None): ("Genossenschaftsgesetz – GenG", "GenG"),
}


def profile_for(jid: str, fid: str, coop_type: str, sector: str = "delivery", **extra):
    """A valid profile with the founders the form needs, founders spread over every class of a multi-stakeholder
    co-op."""
    form = CATALOG.jurisdiction(jid).form(fid)
    mins = [int(c.min) for c in form.checks if c.field == "founders_count" and c.min is not None]
    answers = {"name": "Test Platform", "sector": sector, "jurisdiction": jid, "legal_form": fid, "coop_type": coop_type,
               "registered_office": "1 Test Street, Testville T1 1TT", "region": "Testville",
               "registered_office_area": "Testville", "registered_agent": "Founder 1",
               "founders": [{"name": f"Founder {i}", "email": f"f{i}@example.org", "address": f"{i} Founder Lane, Testville"}
                            for i in range(1, max(mins + [3]) + 1)],
               "sweat_equity": {"enabled": True, "founder_risk_multiplier": 1.5, "paid_work_discount": 0.6}, **extra}
    classes = [c["id"] for c in P.resolve(answers, CATALOG)["member_classes"]]
    if coop_type == "multi-stakeholder" and len(classes) > 1:
        for i, founder in enumerate(answers["founders"]):
            founder["member_class"] = classes[i % len(classes)]
    return P.validate(P.resolve(answers, CATALOG), CATALOG)


def needed(family: str, profile) -> bool:
    if family == "worker-membership":
        return profile.coop_type == "worker" or (profile.coop_type == "multi-stakeholder"
                                                 and "worker" in [c.id for c in profile.member_classes])
    if family == "subchapter-t-consent":
        return profile.jurisdiction.startswith("us-")
    return True


def rules_docs(docs):
    return [d for d in docs if d.spec.kind == "rules"]


@pytest.fixture(scope="module", params=CASES, ids=["-".join(c) for c in CASES])
def rendered(request):
    jid, fid, coop_type = request.param
    profile = profile_for(jid, fid, coop_type)
    context = {**template_context(profile, CATALOG), "build": "review"}
    return jid, fid, profile, context, render_documents(profile, CATALOG, context)


def test_the_families_file_names_every_family_this_test_reads():
    assert set(FAMILIES) == set(PHRASES)


def test_each_family_is_in_the_rules_in_both_languages(rendered, tmp_path):
    jid, fid, profile, context, docs = rendered
    rules = rules_docs(docs)
    languages = {d.language for d in rules}
    assert languages == ({"de", "en"} if jid == "de" else {"en"}), languages
    write_documents(rules, tmp_path, CATALOG, context, formats=("html",))
    for doc in rules:
        html = (tmp_path / f"{doc.filename}.html").read_text(encoding="utf-8")
        text_of = {c.clause.id: " ".join(f"{c.title} {c.body}".lower().split()) for c in doc.clauses}
        for family in FAMILIES:
            clauses = [c for c in doc.clauses if family in c.clause.covers]
            if not needed(family, profile):
                assert not clauses, f"{doc.filename}: {family} clause where it does not apply"
                continue
            assert clauses, f"{jid}/{fid}/{profile.coop_type} {doc.filename}: no clause covers {family}"
            heading = f"### {clauses[0].number} {clauses[0].title} {{#{clauses[0].clause.id}}}"
            assert heading in doc.markdown, heading
            assert clauses[0].title.replace("'", "&#x27;") in html or clauses[0].title in html
            phrase = PHRASES[family][doc.language.split("-")[0]]
            assert any(re.search(phrase, text_of[c.clause.id]) for c in clauses), (doc.filename, family, phrase)


def test_check_reports_the_families_as_covered(rendered):
    jid, fid, profile, context, docs = rendered
    form = CATALOG.jurisdiction(jid).form(fid)
    assert legal.coverage_problems(form, docs) == []
    expected = {f for f in FAMILIES if needed(f, profile)}
    for doc in rules_docs(docs):
        assert {fid_ for fid_, _, _ in doc.families} == expected, doc.filename


@pytest.mark.parametrize("family", ["board-procedure", "discipline-appeal", "registers-inspection"])
def test_a_rules_document_without_a_family_is_reported(family):
    """Drop the family's clause from the rules: coverage_problems (what `coopkit check` reports) names it, in the
    official language and in the English translation."""
    profile = profile_for("de", "eingetragene-genossenschaft", "worker")
    context = {**template_context(profile, CATALOG), "build": "final"}
    docs = render_documents(profile, CATALOG, context, build="final", drop=frozenset({family}))
    form = CATALOG.jurisdiction("de").form("eingetragene-genossenschaft")
    problems = [p for p in legal.coverage_problems(form, docs) if p[0] == family]
    assert sorted(p[1].rsplit("(", 1)[1] for p in problems) == ["satzung)", "satzung.en)"], problems


def test_coopkit_check_passes_and_names_a_missing_family(tmp_path):
    """The real command on the example profile exits 0; `check` over a copy of the data whose gb rules lack the
    board-procedure clause names the family, the document and the fix."""
    import shutil

    from coopkit import api

    ok = run_coopkit("check", str(ROOT / "examples" / "pedal-power.yml"))
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "Matters the statute requires the rules to cover: ok" in ok.stdout
    for folder in ("legal", "templates", "handbook"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    rules = tmp_path / "legal" / "jurisdictions" / "gb" / "documents" / "rules.yml"
    rules.write_text(rules.read_text(encoding="utf-8").replace(" board-procedure,", ""), encoding="utf-8")
    findings = api.check(ROOT / "examples" / "pedal-power.yml", catalog=Catalog(tmp_path))
    problems = [str(p) for p in findings.coverage]
    assert len(problems) == 1 and "Board procedure" in problems[0] and "(rules)" in problems[0], problems
    assert "covers: [board-procedure]" in problems[0]


def test_us_documents_are_in_american_spelling():
    for jid in ("us-co", "us-ca", "us-ny", "us-tx"):
        for form in CATALOG.jurisdiction(jid).forms:
            for coop_type in form.coop_types:
                for sector in ("delivery", "freelance"):
                    profile = profile_for(jid, form.id, coop_type, sector)
                    for build in ("review", "final"):
                        context = {**template_context(profile, CATALOG), "build": build}
                        for doc in render_documents(profile, CATALOG, context, build=build):
                            found = sorted({m.group(0).lower() for m in BRITISH.finditer(doc.markdown)})
                            assert not found, (jid, form.id, coop_type, sector, build, doc.filename, found)
                            assert "cooperative" in doc.markdown
                            assert not re.search(r"\b\d{1,2} (January|February|March|April|May|June|July|August|"
                                                 r"September|October|November|December) \d{4}", doc.markdown)


def test_respelling_touches_template_text_never_values():
    words = {"co-operative": "cooperative", "organisation": "organization", "favour": "favor"}
    source = "The Co-operative's {{ coop.name }} and {% if x == 'co-operative' %}organisation{% endif %} in FAVOUR."
    assert respell(source, words) == \
        "The Cooperative's {{ coop.name }} and {% if x == 'co-operative' %}organization{% endif %} in FAVOR."
    profile = profile_for("us-tx", "cooperative-association", "worker", name="Bristol Co-operative Organisation")
    context = {**template_context(profile, CATALOG), "build": "final"}
    bylaws = next(d for d in render_documents(profile, CATALOG, context, build="final") if d.spec.kind == "rules")
    assert "Bristol Co-operative Organisation" in bylaws.markdown  # the founders' words are theirs


def test_us_bylaws_carry_the_subchapter_t_consent_and_the_agreement_its_copy():
    for jid in ("us-co", "us-ca", "us-ny", "us-tx"):
        profile = profile_for(jid, CATALOG.jurisdiction(jid).forms[0].id, "worker")
        context = {**template_context(profile, CATALOG), "build": "final"}
        docs = render_documents(profile, CATALOG, context, build="final")
        bylaws = next(d for d in docs if d.spec.kind == "rules")
        clause = next(c for c in bylaws.clauses if c.clause.id == "subchapter-t-consent")
        assert "26 U.S.C. §1388(c)(2)(B)" in clause.body and "Internal Revenue Code of 1986" in clause.body
        assert "20 percent" in clause.body and "stated dollar amount" in clause.body
        for agreement in (d for d in docs if d.spec.kind == "agreement"):
            notice = next(c for c in agreement.clauses if c.clause.id == "agreement-consent-bylaw")
            assert clause.body in notice.body, agreement.filename  # a true copy of the bylaw


def test_german_satzung_is_numbered_with_paragraph_signs_in_both_languages():
    profile = profile_for("de", "eingetragene-genossenschaft", "worker")
    context = {**template_context(profile, CATALOG), "build": "final"}
    docs = render_documents(profile, CATALOG, context, build="final")
    satzung, english = rules_docs(docs)
    for doc in (satzung, english):
        numbers = [c.number for c in doc.clauses]
        assert numbers == [f"§\u00a0{i}" for i in range(1, len(numbers) + 1)], numbers
        assert "## I. " in doc.markdown and "## II. " in doc.markdown and "Artikel" not in doc.markdown
        assert "## Article" not in doc.markdown
    assert [c.clause.id for c in satzung.clauses] == [c.clause.id for c in english.clauses]
    expulsion = next(c for c in satzung.clauses if c.clause.id == "discipline-appeal")
    assert "[§\u00a0" in expulsion.body  # references print "§ 11", as a link


def test_german_factors_and_citations_read_as_german():
    profile = profile_for("de", "eingetragene-genossenschaft", "worker")
    context = {**template_context(profile, CATALOG), "build": "final"}
    satzung, english = rules_docs(render_documents(profile, CATALOG, context, build="final"))
    assert "mit 1,5 multipliziert" in satzung.markdown and "mit 0,6" in satzung.markdown
    assert "1.5" in english.markdown and "1,5" not in english.markdown
    assert "(§ 3 GenG)" in satzung.markdown and "GenG §" not in satzung.markdown.replace("GenG §§ 54", "")
    # the form's German defaults (objects, beneficiary) are in English in the translation
    assert "Eine faire" in satzung.markdown and "Eine faire" not in english.markdown
    assert "To run a fair, democratic platform" in english.markdown and "Genossenschaftswesens" not in english.markdown
    # the elected representative is named in both genders
    assert "eine Bevollmächtigte oder einen Bevollmächtigten" in satzung.markdown


def test_beitrittserklaerung_is_the_membership_declaration_of_section_15_genG():
    profile = profile_for("de", "eingetragene-genossenschaft", "multi-stakeholder")
    context = {**template_context(profile, CATALOG), "build": "final"}
    docs = render_documents(profile, CATALOG, context, build="final")
    declarations = [d for d in docs if d.spec.id == "beitrittserklaerung"]
    assert {(d.member_class, d.language) for d in declarations} == \
        {(c.id, lang) for c in profile.member_classes for lang in ("de", "en")}
    german = next(d for d in declarations if d.language == "de" and d.member_class == "worker")
    text = " ".join(german.markdown.split())
    assert "erkläre hiermit unbedingt meinen Beitritt" in text
    assert "Ich verpflichte mich ausdrücklich, die nach dem Gesetz und der Satzung geschuldeten Einzahlungen" in text
    assert "Nachschüsse zu leisten, aus" in text and "(§ 15a GenG)" in text
    assert "Unterschrift" in text and "Zulassung durch den Vorstand" in text
    english = next(d for d in declarations if d.language == "en" and d.member_class == "worker")
    assert "I expressly undertake to make the payments due" in english.markdown
    # it stands beside the membership agreement, which points to it
    agreement = next(d for d in docs if d.spec.id == "mitgliedschaftsvereinbarung" and d.language == "de")
    assert "Beitrittserklärung" in agreement.markdown


@pytest.mark.parametrize(("jid", "fid"), [(j, f.id) for j in JURISDICTIONS for f in CATALOG.jurisdiction(j).forms])
def test_the_statute_is_named_in_full_and_defined_before_its_short_form(jid, fid):
    full, short = STATUTES.get((jid, fid)) or STATUTES[(jid, None)]
    profile = profile_for(jid, fid, CATALOG.jurisdiction(jid).form(fid).coop_types[0])
    context = {**template_context(profile, CATALOG), "build": "final"}
    for doc in rules_docs(render_documents(profile, CATALOG, context, build="final")):
        body = doc.markdown.split(f"# {doc.title}\n", 1)[1]  # the document itself, after any cover sheet
        definitions = next(c for c in doc.clauses if c.clause.id == "definitions").body
        first = definitions.splitlines()[2]  # after the opening sentence and a blank line: the statute comes first
        assert full in first, (doc.filename, first)
        # the short form is first met in the statute's own definition (or later), never before it
        assert body.find(short) == -1 or body.find(short) >= body.find(first), (doc.filename, short)


def test_final_build_keeps_coverage_as_an_annex_before_the_signatures_and_lists_what_to_confirm(tmp_path):
    profile = profile_for("us-ca", "worker-cooperative-corporation", "worker")
    context = {**template_context(profile, CATALOG), "build": "final"}
    docs = render_documents(profile, CATALOG, context, build="final")
    bylaws = rules_docs(docs)[0]
    headings = [line for line in bylaws.markdown.splitlines() if line.startswith("## ")]
    annex = next(i for i, h in enumerate(headings) if h.startswith("## Annex: Statutory matters covered"))
    assert headings[annex + 1].startswith("## Article") and "adoption" in headings[annex + 1].lower()
    assert annex == len(headings) - 2
    minutes = next(d for d in docs if d.spec.kind == "minutes")
    assert minutes.unconfirmed, "us-ca minutes rely on unconfirmed facts"
    assert minutes.markdown.startswith("## Before signing: points still to confirm {#to-confirm .cover-sheet}")
    for text in minutes.unconfirmed:
        assert text in minutes.markdown
    assert "**[to confirm]**" not in minutes.markdown  # no inline marks in the final text
    write_documents([minutes], tmp_path, CATALOG, context, formats=("pdf",))
    first_page = pdf_text(tmp_path / f"{minutes.filename}.pdf", 1, 1)
    second_page = pdf_text(tmp_path / f"{minutes.filename}.pdf", 2, 2)
    assert "Before signing: points still to confirm" in first_page and "Article 1" not in first_page
    assert "Minutes of the Organizational Meeting" in second_page


@pytest.mark.parametrize(("jid", "fid", "coop_type"), [("gb", "registered-society", "multi-stakeholder"),
                                                       ("de", "eingetragene-genossenschaft", "worker"),
                                                       ("us-tx", "cooperative-association", "worker")])
def test_the_pdf_holds_every_family_heading(jid, fid, coop_type, tmp_path):
    profile = profile_for(jid, fid, coop_type)
    context = {**template_context(profile, CATALOG), "build": "final"}
    rules = rules_docs(render_documents(profile, CATALOG, context, build="final"))
    write_documents(rules, tmp_path, CATALOG, context, formats=("pdf",))
    for doc in rules:
        text = " ".join(pdf_text(tmp_path / f"{doc.filename}.pdf").split())
        for family in FAMILIES:
            if needed(family, profile):
                clause = next(c for c in doc.clauses if family in c.clause.covers)
                assert " ".join(f"{clause.number} {clause.title}".split()) in text, (doc.filename, family)
        if doc.language == "de":
            assert "§ 1 " in text and "1,5" in text
        if jid.startswith("us-"):
            assert not BRITISH.search(text), BRITISH.findall(text)
