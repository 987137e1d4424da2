"""Every jurisdiction × (its official language, English): the handbook's HTML renders with the new
chapters, no English leaks into a translated handbook, every registration step is translated, and the
handbook defaults to the documents' language (with a warning when it has no translation).

HTML only (fast); tests/test_handbook_layout.py renders PDFs for a representative subset."""
from __future__ import annotations

import html as htmllib
import re

import pytest
import yaml

from coopkit import profile as P
from coopkit.catalog import Catalog
from coopkit.context import template_context
from coopkit.handbook import handbook_html, handbook_language, languages, load_words

CATALOG = Catalog()
NEW_CHAPTERS = ("business", "work", "calendar", "members", "templates")

# Common English words and phrases that no translated handbook should show. Words that are also
# ordinary words of a target language are listed in EXCEPT for that language.
ENGLISH = ("the", "and", "with", "which", "your", "you", "this", "that", "these", "those", "must", "should",
           "would", "will", "from", "members", "member", "meeting", "shares", "share", "votes", "board",
           "rules", "step", "steps", "days", "fee", "fees", "source", "registration", "registrar", "chapter",
           "before", "after", "every", "each", "more than", "at least", "when", "where", "what", "who", "how",
           "there", "their", "they", "them", "are", "were", "been", "have", "not", "only", "may", "about",
           "into", "between", "first", "year", "month", "worked", "example", "founders", "founding",
           "to confirm", "co-op", "surplus", "amount", "business", "work", "pay", "insurance", "deadline",
           "general meeting", "annual", "quorum", "majority", "resolution", "patronage", "sweat equity",
           "notice", "agenda", "minutes", "grievance", "employee", "employees", "self-employed", "wage",
           "break-even", "cash", "budget", "commission", "cost", "costs", "per", "our", "we", "us", "if",
           "then", "than", "also", "it", "its", "of", "to", "for", "on", "by", "an", "or", "be", "is", "in")
EXCEPT = {
    "de": {"in", "an", "also", "per", "will", "was", "so", "am", "budget"},
    "nl": {"in", "of", "is", "an", "per", "door", "over", "en", "we", "ons", "met", "ben", "be", "op", "to", "budget", "agenda", "quorum", "team"},
    "da": {"in", "per", "under", "over", "at", "for", "to", "er", "en", "vi", "os", "har", "be", "af",
           "budget", "og", "it", "have", "quorum", "team"},
    "fr": {"on", "per", "par", "en", "budget", "commission", "notice", "minutes", "source", "agenda", "quorum", "votes", "vote",
           "us", "as", "pour", "mais"},
    "it": {"per", "in", "a", "e", "budget", "commissione", "agenda", "cash", "on", "be", "quorum", "non"},
    "es": {"en", "per", "a", "e", "y", "no", "son", "us", "budget", "agenda", "registrar", "has"},
    "ca": {"en", "per", "a", "e", "i", "no", "son", "us", "has", "pay", "agenda", "on", "be", "cost", "registrar"},
    "pt-BR": {"a", "e", "em", "no", "per", "para", "us", "agenda", "on", "registrar", "for"},
}
ALWAYS_ALLOWED = {"to", "on", "be", "it", "an", "or", "by", "of", "if", "us"}  # too short to tell apart reliably
# Proper nouns and product names that stay in English in every language.
PROPER = ("The Drivers Cooperative", "Platform Cooperativism Consortium", "Internet of Ownership", "Seeds for Change",
          "Sociocracy For All", "Co-op Cloud", "Up & Go", "Stocksy United", "Let's Encrypt", "Docker Swarm",
          "Docker", "Traefik", "Caddy", "PostgreSQL", "Django", "Loomio", "CoopCycle", "Fairbnb", "Fairmondo",
          "Smart", "HTTPS", "coopkit", "Test Platform", "Founder")
# and every sector's example co-ops, by name
PROPER += tuple(sorted({e.name for p in (CATALOG.root / "templates" / "sectors").glob("*.yml")
                        for e in CATALOG.sector(p.stem).examples}, key=len, reverse=True))


