"""Issue #9 parts 2 and 3 for the jurisdictions that write in another language than English (br, es, es-ct, fr,
it, nl, dk): every form, for every co-op type it allows, has each new clause family in its official-language rules
and in the English translation, keeps its statutory coverage, passes the lawyer's linter (no bracketed placeholder),
writes factors with the locale's decimal comma, and names its statute in full before it abbreviates it."""
from __future__ import annotations

import re

import pytest

from conftest import pdf_text
from coopkit import legal
from coopkit import profile as P
from coopkit.catalog import Catalog
from coopkit.context import template_context
from coopkit.documents import render_documents, write_documents
from coopkit.lint import lint_documents

CATALOG = Catalog()
JURISDICTIONS = ["br", "es", "es-ct", "fr", "it", "nl", "dk"]
CASES = [(jid, form.id, coop_type) for jid in JURISDICTIONS for form in CATALOG.jurisdiction(jid).forms
         for coop_type in form.coop_types]
FAMILIES = ["indemnity-insurance", "board-procedure", "member-notices", "registers-inspection", "standing-orders",
            "worker-membership", "discipline-appeal"]

# A phrase each family's clause says in each language (lower case), so the test reads the clause, not only its id.
PHRASES = {
    "indemnity-insurance": {"pt-BR": "seguro de responsabilidade civil", "es": "seguro de responsabilidad civil",
                            "ca": "assegurança de responsabilitat civil", "fr": "assurance", "it": "assicurazione",
                            "nl": "aansprakelijkheidsverzekering", "da": "ledelsesansvarsforsikring", "en": "insurance"},
    "board-procedure": {"pt-BR": "prevalece o voto de quem preside", "es": "dirime los empates",
                        "ca": "decideix els empats", "fr": "prépondérante", "it": "prevale il voto di chi presiede",
                        "nl": "bij staking van stemmen", "da": "udslagsgivende", "en": "casting vote"},
    "member-notices": {"pt-BR": "considera-se recebida", "es": "se entiende recibida", "ca": "es considera rebuda",
                       "fr": "réputée reçue", "it": "si considera ricevuta", "nl": "geldt als ontvangen",
                       "da": "anses for modtaget", "en": "deemed received"},
    "registers-inspection": {"pt-BR": "de matrícula", "es": "libro registro de socios", "ca": "llibre registre de socis",
                             "fr": "registre des", "it": "libro dei", "nl": "ledenregister", "da": "medlemsfortegnelse",
                             "en": "register"},
    "standing-orders": {"pt-BR": "regimento interno", "es": "reglamento de régimen interno",
                        "ca": "reglament de règim intern", "fr": "règlement intérieur", "it": "regolament",
                        "nl": "huishoudelijk reglement", "da": "forretningsorden", "en": "prevail"},
    "worker-membership": {"pt-BR": "trabalho", "es": "socios trabajadores", "ca": "socis de treball",
                          "fr": "contrat de travail", "it": "soci lavoratori", "nl": "werkend", "da": "arbejdende",
                          "en": "employ"},
    "discipline-appeal": {"pt-BR": "recurso", "es": "recurso", "ca": "recórrer", "fr": "entendu", "it": "riesame",
                          "nl": "beroep", "da": "indbragt", "en": "appeal"},
}

# The statute in full, then the short form the text uses after it: (full name, short form), per language.
STATUTES = {
    "br": {"pt-BR": [("Lei nº 5.764, de 16 de dezembro de 1971", "Lei 5.764/1971")],
           "en": [("Lei nº 5.764, de 16 de dezembro de 1971", "Lei 5.764/1971")]},
    "es": {"es": [("Ley 27/1999, de 16 de julio, de Cooperativas", "Ley 27/1999")],
           "en": [("Ley 27/1999, de 16 de julio, de Cooperativas", "Ley 27/1999")]},
    "es-ct": {"ca": [("Llei 12/2015, del 9 de juliol, de cooperatives", "Llei 12/2015")],
              "en": [("Llei 12/2015, del 9 de juliol, de cooperatives", "Llei 12/2015")]},
    "fr": {"fr": [("loi n° 47-1775 du 10 septembre 1947", "loi de 1947")],
           "en": [("Law no. 47-1775 of 10 September 1947", "1947 Law")]},
    "it": {"it": [("titolo VI del libro V del Codice civile", "c.c.")],
           "en": [("Title VI of Book V of the Italian Civil Code", "Civil Code art")]},
    "nl": {"nl": [("Burgerlijk Wetboek (hierna: \"BW\")", "BW ")],
           "en": [("Dutch Civil Code (Burgerlijk Wetboek, \"BW\")", "BW ")]},
    "dk": {"da": [("lov om visse erhvervsdrivende virksomheder (herefter \"LEV\")", "LEV")],
           "en": [("Act on Certain Commercial Undertakings", "LEV")]},
}
LINK = re.compile(r"\[[^\]\n]*\]\(#[^)]*\)")


