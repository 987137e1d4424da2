"""Every jurisdiction × (its official language, English): the handbook's HTML renders with the new
chapters, no English leaks into a translated handbook, every registration step is translated, and the
handbook defaults to the documents' language (with a warning when it has no translation).

HTML only (fast); tests/test_handbook_layout.py renders PDFs for a representative subset."""
from __future__ import annotations

import html as htmllib
import re

import pytest

from coopkit import profile as P
from coopkit.catalog import Catalog
from coopkit.context import template_context
from coopkit.handbook import handbook_html, handbook_language, languages

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


def jurisdiction_profile(jid: str, language: str | None = None, region: str = "Testville"):
    form = CATALOG.jurisdiction(jid).forms[0]
    mins = [c.min for c in form.checks if c.field == "founders_count" and c.min is not None]
    answers = {"name": "Test Platform", "sector": "delivery", "jurisdiction": jid, "legal_form": form.id,
               "coop_type": form.coop_types[0], "region": region, "registered_office": "1 High Street",
               "document_date": "2026-11-27",
               "founders": [{"name": f"Founder {i}", "email": f"f{i}@example.org"}
                            for i in range(1, int(max(mins, default=3)) + 1)]}
    if language:
        answers["language"] = language
    return P.validate(P.resolve(answers, CATALOG), CATALOG, law=False)  # the handbook, not the law checks, is under test


def visible_text(page: str) -> str:
    """What a reader sees: no style, no code, no URLs, no e-mail addresses."""
    page = re.sub(r"<(style|code|pre|title)\b.*?</\1>", " ", page, flags=re.S)
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


MATRIX = [(jid, lang) for jid in CATALOG.jurisdiction_ids
          for lang in dict.fromkeys([handbook_language(jurisdiction_profile(jid), CATALOG), "en"])]


@pytest.fixture(scope="module")
def rendered():
    cache: dict = {}

    def get(jid: str, language: str) -> str:
        if (jid, language) not in cache:
            profile = jurisdiction_profile(jid)
            cache[(jid, language)] = handbook_html(profile, CATALOG, template_context(profile, CATALOG),
                                                   documents=[], language=language)
        return cache[(jid, language)]
    return get


def test_languages_are_the_folders():
    assert set(languages(CATALOG)) >= {"en", "pt-BR", "es", "de", "fr", "it", "nl", "da", "ca"}
    for language in languages(CATALOG):
        names = sorted(p.name for p in (CATALOG.handbook / "chapters" / language).glob("*.md"))
        assert names == sorted(p.name for p in (CATALOG.handbook / "chapters" / "en").glob("*.md")), language


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


@pytest.mark.parametrize("jid,language", MATRIX)
def test_every_jurisdiction_and_language_renders_with_the_new_chapters(jid, language, rendered):
    page = rendered(jid, language)
    for chapter in NEW_CHAPTERS:
        assert f'id="ch-{chapter}"' in page, f"{jid}/{language}: no chapter {chapter}"
    assert f'<html lang="{language}">' in page
    if language != "en":
        leaks = english_words(visible_text(page), language)
        assert not leaks, f"{jid}/{language}: English in the handbook:\n" + "\n".join(leaks[:15])


@pytest.mark.parametrize("jid,language", [m for m in MATRIX if m[1] != "en"])
def test_registration_steps_are_translated(jid, language):
    form = CATALOG.jurisdiction(jid).forms[0]
    for step in form.registration.steps:
        own = step.i18n.get(language) or step.i18n.get(language.split("-")[0])
        assert own and own.get("title") and own.get("description"), \
            f"{jid}: step {step.id!r} has no {language} title and description (i18n in jurisdiction.yml)"
    for check in form.checks:
        own = check.i18n.get(language) or check.i18n.get(language.split("-")[0])
        assert own and own.get("rule"), f"{jid}: the check on {check.field} has no {language} rule"


def test_the_leak_check_can_fail():
    assert english_words("Die Satzung regelt the members' shares.", "de")
    assert not english_words("Die Satzung regelt die Anteile der Mitglieder.", "de")