def jurisdiction_profile(jid: str, language: str | None = None, region: str = "Testville", *,
                         form_id: str | None = None, coop_type: str | None = None, sector: str = "delivery"):
    form = CATALOG.jurisdiction(jid).form(form_id)
    mins = [c.min for c in form.checks if c.field == "founders_count" and c.min is not None]
    answers = {"name": "Test Platform", "sector": sector, "jurisdiction": jid, "legal_form": form.id,
               "coop_type": coop_type or form.coop_types[0], "region": region, "registered_office": "1 High Street",
               "document_date": "2026-11-27",
               "founders": [{"name": f"Founder {i}", "email": f"f{i}@example.org"}
                            for i in range(1, int(max(mins, default=3)) + 1)]}
    if language:
        answers["language"] = language
    return P.validate(P.resolve(answers, CATALOG), CATALOG, law=False)  # the handbook, not the law checks, is under test


def visible_text(page: str) -> str:
    """What a reader sees: no style, no code, no URLs, no e-mail addresses."""
    page = re.sub(r"<(style|code|pre)\b.*?</\1>", " ", page, flags=re.S)
    page = re.sub(r"<head>.*?</head>", " ", page, flags=re.S)
    page = re.sub(r"<[^>]+>", " ", page)
    text = htmllib.unescape(page)
    text = re.sub(r"https?://\S+|\S+@\S+", " ", text)
    for noun in PROPER:
        text = text.replace(noun, " ")
    return text


def english_words(text: str, language: str) -> list[str]:
    allowed = EXCEPT.get(language, set()) | ALWAYS_ALLOWED
    found = []
    lowered = text.lower()
    for word in ENGLISH:
        if word in allowed:
            continue
        for match in re.finditer(r"(?<![\w·-])" + re.escape(word) + r"(?![\w·-])", lowered):
            found.append(f"{word!r} in …{text[max(0, match.start() - 50):match.end() + 50]!r}…")
            break
    return found


SECTORS = sorted(p.stem for p in (CATALOG.root / "templates" / "sectors").glob("*.yml"))


def official_language(jid: str) -> str:
    return handbook_language(jurisdiction_profile(jid), CATALOG)


def _cases() -> list[tuple[str, str, str, str, str]]:
    """(jurisdiction, legal form, co-op type, sector, language) to render. In each jurisdiction's own
    language: every legal form × every co-op type it allows (the chapters branch on both; English
    jurisdictions once per form, since no leak check applies to them), cycled with the sectors so that
    every sector is rendered in every handbook language; then the English handbook of every legal form
    of every jurisdiction whose language is not English."""
    by_language: dict[str, list[tuple[str, str, str]]] = {}
    for jid in CATALOG.jurisdiction_ids:
        language = official_language(jid)
        for form in CATALOG.jurisdiction(jid).forms:
            for ctype in form.coop_types if language != "en" else form.coop_types[:1]:
                by_language.setdefault(language, []).append((jid, form.id, ctype))
    missing = set(languages(CATALOG)) - set(by_language)
    assert not missing, f"no jurisdiction is written in {missing}: give the test one"
    out = []
    for language, combos in sorted(by_language.items()):
        for i in range(max(len(combos), len(SECTORS))):
            jid, fid, ctype = combos[i % len(combos)]
            out.append((jid, fid, ctype, SECTORS[i % len(SECTORS)], language))
    english = [(jid, form.id, form.coop_types[0]) for jid in CATALOG.jurisdiction_ids if official_language(jid) != "en"
               for form in CATALOG.jurisdiction(jid).forms]
    out += [(jid, fid, ctype, SECTORS[i % len(SECTORS)], "en") for i, (jid, fid, ctype) in enumerate(english)]
    return out


CASES = _cases()
# sector words that are also ordinary words of a language: "service" (fr), "driver" (da: runs), "rider" (it: courier)
VOCABULARY_EXCEPT = {"fr": {"service", "services"}, "da": {"driver"}, "it": {"rider", "riders"}}


