"""The handbook: its numbers in the right chapters, a table of contents right to the page, bookmarks,
embedded fonts, a tagged PDF, every jurisdiction's registration chapter, three languages, overlays
and hostile answers. Each PDF is rendered once per module."""
from __future__ import annotations

import re
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import EXAMPLE
from coopkit import profile as P
from coopkit.catalog import Catalog
from coopkit.context import template_context
from coopkit.handbook import (
    handbook_html,
    handbook_language,
    largest_remainder,
    meeting_calendar,
    ordinary_needed,
    quorum,
    render_handbook,
    special_needed,
)

CATALOG = Catalog()
MIN_PAGES = 30  # the bar: 30+ pages in every language


def example_profile(**changes):
    answers = P.load_answers(EXAMPLE)
    for dotted, value in changes.items():
        P.set_path(answers, dotted, value)
    return P.validate(P.resolve(answers, CATALOG), CATALOG)


def minimum_founders(form) -> int:
    mins = [c.min for c in form.checks if c.field == "founders_count" and c.min is not None]
    return int(max(mins, default=3))


def jurisdiction_profile(jid: str):
    form = CATALOG.jurisdiction(jid).forms[0]
    answers = {"name": "Test Platform", "sector": "delivery", "jurisdiction": jid, "legal_form": form.id,
               "coop_type": form.coop_types[0], "region": "Testville", "registered_office": "1 High Street",
               "document_date": "2026-11-27",
               "founders": [{"name": f"Founder {i}", "email": f"f{i}@example.org"}
                            for i in range(1, minimum_founders(form) + 1)]}
    return P.validate(P.resolve(answers, CATALOG), CATALOG, law=False)  # the handbook, not the law checks


class Rendered:
    def __init__(self, profile, out: Path, **kwargs):
        self.profile = profile
        self.context = template_context(profile, CATALOG)
        self.html_path, self.pdf_path = render_handbook(profile, CATALOG, self.context, out,
                                                        formats=("html", "pdf"), **kwargs)
        self.html = self.html_path.read_text(encoding="utf-8")
        self.reader = PdfReader(str(self.pdf_path))
        self.pages = [page.extract_text() or "" for page in self.reader.pages]

    def outline(self, items=None, depth=0):
        """[(depth, title, page index)] of the PDF's bookmarks, in order."""
        out = []
        for item in self.reader.outline if items is None else items:
            if isinstance(item, list):
                out += self.outline(item, depth + 1)
            else:
                out.append((depth, item.title, self.reader.get_destination_page_number(item)))
        return out

    def chapter_text(self, number: int) -> str:
        """The text of the pages of chapter `number` (from its bookmark to the next chapter's)."""
        starts = [page for depth, _, page in self.outline() if depth == 0]
        end = starts[number] if number < len(starts) else len(self.pages)
        return "\n".join(self.pages[starts[number - 1]:end])


@pytest.fixture(scope="module")
def english(tmp_path_factory):
    return Rendered(example_profile(), tmp_path_factory.mktemp("handbook-en"))


@pytest.fixture(scope="module", params=["pt-BR", "es"])
def translated(request, tmp_path_factory):
    return Rendered(example_profile(), tmp_path_factory.mktemp(f"handbook-{request.param}"),
                    language=request.param)


# ── the co-op's numbers ──────────────────────────────────────────────────────────────────────

def test_vote_arithmetic_matches_the_platforms_rules():
    assert quorum(12, 25) == 3 and quorum(10, 25) == 3 and quorum(1, 25) == 1
    assert ordinary_needed(10, 50) == 6 and ordinary_needed(12, 50) == 7 and ordinary_needed(3, 50) == 2
    assert special_needed(12, 75) == 9 and special_needed(12, 66.67) == 9 and special_needed(3, 75) == 3
    for cast in range(1, 60):  # the same thresholds as the platform's exact-fraction counting
        k = special_needed(cast, 66.67)
        assert Fraction(k, cast) * 100 >= Fraction("66.67") > Fraction(k - 1, cast) * 100


def test_the_surplus_split_adds_up_to_the_cent():
    parts = largest_remainder(Decimal("12345.67"), [Fraction(1, 3), Fraction(1, 3), Fraction(1, 3)])
    assert parts == [Decimal("4115.23"), Decimal("4115.22"), Decimal("4115.22")]
    assert sum(parts) == Decimal("12345.67")


def test_the_calendar_gives_notice_before_every_general_meeting():
    import datetime as dt
    rows = meeting_calendar(dt.date(2026, 11, 27), agm_month=6, notice_days=14)
    agm = [r for r in rows if r["kind"] == "agm"]
    assert len(agm) == 1 and agm[0]["date"] == dt.date(2027, 6, 19)
    for row in rows:
        if row["notice_by"]:
            assert (row["date"] - row["notice_by"]).days == 14


def test_language_follows_the_documents(catalog):
    assert handbook_language(example_profile(), catalog) == "en"
    assert handbook_language(example_profile(language="pt-BR"), catalog) == "pt-BR"
    assert handbook_language(example_profile(language="ca"), catalog) == "ca"
    assert handbook_language(example_profile(language="es"), catalog, "en") == "en"


