"""Official sources only: every link in every jurisdiction.yml, in the handbook's data and in the HTML of
every handbook (every jurisdiction × its language and English) is on an official domain of
handbook/data/official-domains.yml — the legislator, the registrar, a public authority, a federation,
or a co-op / free-software project cited for itself."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from coopkit.catalog import Catalog
from coopkit.context import template_context
from coopkit.handbook import handbook_html, handbook_language
from test_handbook_languages import jurisdiction_profile

CATALOG = Catalog()
DOMAINS = yaml.safe_load((CATALOG.handbook / "data" / "official-domains.yml").read_text(encoding="utf-8"))["domains"]
URL = re.compile(r"https?://[^\s\"'<>),}\]]+")
ALLOWED_LOCAL = {"localhost"}  # the laptop set-up's own address


def host(url: str) -> str:
    return re.sub(r"^https?://", "", url).split("/")[0].split(":")[0].split("?")[0].lower()


def official(url: str) -> bool:
    name = host(url)
    return name in ALLOWED_LOCAL or any(name == d or name.endswith("." + d) for d in DOMAINS)


def unofficial(text: str) -> list[str]:
    return sorted({u for u in URL.findall(text) if not official(u)})


def test_every_domain_names_its_owner_and_kind():
    for domain, entry in DOMAINS.items():
        assert entry.get("owner") and entry.get("kind") in {"law", "registrar", "government", "federation",
                                                               "coop", "project"}, domain


def test_the_check_rejects_a_blog_and_a_lookalike():
    assert unofficial("see https://dejure.org/gesetze/GenG/43.html") == ["https://dejure.org/gesetze/GenG/43.html"]
    assert unofficial("https://boe.es.example.com/x")  # a look-alike host is not a subdomain of boe.es
    assert not unofficial("https://www.boe.es/buscar/act.php?id=BOE-A-1999-15681")
    assert not unofficial("https://handbook.fca.org.uk/handbook/RFCCBS/4/3.html")


@pytest.mark.parametrize("path", sorted((CATALOG.root / "legal" / "jurisdictions").glob("*/jurisdiction.yml")),
                         ids=lambda p: p.parent.name)
def test_every_jurisdiction_links_only_to_official_sources(path: Path):
    bad = unofficial(path.read_text(encoding="utf-8"))
    assert not bad, f"{path}: links outside handbook/data/official-domains.yml: {bad}"


@pytest.mark.parametrize("path", sorted((CATALOG.handbook).glob("**/*.yml")) + sorted(CATALOG.handbook.glob("chapters/*/*.md")),
                         ids=lambda p: str(p.relative_to(CATALOG.handbook)))
def test_the_handbooks_own_data_and_chapters_link_only_to_official_sources(path: Path):
    if path.name == "official-domains.yml":
        return
    bad = unofficial(path.read_text(encoding="utf-8"))
    assert not bad, f"{path}: links outside the allow-list: {bad}"


MATRIX = [(jid, lang) for jid in CATALOG.jurisdiction_ids
          for lang in dict.fromkeys([handbook_language(jurisdiction_profile(jid), CATALOG), "en"])]


@pytest.mark.parametrize("jid,language", MATRIX)
def test_every_handbook_links_only_to_official_sources(jid, language):
    profile = jurisdiction_profile(jid)
    page = handbook_html(profile, CATALOG, template_context(profile, CATALOG), documents=[], language=language)
    links = re.findall(r'href="(https?://[^"]+)"', page) + URL.findall(re.sub(r"<[^>]+>", " ", page))
    bad = sorted({u for u in links if not official(u)})
    assert not bad, f"{jid}/{language}: links outside the allow-list: {bad}"


@pytest.mark.parametrize("region,court", [("Berlin", "Amtsgericht Charlottenburg"), ("München", "Amtsgericht München"),
                                          ("Erfurt", "Amtsgericht Jena")])
def test_the_german_registrar_is_the_court_for_the_registered_office(region, court):
    profile = jurisdiction_profile("de", region=region)
    page = handbook_html(profile, CATALOG, template_context(profile, CATALOG), documents=[], language="de")
    registration = page.split('id="ch-registration"', 1)[1].split('<section class="chapter', 1)[0]
    assert court in registration and "FamFG § 376" in registration
    assert "mit einer Anwältin oder einem Anwalt zu bestätigen" in registration  # the mapping is marked to confirm


def test_an_unknown_german_town_gets_the_rule_marked_to_confirm():
    profile = jurisdiction_profile("de", region="Kleinkleckersdorf")
    page = handbook_html(profile, CATALOG, template_context(profile, CATALOG), documents=[], language="de")
    registration = page.split('id="ch-registration"', 1)[1].split('<section class="chapter', 1)[0]
    assert "Amtsgericht am Sitz des Landgerichts" in registration and "handelsregister.de" in registration


@pytest.mark.parametrize("region,registry", [("Madrid", "Registro de Cooperativas de la Comunidad de Madrid"),
                                             ("Sevilla", "Registro de Cooperativas Andaluzas")])
def test_the_spanish_registrar_is_the_autonomous_communitys(region, registry):
    profile = jurisdiction_profile("es", region=region)
    page = handbook_html(profile, CATALOG, template_context(profile, CATALOG), documents=[], language="es")
    assert registry in page.split('id="ch-registration"', 1)[1].split('<section class="chapter', 1)[0]