def english_vocabulary(text: str, sector: str, language: str) -> list[str]:
    """The sector's English words (Courier, deliveries, Business customer...) that are not also its words
    in `language`, found in the text."""
    item = CATALOG.sector(sector)
    own = item.vocabulary_for(language)
    english = {*(v for v in item.vocabulary.model_dump().values() if isinstance(v, str)), *(c.label for c in item.member_classes)}
    theirs = {*(v for v in own.model_dump().values() if isinstance(v, str)), *(c.labels.get(language) or c.labels.get(language.split("-")[0]) or ""
                                            for c in item.member_classes)}
    allowed = {t.casefold() for t in theirs} | EXCEPT.get(language, set()) | VOCABULARY_EXCEPT.get(language, set())
    words = {w for w in english if w.casefold() not in allowed}
    return sorted(w for w in words if re.search(r"(?<![\w·-])" + re.escape(w) + r"(?![\w·-])", text, re.I))


MATRIX = sorted({(jid, lang) for jid, _f, _t, _s, lang in CASES})  # every jurisdiction × (its language, English)


def case_id(case) -> str:
    return "-".join(case)


@pytest.fixture(scope="module")
def rendered():
    cache: dict = {}

    def get(jid: str, language: str, form_id: str | None = None, coop_type: str | None = None,
            sector: str = "delivery") -> str:
        key = (jid, language, form_id, coop_type, sector)
        if key not in cache:
            profile = jurisdiction_profile(jid, form_id=form_id, coop_type=coop_type, sector=sector)
            cache[key] = handbook_html(profile, CATALOG, template_context(profile, CATALOG), documents=[],
                                       language=language)
        return cache[key]
    return get


def test_languages_are_the_folders():
    assert set(languages(CATALOG)) >= {"en", "pt-BR", "es", "de", "fr", "it", "nl", "da", "ca"}
    for language in languages(CATALOG):
        names = sorted(p.name for p in (CATALOG.handbook / "chapters" / language).glob("*.md"))
        assert names == sorted(p.name for p in (CATALOG.handbook / "chapters" / "en").glob("*.md")), language


def test_the_cases_cover_every_form_type_sector_and_language():
    seen = {(jid, fid, ctype, lang) for jid, fid, ctype, _s, lang in CASES}
    for jid in CATALOG.jurisdiction_ids:
        language = official_language(jid)
        for form in CATALOG.jurisdiction(jid).forms:
            assert (jid, form.id, form.coop_types[0], language) in seen
            assert language == "en" or all((jid, form.id, t, language) in seen for t in form.coop_types)
            assert language == "en" or any(c[0] == jid and c[1] == form.id and c[4] == "en" for c in CASES)
    for language in languages(CATALOG):
        assert {c[3] for c in CASES if c[4] == language} == set(SECTORS), language


@pytest.mark.parametrize("jid", CATALOG.jurisdiction_ids)
def test_the_handbook_defaults_to_the_documents_language(jid):
    profile = jurisdiction_profile(jid)
    official = CATALOG.jurisdiction(jid).official_languages[0]
    assert handbook_language(profile, CATALOG).split("-")[0] == official.split("-")[0]