def test_the_pdf_holds_their_numbers_in_the_right_chapters(english):
    registration, governance, money = english.chapter_text(3), english.chapter_text(4), english.chapter_text(5)
    assert "Financial Conduct Authority" in registration and "£950" in registration
    assert "1 April 2024" in registration  # the date the fee was read
    assert "legal/rules.pdf" in registration and "legal/founding-minutes.pdf" in registration
    flat = re.sub(r"\s+", " ", governance)
    assert "With 12 voting members, a general meeting is quorate when at least 3" in flat
    assert "Annual general meeting, 19 June 2027" in flat and "5 June 2027" in flat
    money_flat = re.sub(r"\s+", " ", money)
    # the worked surplus is the co-op's own (a year of its business model), split exactly to the pence
    surplus = Decimal(re.search(r"a surplus of £([\d,]+\.\d\d)", money_flat)[1].replace(",", ""))
    parts = largest_remainder(surplus, [Fraction(20, 100), Fraction(5, 100), Fraction(10, 100), Fraction(65, 100)])
    for part in parts[:3]:  # reserve, education, community (patronage is split further by member)
        assert f"£{part:,.2f}" in money_flat
    assert "£12,345.67" not in money_flat
    # sweat equity: 300 h × £15 × 1.5 = £6,750; 120 h × £15 × 1.5 × 0.6 = £1,620
    assert "£6,750" in money_flat and "£1,620" in money_flat
    assert "£40" in money_flat  # the founders' capital: 4 shares of £10


def test_every_toc_entry_points_to_the_page_of_its_heading(english):
    outline = english.outline()
    toc = re.sub(r"[ \t]+", " ", "\n".join(english.pages[1:outline[0][2]]))  # after the cover, before chapter 1
    assert toc.lstrip().startswith("Contents")
    assert len(outline) > 40
    for _, title, page in outline:
        match = re.search(re.escape(title) + r"[ .]*?(\d+)\s*$", toc, re.M)
        assert match, f"{title!r} is not in the table of contents"
        assert int(match[1]) == page + 1, f"{title!r}: contents say page {match[1]}, heading is on {page + 1}"
        heading = title.split(" ", 1)[1] if title[0].isdigit() else title
        assert heading.split("\n")[0][:30] in english.pages[page]


def test_bookmarks_follow_the_headings(english):
    chapters = re.findall(r'<h1 id="ch-[^"]+"><span class="chapter-num">(\d+)</span> (.*?)</h1>', english.html)
    outline = english.outline()
    assert [(0, f"{n} {t}") for n, t in chapters] == [(d, t) for d, t, _ in outline if d == 0]
    assert len(chapters) == 14
    pages = [page for _, _, page in outline]
    assert pages == sorted(pages) and pages[0] >= 2  # after the cover and the contents
    assert outline[0][1] == "1 Why a platform co-op"  # neither the cover nor the contents is a bookmark
    assert "Contents" not in [t for _, t, _ in outline]


def test_fonts_are_embedded(english):
    fonts = {}
    for page in english.reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            for descendant in font.get("/DescendantFonts", [font]):
                descendant = descendant.get_object()
                fonts[descendant["/BaseFont"]] = descendant.get("/FontDescriptor")
    assert fonts and all("coopkit" in name or "DejaVu" in name for name in fonts)
    for name, descriptor in fonts.items():
        assert "/FontFile2" in descriptor.get_object(), f"{name} is not embedded"


def test_the_pdf_is_tagged(english):
    root = english.reader.trailer["/Root"]
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]
    assert root["/Lang"] == "en"


def test_provenance_on_every_page(english):
    cover = re.sub(r"\s+", " ", english.pages[0])  # the cover carries it in its body, with no running footer
    assert english.context["profile_hash"] in cover and "not legal advice" in cover and "Page 1 of" not in cover
    for number, text in enumerate(english.pages[1:], 2):
        flat = re.sub(r"\s+", " ", text)
        assert f"Page {number} of {len(english.pages)}" in flat
        assert english.context["profile_hash"] in flat and "not legal advice" in flat
        assert "Handbook" in flat


def test_english_is_long_enough_and_the_html_is_the_same_content(english):
    assert len(english.pages) >= MIN_PAGES
    assert english.html.count('<section class="chapter') == 14
    assert 'role="img"' in english.html and "<title id=\"chart-surplus-title\">" in english.html
    assert "Bristol Co-op Lab" in english.pages[0]


def test_translations_are_complete(translated):
    language = translated.reader.trailer["/Root"]["/Lang"]
    assert len(translated.pages) >= MIN_PAGES, f"{language}: {len(translated.pages)} pages"
    flat = re.sub(r"\s+", " ", "\n".join(translated.pages))
    word = {"pt-BR": "Governança", "es": "Gobernanza"}[language]
    assert word in flat and "Why a platform co-op" not in flat
    assert re.search(r"\d{1,3}\.\d{3},\d\d", flat)  # amounts written the way the language writes them
    english_dir = CATALOG.handbook / "chapters" / "en"
    own = CATALOG.handbook / "chapters" / language
    assert sorted(p.name for p in own.glob("*.md")) == sorted(p.name for p in english_dir.glob("*.md"))


