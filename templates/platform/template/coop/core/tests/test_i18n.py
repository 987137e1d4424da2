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
    """{msgid: msgstr} of a .po file (msgctxt + "\x04" + msgid for a message with a context, as gettext
    keys it), without obsolete entries; a fuzzy entry reads as untranslated, as msgfmt compiles it."""
    entries, current, key = {}, None, None

    def finish():
        if current and current.get("msgid"):
            msgid = current["msgid"] if "msgctxt" not in current else current["msgctxt"] + "\x04" + current["msgid"]
            entries[msgid] = "" if current.get("fuzzy") else current.get("msgstr", "")

    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if line.startswith("#~"):
            continue
        match = re.match(r'^(msgctxt|msgid|msgstr) "(.*)"$', line)
        if match:
            if match.group(1) != "msgstr" and (current is None or "msgstr" in current):
                finish()
                current = {"fuzzy": current.get("next_fuzzy")} if current else {}
            key = match.group(1)
            current[key] = _unescape(match.group(2))
        elif line.startswith('"') and key:
            current[key] += _unescape(line[1:-1])
        elif line.startswith("#,") and "fuzzy" in line:
            finish()
            current, key = {"fuzzy": True, "pending": True}, None
        elif not line.strip():
            finish()
            current, key = None, None
    return entries


def _unescape(text):
    return text.encode("utf-8").decode("unicode_escape").encode("latin-1").decode("utf-8")


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


GETTEXT_CALLS = {"_": 1, "gettext": 1, "gettext_lazy": 1, "gettext_noop": 1, "pgettext": 2, "pgettext_lazy": 2,
                 "ngettext": 1, "ngettext_lazy": 1, "npgettext": 2, "npgettext_lazy": 2}


def _marked_in_python(path):
    """The messages a Python file marks: gettext calls (and their aliases) with literal strings."""
    import ast

    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None)) in GETTEXT_CALLS:
            name = getattr(node.func, "id", None) or node.func.attr
            args = [a.value for a in node.args[:GETTEXT_CALLS[name]] if isinstance(a, ast.Constant) and isinstance(a.value, str)]
            if len(args) == GETTEXT_CALLS[name]:
                yield args[0] + "\x04" + args[1] if len(args) == 2 else args[0]


def _marked_in_template(path):
    """The messages a Django template marks ({% translate %}, {% blocktranslate %}, _("...") in filters),
    read the way makemessages reads them (Django's templatize)."""
    import ast

    from django.utils.translation.template import templatize

    code = templatize(path.read_text(encoding="utf-8"), origin=str(path))
    literal = r"""u?(?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")"""
    for call, args in re.findall(rf"(?<![\w.])(n?p?gettext|_)\(((?:{literal}(?:, *)?)+)", code):
        strings = ast.literal_eval("(" + args.rstrip(", ") + ",)")
        yield strings[0] + "\x04" + strings[1] if call in ("pgettext", "npgettext") else strings[0]


def test_every_message_the_platform_shows_is_in_every_catalog():
    """Parse the sources as makemessages does (without needing gettext): every marked message of the
    Python code and the templates is in each shipped catalog, translated; nothing in a catalog is stale."""
    root = settings.BASE_DIR
    sources = [p for folder in ("coop", "config") for p in (root / folder).rglob("*")
               if p.suffix in (".py", ".html", ".txt") and "tests" not in p.parts and "migrations" not in p.parts]
    marked = set()
    for path in sources:
        marked.update(_marked_in_python(path) if path.suffix == ".py" else _marked_in_template(path))
    assert len(marked) > 400  # the parsers found the platform's messages, not nothing
    for directory in SHIPPED:
        po = _po_entries(root / "locale" / directory / "LC_MESSAGES" / "django.po")
        missing = sorted(m for m in marked if not po.get(m))
        assert not missing, f"locale/{directory}: {len(missing)} message(s) missing or empty, e.g. {missing[:5]}"
        assert not sorted(set(po) - marked), f"locale/{directory}: stale messages {sorted(set(po) - marked)[:5]}"


def test_a_page_in_german_shows_the_german_catalog(client, coop_language, make_member):
    """Not just the home page: a member's pages, the decision tools, the calendar's words, in German."""
    coop_language("de", ["de", "en"])
    member = make_member(name="Dora Deutsch")
    client.force_login(member.user)
    me = client.get(reverse("members:me")).content.decode()
    assert "E-Mail und meine Daten" in me and "Alle meine personenbezogenen Daten herunterladen (JSON)" in me
    assert "Email and my data" not in me
    new = client.get(reverse("governance:new_proposal")).content.decode()
    assert "Umfrage (eine Option wählen)" in new and "Rangfolgewahl (mit Stichwahl)" in new
    assert "Poll (choose one option)" not in new
    assert '<html lang="de"' in new and "Abmelden" in new