def test_a_missing_language_is_a_warning_never_silent_english(capsys):
    profile = jurisdiction_profile("gb", language="cy")  # Welsh: documents may be, the handbook is not
    assert handbook_language(profile, CATALOG) == "en"
    assert "no 'cy' translation" in capsys.readouterr().err
    page = handbook_html(profile, CATALOG, template_context(profile, CATALOG), documents=[], language="en")
    assert "no translation into cy yet" in page


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_every_form_type_sector_and_language_renders_in_its_own_words(case, rendered):
    """The new chapters are there; a translated handbook has no English; an English handbook of a
    jurisdiction whose language is not English has no run of that language's words outside
    parentheses and names; every link is on an official domain."""
    from test_handbook_sources import official

    jid, fid, ctype, sector, language = case
    page = rendered(jid, language, fid, ctype, sector)
    for chapter in NEW_CHAPTERS:
        assert f'id="ch-{chapter}"' in page, f"{case}: no chapter {chapter}"
    assert f'<html lang="{language}">' in page
    text = visible_text(page)
    if language != "en":
        leaks = english_words(text, language)
        assert not leaks, f"{case}: English in the handbook:\n" + "\n".join(leaks[:15])
        leaks = english_vocabulary(text, sector, language)
        assert not leaks, f"{case}: the sector's English words in the handbook: {leaks}"
    else:
        own = official_language(jid)
        if own != "en":
            runs = foreign_runs(text, own, names(jid, fid))
            assert not runs, f"{case}: {own} words in the English handbook:\n" + "\n".join(runs[:15])
    examples = load_words(CATALOG, language)["examples"].get(sector) or {}
    flat = " ".join(text.split())
    for example in CATALOG.sector(sector).examples:  # chapter 1 tells what each co-op does, in this language
        sentence = example.sentence if language == "en" else (examples.get(example.name) or {}).get("sentence", "")
        words = " ".join(sentence.split())
        for noun in PROPER:
            words = words.replace(noun, " ")
        assert " ".join(words.split())[:60] in " ".join(flat.split()), f"{case}: no sentence for {example.name}"
    links = re.findall(r'href="(https?://[^"]+)"', page)
    assert not [u for u in links if not official(u)], f"{case}: links outside the allow-list"


# ── the reverse check: an English handbook of a jurisdiction whose language is not English ─────────

# Common words of each official language that are not English words (so "die", "den", "also", "in", "per"...
# are left out); two of them within four words, outside parentheses and names, are a run of that language.
OFFICIAL_WORDS = {
    "de": "der das und mit für von nicht eine einer eines einem wird werden sind ist oder auf bei nach zur zum "
          "des dem sich auch durch über muss müssen kann können mindestens jede jedes jeder wenn wie sie ihre "
          "zu vor vom beim eingetragen mitglieder",
    "fr": "le la les des du une est sont pour dans avec sur qui que aux au ou pas ses leur leurs doit peuvent peut "
          "être cette nous vous il elle associés selon chaque ne",
    "it": "il lo gli della delle dei degli che una sono con nel nella alla dal dalla non deve essere anche più ogni "
          "soci almeno del alle si sia",
    "nl": "het een van niet zijn wordt worden voor ook bij naar dat moet kan aan uit leden minstens elke "
          "de en er op te",
    "da": "og der det til med på af ikke skal som har fra ved eller mindst medlemmer hvert hver mellem et "
          "skal kan være",
    "es": "el los las del una que con por para son sus se al debe puede cada socios más como y la de en",
    "ca": "el els les del dels una que amb són seva seus al ha pot cada socis més com la de en i",
    "pt-BR": "os da dos das um uma que com para por não é são seu sua ao deve pode cada cooperados mais "
             "na em de",
}


def names(jid: str, fid: str) -> list[str]:
    """Names a founder needs in the official language to find the document or the office: the form, its
    statute, the registrar and the compulsory memberships (the handbook keeps them as they are written)."""
    jurisdiction = CATALOG.jurisdiction(jid)
    form = jurisdiction.form(fid)
    out = [jurisdiction.name, form.name, form.statute, form.registration.registrar]
    out += [m.name for m in form.registration.compulsory_memberships]
    out += [f.name for f in jurisdiction.forms] + [f.statute for f in jurisdiction.forms]
    out += [f.registration.registrar for f in jurisdiction.forms]
    out += [str(v) for v in form.vocabulary.values()]
    # citations: a founder looks the law up by them
    cited = [*form.facts.values(), *form.checks, *form.matters, *form.registration.steps,
             *form.registration.compulsory_memberships, *(s.fee for s in form.registration.steps if s.fee)]
    out += [c.cite for c in cited if getattr(c, "cite", "")]
    data = CATALOG.handbook / "data"
    work = yaml.safe_load((data / "work.yml").read_text(encoding="utf-8"))["jurisdictions"].get(jid, {})
    out += [*_each(work.get("status_law", "")), *(c for part in ("minimum", "insurance_law") for k, v in
                                                 (work.get(part) or {}).items() if k in ("law", "cite") for c in _each(v))]
    deadlines = yaml.safe_load((data / "compliance.yml").read_text(encoding="utf-8"))["jurisdictions"]
    out += [cite for key in (jid, f"{jid}/{fid}") for item in deadlines.get(key, []) for cite in _each(item["cite"])]
    registrars = yaml.safe_load((data / "registrars.yml").read_text(encoding="utf-8")).get(jid) or {}
    out += [*_each(registrars.get("rule_cite", "")), *(registrars.get("courts") or {}).values()]
    return sorted({n for n in out if n}, key=len, reverse=True)