def profile_for(jid: str, fid: str, coop_type: str, **extra):
    """A valid profile with the founders the form needs; where the law counts member categories (fr SCIC), the
    founders come from every class of the sector."""
    form = CATALOG.jurisdiction(jid).form(fid)
    mins = [int(c.min) for c in form.checks if c.field == "founders_count" and c.min is not None]
    answers = {"name": "Vélo Test", "sector": "delivery", "jurisdiction": jid, "legal_form": fid,
               "coop_type": coop_type, "registered_office": "1 Rua Test, 1000 Testville", "region": "Testville",
               "founders": [{"name": f"Founder {i}", "email": f"f{i}@example.org"}
                            for i in range(1, max(mins + [3]) + 1)],
               "sweat_equity": {"enabled": True, "founder_risk_multiplier": 1.5, "paid_work_discount": 0.6}, **extra}
    classes = [c["id"] for c in P.resolve(answers, CATALOG)["member_classes"]]
    if coop_type == "multi-stakeholder" and len(classes) > 1:
        for i, founder in enumerate(answers["founders"]):
            founder["member_class"] = classes[i % len(classes)]
    return P.validate(P.resolve(answers, CATALOG), CATALOG)


def has_workers(profile) -> bool:
    return profile.coop_type == "worker" or "worker" in [c.id for c in profile.member_classes]


def rules_pair(docs):
    official = next(d for d in docs if d.spec.kind == "rules" and not d.translation_of)
    english = next(d for d in docs if d.spec.kind == "rules" and d.translation_of)
    return official, english


def prose(markdown: str) -> str:
    """The text without headings and clause links, so clause numbers such as 1.5 are not read as amounts."""
    return LINK.sub("", "\n".join(line for line in markdown.splitlines() if not line.startswith("#")))


@pytest.fixture(scope="module", params=CASES, ids=["-".join(c) for c in CASES])
def rendered(request):
    jid, fid, coop_type = request.param
    profile = profile_for(jid, fid, coop_type)
    context = {**template_context(profile, CATALOG), "build": "review"}
    return jid, fid, profile, context, render_documents(profile, CATALOG, context)


def test_each_family_is_in_the_official_rules_and_the_english_translation(rendered, tmp_path):
    jid, fid, profile, context, docs = rendered
    official, english = rules_pair(docs)
    write_documents([official, english], tmp_path, CATALOG, context, formats=("html",))
    for doc in (official, english):
        html = (tmp_path / f"{doc.filename}.html").read_text(encoding="utf-8")
        lang = doc.language if doc.language in PHRASES["board-procedure"] else doc.language.split("-")[0]
        for family in FAMILIES:
            clauses = [c for c in doc.clauses if family in c.clause.covers]
            if family == "worker-membership" and not has_workers(profile):
                assert not clauses, f"{doc.filename}: worker clause in a co-op without worker members"
                continue
            assert clauses, f"{jid}/{fid}/{profile.coop_type} {doc.filename}: no clause covers {family}"
            clause = clauses[0]
            assert f"### {clause.number} {clause.title}" in doc.markdown
            assert clause.title.replace("'", "&#x27;") in html or clause.title in html
            assert PHRASES[family][lang] in " ".join(f"{clause.title} {clause.body}".lower().split()), (doc.filename, family)
        # the English translation is English: no official-language clause text
        if doc is english:
            assert [c.clause.id for c in english.clauses] == [c.clause.id for c in official.clauses]


def test_statutory_coverage_stays_complete_and_the_linter_finds_nothing(rendered):
    jid, fid, profile, context, docs = rendered
    form = CATALOG.jurisdiction(jid).form(fid)
    rules = [d for d in docs if d.spec.kind == "rules" and not d.translation_of]
    assert legal.coverage_problems(form, rules) == []
    assert lint_documents(docs, profile, CATALOG) == []
    for doc in docs:  # belt and braces: no bracketed placeholder at all, whatever the linter's exceptions
        text = prose(doc.markdown)
        for flag in ("to_confirm", "a confirmar", "à confirmer", "to confirm", "per confirmar", "da verificare",
                     "te bevestigen", "bekræftes"):
            text = re.sub(r"\*\*\[[^\]]*" + re.escape(flag.split()[-1]) + r"[^\]]*\]\*\*", "", text)
        assert not re.search(r"(?<![\\!])\[[^\]\n]{1,60}\](?!\()", text), (doc.filename, re.findall(r"\[[^\]\n]*\]", text))


