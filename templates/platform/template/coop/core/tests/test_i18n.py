"""The platform speaks the co-op's language (coop.language) with English as the fallback.

The other tests run in English (config/settings/test.py); these switch language the way the
settings do, through config.settings.base.language_settings.
"""
import gettext
import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from config.settings.base import django_language, language_settings
from coop import profile

pytestmark = pytest.mark.django_db

SHIPPED = {  # locale/<dir>: how the home page's "Read our rules" button reads
    "pt_BR": "Leia nosso estatuto", "es": "Lee nuestros estatutos", "de": "Unsere Satzung lesen",
    "fr": "Lire nos statuts", "it": "Leggi il nostro statuto", "nl": "Lees onze statuten",
    "da": "Læs vores vedtægter", "ca": "Llegeix els nostres estatuts",
}


@pytest.fixture
def coop_language(settings):
    """coop_language("pt-BR", offered=[...]) sets up the site as for a co-op whose language is pt-BR."""

    def use(language, offered=()):
        settings.LANGUAGE_CODE, settings.LANGUAGES = language_settings(language, offered)
        return settings.LANGUAGE_CODE

    with translation.override(None):  # the language active before the test comes back after it
        yield use


def home(client, **headers):
    return client.get(reverse("home"), headers=headers).content.decode()


def test_home_page_in_brazilian_portuguese(client, coop_language):
    assert coop_language("pt-BR", ["pt-BR", "en"]) == "pt-br"
    html = home(client)
    assert '<html lang="pt-br"' in html
    assert "Leia nosso estatuto" in html and "Read our rules" not in html
    assert "<dt>Região</dt>" in html and "Associe-se" in html


@pytest.mark.parametrize("language", ["xx-YY", "tlh", "", None])
def test_unknown_language_falls_back_to_english(client, coop_language, language):
    assert coop_language(language) == "en"
    html = home(client)
    assert '<html lang="en"' in html
    assert "Read our rules" in html and "<dt>Region</dt>" in html


def test_language_without_our_translations_shows_english(client, coop_language):
    """Swedish is known to Django but not shipped in locale/: the co-op's strings stay English."""
    assert coop_language("sv-SE") == "sv"
    html = home(client)
    assert '<html lang="sv"' in html
    assert "Read our rules" in html


def test_visitors_get_an_offered_language_or_the_coops(client, coop_language):
    coop_language("de", ["de", "en"])
    assert "Unsere Satzung lesen" in home(client, accept_language="pt-BR,pt;q=0.9")  # not offered: the co-op's
    assert "Read our rules" in home(client, accept_language="en-GB,en;q=0.9")


@pytest.mark.parametrize("directory, text", SHIPPED.items())
def test_every_shipped_language_renders(client, coop_language, directory, text):
    coop_language(directory.replace("_", "-"))
    assert text in home(client)


def test_the_coops_own_language_is_served(client, coop_language):
    current = profile.current()
    code = coop_language(current.coop.get("language"), current.rules["platform"].get("languages") or [])
    with translation.override(code):
        expected = translation.gettext("Read our rules")
    assert expected in home(client)


@pytest.mark.parametrize("tag, code", [("pt-BR", "pt-br"), ("pt_BR", "pt-br"), ("de-AT", "de"), ("ES", "es"),
                                       ("zh-TW", "zh-hant"), ("ca", "ca"), ("da-DK", "da"), ("nl-BE", "nl")])
def test_profile_language_tags_map_to_django_codes(tag, code):
    assert django_language(tag) == code


def _po_entries(path):
    """msgid -> msgstr from a .po file (enough of the format for makemessages' output)."""
    entries, key, current = {}, None, None
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        match = re.match(r'^(msgid|msgstr) "(.*)"$', line)
        if match:
            key = match.group(1)
            current = {"msgid": "", "msgstr": ""} if key == "msgid" else current
            current[key] = match.group(2)
        elif line.startswith('"') and key:
            current[key] += line[1:-1]
        elif not line.strip() and current is not None and key == "msgstr":
            entries[current["msgid"]] = current["msgstr"]
            key, current = None, None
    entries.pop("", None)
    return {k.encode().decode("unicode_escape").encode("latin-1").decode("utf-8"):
            v.encode().decode("unicode_escape").encode("latin-1").decode("utf-8") for k, v in entries.items()}


@pytest.mark.parametrize("directory", SHIPPED)
def test_every_message_is_translated_and_compiled(directory):
    """Each .po translates every msgid (the same set in every language) and its .mo is up to date."""
    folder = settings.BASE_DIR / "locale" / directory / "LC_MESSAGES"
    po = _po_entries(folder / "django.po")
    reference = _po_entries(settings.BASE_DIR / "locale" / "pt_BR" / "LC_MESSAGES" / "django.po")
    assert set(po) == set(reference)
    assert all(po.values()), [k for k, v in po.items() if not v]
    with open(folder / "django.mo", "rb") as mo:
        catalog = gettext.GNUTranslations(mo)._catalog
    catalog.pop("", None)
    assert catalog == po