def _each(value) -> list[str]:
    """A data value given once or per language ({de: ..., en: ...}): every text of it."""
    return [str(v) for v in value.values()] if isinstance(value, dict) else [str(value)]


def _outside_parentheses(text: str) -> str:
    while True:
        stripped = re.sub(r"\([^()]*\)", " ", text)
        if stripped == text:
            return text
        text = stripped


def foreign_runs(text: str, language: str, proper: list[str] = ()) -> list[str]:
    words = set(OFFICIAL_WORDS[language].split())
    text = re.sub(r"[ \t\xa0]+", " ", text)  # a chart label wrapped over two lines is one name again
    for name in proper:
        text = text.replace(" ".join(name.split()), " ")
    found = []
    for line in _outside_parentheses(text).split("\n"):
        tokens = re.findall(r"[\w’'·-]+", line.lower())
        for i in range(len(tokens)):
            window = tokens[i:i + 4]
            if window and window[0] in words and sum(1 for t in window if t in words) >= 2:
                found.append(f"…{line.strip()[:160]!r}…")
                break
    return found


@pytest.mark.parametrize("case", [c for c in CASES if c[4] != "en"], ids=case_id)
def test_registration_prose_is_translated(case):
    """Every step, fee note, compulsory membership, limit and fact of every form of a jurisdiction has
    its text in each language its handbooks are written in (jurisdiction.yml `i18n:`)."""
    jid, fid, _t, _s, language = case
    form = CATALOG.jurisdiction(jid).form(fid)

    def own(item) -> dict:
        return item.i18n.get(language) or item.i18n.get(language.split("-")[0]) or {}

    for step in form.registration.steps:
        assert own(step).get("title") and own(step).get("description"), \
            f"{jid}/{fid}: step {step.id!r} has no {language} title and description (i18n in jurisdiction.yml)"
        if step.fee and step.fee.note:
            assert own(step.fee).get("note"), f"{jid}/{fid}: the fee of step {step.id!r} has no {language} note"
    for membership in form.registration.compulsory_memberships:
        assert own(membership).get("description"), \
            f"{jid}/{fid}: the compulsory membership {membership.name!r} has no {language} description"
    for check in form.checks:
        assert own(check).get("rule"), f"{jid}/{fid}: the check on {check.field} has no {language} rule"
    assert own(form).get("description"), f"{jid}/{fid}: the form has no {language} description"


@pytest.mark.parametrize("jid,fid", [(jid, form.id) for jid in CATALOG.jurisdiction_ids if official_language(jid) != "en"
                                     for form in CATALOG.jurisdiction(jid).forms])
def test_facts_and_matters_have_english(jid, fid):
    """The English handbook (and the English translation of the documents) of a jurisdiction whose law is
    written in another language shows its facts and statutory matters in English."""
    form = CATALOG.jurisdiction(jid).form(fid)
    local = form.localized("en")
    for key, fact in local.facts.items():
        if fact.text:
            assert not foreign_runs(fact.text, official_language(jid), names(jid, fid)), \
                f"{jid}/{fid}: fact {key!r} has no English text (i18n: {{en: {{text: ...}}}}): {fact.text!r}"
    for matter in local.matters:
        assert not foreign_runs(matter.title + " x x x", official_language(jid), names(jid, fid)), \
            f"{jid}/{fid}: matter {matter.id!r} has no English title: {matter.title!r}"