def test_factors_use_the_documents_decimal_separator(rendered):
    _, _, _, _, docs = rendered
    official, english = rules_pair(docs)
    assert "1,5" in prose(official.markdown) and "0,6" in prose(official.markdown)
    assert "1.5" not in prose(official.markdown) and "0.6" not in prose(official.markdown)
    assert "1.5" in prose(english.markdown)


def test_the_statute_is_named_in_full_before_its_short_form(rendered):
    jid, _, _, _, docs = rendered
    official, english = rules_pair(docs)
    for doc in (official, english):
        body = doc.markdown.split("\n", 1)[1]  # after the title
        for full, short in STATUTES[jid][doc.language]:
            assert full in body, (doc.filename, full)
            first_short = body.find(short)
            assert first_short == -1 or body.find(full) <= first_short, (doc.filename, short, body[first_short - 80:first_short + 40])


@pytest.mark.parametrize(("jid", "fid", "coop_type"), [("br", "cooperativa-de-trabalho", "worker"),
                                                       ("fr", "scic", "multi-stakeholder")])
def test_the_pdf_holds_the_families_in_both_languages(jid, fid, coop_type, tmp_path):
    profile = profile_for(jid, fid, coop_type)
    context = {**template_context(profile, CATALOG), "build": "final"}
    official, english = rules_pair(render_documents(profile, CATALOG, context, build="final"))
    write_documents([official, english], tmp_path, CATALOG, context, formats=("pdf",))
    for doc in (official, english):
        text = " ".join(pdf_text(tmp_path / f"{doc.filename}.pdf").split())
        for family in FAMILIES:
            clause = next(c for c in doc.clauses if family in c.clause.covers)
            assert " ".join(f"{clause.number} {clause.title}".split()) in text, (doc.filename, family)
        if doc is official:
            assert "1,5" in text and "[" not in text


def test_places_take_the_right_portuguese_contraction():
    """"no Rio de Janeiro", "na Bahia", "em São Paulo", "na Rua ...": the names that take an article are data."""
    out = {}
    for region, office in [("Rio de Janeiro", "Rua do Catete, 100 - Rio de Janeiro - RJ"), ("São Paulo", "Avenida Paulista, 1000"),
                           ("Bahia", "Praça da Sé, 1 - Salvador - BA")]:
        profile = profile_for("br", "cooperativa", "worker", region=region, registered_office=office)
        context = {**template_context(profile, CATALOG), "build": "final"}
        official, _ = rules_pair(render_documents(profile, CATALOG, context, build="final"))
        out[region] = official.markdown
    assert "com centro no Rio de Janeiro" in out["Rio de Janeiro"] and "sede e foro na Rua do Catete" in out["Rio de Janeiro"]
    assert "com centro em São Paulo" in out["São Paulo"] and "sede e foro na Avenida Paulista" in out["São Paulo"]
    assert "com centro na Bahia" in out["Bahia"] and "sede e foro na Praça da Sé" in out["Bahia"]
    assert "em Rio" not in out["Rio de Janeiro"] and "em Bahia" not in out["Bahia"]


def test_the_english_translation_translates_the_forms_default_objects_and_beneficiary(rendered):
    """The form's defaults are in the official language; where the founders kept them, the English translation
    prints the English default instead of the official text."""
    jid, fid, _, _, docs = rendered
    defaults = CATALOG.jurisdiction(jid).form(fid).defaults
    official, english = rules_pair(docs)
    for key in ("purpose", "dissolution.beneficiary"):
        if key in defaults:
            assert defaults[key] not in english.markdown, (english.filename, key)
    assert defaults["purpose"].rstrip(".") in official.markdown
    assert "To run a fair, democratic platform owned and governed by the people who work on it and use it." \
        in english.markdown


def test_the_english_translation_lists_statutory_matters_and_facts_in_english(rendered):
    jid, fid, _, _, docs = rendered
    form = CATALOG.jurisdiction(jid).form(fid)
    english_form = form.localized("en")
    _, english = rules_pair(docs)
    for matter, translated in zip(form.matters, english_form.matters, strict=True):
        assert translated.title != matter.title, (jid, matter.id)
        assert f"| {translated.title} (" in english.markdown.replace("\\", ""), (jid, matter.id)
    for fact_id, fact in form.facts.items():
        if not fact.confirmed:
            assert english_form.facts[fact_id].text != fact.text, (jid, fact_id)