# ── every jurisdiction ───────────────────────────────────────────────────────────────────────

@pytest.mark.parametrize("jid", CATALOG.jurisdiction_ids)
def test_every_jurisdiction_renders_its_registration_chapter(jid):
    profile = jurisdiction_profile(jid)
    context = template_context(profile, CATALOG)
    form = context["form"].localized(handbook_language(profile, CATALOG))  # the chapter's own language
    # documents=[]: the chapter must not depend on the legal documents' own data being complete
    html = handbook_html(profile, CATALOG, context, documents=[], language=handbook_language(profile, CATALOG))
    registration = html.split('id="ch-registration"', 1)[1].split('<section class="chapter', 1)[0]
    assert escape_html(form.registration.registrar) in registration
    for step in form.registration.steps:
        assert escape_html(step.title) in registration
    for membership in form.registration.compulsory_memberships:
        assert escape_html(membership.name) in registration
    assert "{{" not in html and "{%" not in html


def escape_html(text: str) -> str:
    from markupsafe import escape
    return str(escape(text)).replace("&#39;", "'").replace("&#34;", '"')


# ── overlays and hostile answers ─────────────────────────────────────────────────────────────

def test_an_overlay_replaces_and_adds_chapters(tmp_path):
    chapters = tmp_path / "overlay" / "chapters" / "en"
    chapters.mkdir(parents=True)
    (chapters / "04-governance.md").write_text(
        "---\nid: governance\ntitle: How we decide at the Lab\n---\nOur own way, for {{ full_name }}.\n", encoding="utf-8")
    (chapters / "15-lab.md").write_text("---\nid: lab\ntitle: Working with the Lab\n---\n## Office hours\n\nTuesdays.\n",
                                        encoding="utf-8")
    (tmp_path / "overlay" / "handbook.css").write_text(".chapter > h1 { color: #123456; }", encoding="utf-8")
    (tmp_path / "overlay" / "logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>',
                                                   encoding="utf-8")
    profile = example_profile()
    context = template_context(profile, CATALOG)
    from coopkit.handbook import overlay_dirs
    html = handbook_html(profile, CATALOG, context, documents=[], overlays=overlay_dirs(profile, tmp_path / "overlay", None))
    assert "How we decide at the Lab" in html and "Our own way, for Pedal Power Couriers Limited." in html
    assert "Quorum and majorities, worked through" not in html
    assert '<span class="chapter-num">15</span> Working with the Lab' in html
    assert "#123456" in html and 'src="data:image/svg+xml;base64,' in html


def test_the_profile_names_its_own_overlay(tmp_path):
    (tmp_path / "lab" / "chapters" / "en").mkdir(parents=True)
    (tmp_path / "lab" / "chapters" / "en" / "08-federation.md").write_text(
        "---\nid: federation\ntitle: Joining our network\n---\nAsk us.\n", encoding="utf-8")
    profile = example_profile(**{"incubator.overlay": "lab"})
    from coopkit.handbook import overlay_dirs
    html = handbook_html(profile, CATALOG, template_context(profile, CATALOG), documents=[],
                         overlays=overlay_dirs(profile, None, tmp_path))
    assert "Joining our network" in html and "How CoopCycle does it" not in html


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    profile = example_profile(**{
        "name": "{{ 7*7 }} <script>alert(1)</script> Couriers",
        "purpose": "To deliver by bike 🚲 {{ 7*7 }}.",
        "region": "حي التعاون",
        "founders": [{"name": "<b>Ann</b> {% if 1 %}x{% endif %}", "member_class": "worker"},
                     {"name": "زينب الحسيني", "member_class": "worker"},
                     {"name": "Bo | *star* [link](http://x)", "member_class": "worker"}],
    })
    return Rendered(profile, tmp_path_factory.mktemp("handbook-hostile"))


def test_user_strings_come_out_literally(hostile):
    html = hostile.html
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "{{ 7*7 }}" in html and ">49<" not in html and "To deliver by bike 🚲 {{ 7*7 }}." in html
    assert "&lt;b&gt;Ann&lt;/b&gt; {% if 1 %}x{% endif %}" in html
    assert "Bo | *star* [link](http://x)" in html and 'href="http://x"' not in html
    # the emoji has no glyph in the bundled fonts (a box is drawn) and pypdf garbles the text of
    # that page, so look on the others
    flat = re.sub(r"\s+", " ", "\n".join(p.replace("\x00", "") for p in hostile.pages))
    assert "{{ 7*7 }} <script>alert(1)</script> Couriers" in flat
    assert "<b>Ann</b> {% if 1 %}x{% endif %}" in flat
    assert "زينب" in flat or "بنيز" in flat  # extraction may give the visual order