@pytest.mark.parametrize("language", [lang for lang in languages(CATALOG) if lang != "en"])
def test_every_sector_example_is_written_in_every_language(language):
    examples = load_words(CATALOG, language)["examples"]
    for sector in SECTORS:
        for example in CATALOG.sector(sector).examples:
            own = (examples.get(sector) or {}).get(example.name) or {}
            assert own.get("place") and own.get("sentence"), \
                f"handbook/i18n/{language}/examples.yml: no place and sentence for {sector}: {example.name}"
            assert own["sentence"] != example.sentence, f"{language}: {example.name}'s sentence is the English one"


DATA = {name: yaml.safe_load((CATALOG.handbook / "data" / f"{name}.yml").read_text(encoding="utf-8"))
        for name in ("work", "compliance", "registrars")}


@pytest.mark.parametrize("language", languages(CATALOG))
def test_every_id_in_the_handbooks_data_has_its_words_in_every_language(language):
    """work.yml and compliance.yml name their facts by ids whose sentences are in strings.yml: each
    language's own strings.yml has every one (a missing one would print English in that handbook)."""
    own = yaml.safe_load((CATALOG.handbook / "i18n" / language / "strings.yml").read_text(encoding="utf-8"))
    work = DATA["work"]
    for jid, facts in work["jurisdictions"].items():
        assert facts["status"] in own["work_status"], f"{language}: work_status.{facts['status']} ({jid})"
        assert facts["minimum"]["kind"] in own["minimum_pay"], f"{language}: minimum_pay.{facts['minimum']['kind']}"
    for ids in work["insurance"].values():
        for insurance in ids:
            assert insurance in own["insurance"], f"{language}: insurance.{insurance}"
    for key, items in DATA["compliance"]["jurisdictions"].items():
        for item in items:
            assert item["id"] in own["compliance"], f"{language}: compliance.{item['id']} ({key})"


def _notes(value) -> list[str]:
    """The words a citation adds to the statute's name: what is in parentheses or after a colon."""
    return [part for text in _each(value) for part in re.findall(r"\(([^()]*)\)|:\s*(.+)$", text) for part in part if part]


@pytest.mark.parametrize("jid", [jid for jid in CATALOG.jurisdiction_ids if official_language(jid) != "en"])
def test_the_handbooks_data_explains_itself_in_english_too(jid):
    """A citation in handbook/data that explains itself in the official language (a note in parentheses)
    is given per language with an English one, so an English handbook does not print that note."""
    language = official_language(jid)
    work = DATA["work"]["jurisdictions"].get(jid, {})
    values = [work.get("status_law"), *((work.get(p) or {}).get(k) for p in ("minimum", "insurance_law") for k in ("law", "cite"))]
    values += [item["cite"] for key, items in DATA["compliance"]["jurisdictions"].items() if key.split("/")[0] == jid
               for item in items]
    values.append((DATA["registrars"].get(jid) or {}).get("rule_cite"))
    for value in values:
        if not value:
            continue
        if isinstance(value, dict):
            assert "en" in value and language in value, f"{jid}: {value} needs {language!r} and 'en'"
            continue
        for note in _notes(value):
            assert not foreign_runs(note + " x x x", language), \
                f"{jid}: {value!r} explains itself in {language}; give it as {{{language}: ..., en: ...}}"


def test_the_leak_checks_can_fail():
    assert english_words("Die Satzung regelt the members' shares.", "de")
    assert not english_words("Die Satzung regelt die Anteile der Mitglieder.", "de")
    assert foreign_runs("Each member has one vote. Jedes Mitglied hat eine Stimme und mehr.", "de")
    assert not foreign_runs("Each member has one vote (Jedes Mitglied hat eine Stimme, § 43 GenG).", "de")
    assert not foreign_runs("Register with the Genossenschaftsregister beim zuständigen Amtsgericht.", "de",
                            ["Genossenschaftsregister beim zuständigen Amtsgericht"])
    assert foreign_runs("Les statuts fixent le capital.", "fr")
    assert english_vocabulary("Die Couriers liefern.", "delivery", "de") == ["Couriers"]
    assert not english_vocabulary("Die Kurier·innen liefern.", "delivery", "de")
    note = _notes("GenG § 10 (das Amtsgericht am Sitz des Landgerichts führt das Register)")
    assert note and foreign_runs(note[0], "de")
    assert not _notes("HGB § 339")
    assert not foreign_runs("The Statuts fix the capital of the SCOP.", "fr")


def test_coopkits_defaults_are_printed_in_the_handbooks_language_and_the_founders_words_as_written(rendered):
    english = visible_text(rendered("fr", "en", "scic", "multi-stakeholder", "delivery"))
    french = visible_text(rendered("fr", "fr", "scic", "multi-stakeholder", "delivery"))
    for word in ("Employees", "Beneficiaries", "Supporters", "To run a fair, democratic platform"):
        assert word in english
    for word in ("Salariés", "Bénéficiaires", "Soutiens", "Exploiter une plateforme équitable"):
        assert word in french and word not in english
    own = jurisdiction_profile("fr", form_id="scic").model_copy(update={"purpose": "Livrer à vélo, à Lyon."})
    page = handbook_html(own, CATALOG, template_context(own, CATALOG), documents=[], language="en")
    assert "Livrer à vélo, à Lyon." in visible_text(page)  # the founders' own words, never replaced


@pytest.mark.parametrize("jid,fid,english,own", [
    ("de", "eingetragene-genossenschaft", "A co-operative needs at least three members.",
     "Eine Genossenschaft braucht mindestens drei Mitglieder."),
    ("de", "eingetragene-genossenschaft", "Distribution of profit and loss", "Verteilung von Gewinn und Verlust"),
    ("nl", "cooperatie-ua", "A co-operative is set up by at least two persons",
     "Een coöperatie wordt opgericht door ten minste twee personen"),
    ("fr", "scic", "Code général des impôts, art. 223 (the corporate tax return)",
     "Code général des impôts, art. 223 (liasse fiscale)"),  # handbook/data/compliance.yml, per language
])
def test_an_english_handbook_prints_the_laws_facts_in_english(jid, fid, english, own, rendered):
    ctype = CATALOG.jurisdiction(jid).form(fid).coop_types[0]
    in_english = " ".join(visible_text(rendered(jid, "en", fid, ctype, "delivery")).split())
    in_own = " ".join(visible_text(rendered(jid, official_language(jid), fid, ctype, "delivery")).split())
    assert english in in_english and own not in in_english
    assert own in in_own


@pytest.mark.parametrize("jid,language,said", [
    ("gb", "de", "gibt es noch nicht auf Deutsch; Eintragungsschritte, Gebühren, Grenzen und gesetzlich "
                 "vorgeschriebene Inhalte zeigt das Kapitel zur Eintragung deshalb auf Englisch."),
    ("fr", "da", "findes endnu ikke på dansk, så kapitlet om registrering viser trin, gebyrer, grænser og "
                 "lovpligtige emner på engelsk og fransk."),
])
def test_a_handbook_in_a_third_language_says_the_laws_facts_are_not_translated(jid, language, said):
    """A handbook_language chosen apart from the documents' (neither the law's language nor English)
    has no translation of the jurisdiction's data: the cover says in which languages it is shown."""
    profile = jurisdiction_profile(jid)
    page = handbook_html(profile, CATALOG, template_context(profile, CATALOG), documents=[], language=language)
    assert said in " ".join(visible_text(page).split())
    for own in ("en", official_language(jid)):
        plain = handbook_html(profile, CATALOG, template_context(profile, CATALOG), documents=[], language=own)
        assert 'class="cover-notice language-notice"' not in plain
