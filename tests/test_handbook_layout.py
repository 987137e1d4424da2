"""The printed handbook's layout, checked on the PDF with pdftotext page by page, for a representative
subset (English for gb, German for de, Catalan for es-ct; the full jurisdiction × language matrix is
checked on the HTML in test_handbook_languages.py): 30+ pages, no page less than a third full except the
cover, the contents and a chapter's last page, the laptop command in monospace on its own lines, no
running footer on the cover, a one-line footer, and chart labels that fit. The HTML has a side
navigation and carries the bundled fonts."""
from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from pypdf import PdfReader

from coopkit.catalog import Catalog
from coopkit.context import template_context
from coopkit.handbook import handbook_html, languages, render_handbook
from test_handbook_languages import jurisdiction_profile

CATALOG = Catalog()
pytestmark = pytest.mark.skipif(not shutil.which("pdftotext"), reason="needs poppler-utils (pdftotext)")


class Printed:
    def __init__(self, jid: str, language: str, out):
        self.profile = jurisdiction_profile(jid)
        self.context = template_context(self.profile, CATALOG)
        self.html_path, self.pdf_path = render_handbook(self.profile, CATALOG, self.context, out, documents=[],
                                                        language=language, formats=("html", "pdf"))
        self.reader = PdfReader(str(self.pdf_path))
        self.count = len(self.reader.pages)
        self.pages = [subprocess.run(["pdftotext", "-layout", "-f", str(n), "-l", str(n), str(self.pdf_path), "-"],
                                     capture_output=True, text=True, check=True).stdout for n in range(1, self.count + 1)]
        self.chapter_starts = [self.reader.get_destination_page_number(item)
                               for item in self.reader.outline if not isinstance(item, list)]


@pytest.fixture(scope="module", params=[("gb", "en"), ("de", "de"), ("es-ct", "ca")], ids=lambda p: "-".join(p))
def printed(request, tmp_path_factory):
    jid, language = request.param
    return Printed(jid, language, tmp_path_factory.mktemp(f"layout-{jid}-{language}"))


def lines(text: str) -> list[str]:
    return [line for line in text.split("\n") if line.strip()]


def test_thirty_pages_or_more(printed):
    assert printed.count >= 30, f"{printed.count} pages"


def test_no_page_is_less_than_a_third_full_except_chapter_ends(printed):
    body = [len(lines(p)) for p in printed.pages]
    full = max(body)
    chapter_ends = {start - 1 for start in printed.chapter_starts[1:]} | {printed.count - 1}
    toc = set(range(1, printed.chapter_starts[0]))
    for index, count in enumerate(body):
        if index == 0 or index in toc or index in chapter_ends:
            continue
        assert count >= full / 3, f"page {index + 1} has {count} lines of {full}: less than a third full"


def test_the_laptop_command_keeps_its_line_break_in_monospace(printed):
    text = "\n".join(printed.pages)
    first = re.search(r"^.*cp \.env\.sample \.env.*$", text, re.M)
    assert first and "docker compose up --build" not in first[0]
    assert re.search(r"^\s*docker compose up --build\s*$", text, re.M)
    fonts = set()
    for page in printed.reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            fonts.add(str(font.get_object().get("/BaseFont")))
    assert any("mono" in f.lower() for f in fonts), fonts  # coopkit mono = the bundled DejaVu Sans Mono


def test_no_running_footer_on_the_cover_and_one_line_elsewhere(printed):
    digest = printed.context["profile_hash"]
    assert not re.search(r"\b1\s+(of|von|de)\s+\d+", lines(printed.pages[0])[-1])
    for number, text in enumerate(printed.pages[1:], 2):
        footer = [line for line in lines(text) if digest in line and "·" in line]
        assert len(footer) == 1, f"page {number}: the footer takes {len(footer)} lines"


def test_the_html_has_side_navigation_and_the_bundled_fonts(printed):
    page = printed.html_path.read_text(encoding="utf-8")
    assert '<nav class="toc"' in page and "position: fixed" in page
    for family in ("coopkit serif", "coopkit sans", "coopkit mono"):
        assert re.search(r'@font-face \{ font-family: "' + family + r'"; src: url\("data:font/ttf;base64,', page), family


@pytest.mark.parametrize("language", [lang for lang in ("en", "de", "fr", "it", "nl", "da", "ca", "es", "pt-BR")])
def test_chart_labels_fit_in_every_language(language):
    if language not in languages(CATALOG):
        pytest.skip(f"no {language} handbook")
    profile = jurisdiction_profile("gb")
    page = handbook_html(profile, CATALOG, template_context(profile, CATALOG), documents=[], language=language)
    for chart_id, width in (("chart-surplus", 32), ("chart-timeline", 46)):
        svg = page.split(f'id="{chart_id}"', 1)[1].split("</svg>", 1)[0]
        for label in re.findall(r"<tspan[^>]*>([^<]*)</tspan>", svg):
            assert len(label) <= width, f"{language} {chart_id}: {label!r} is wider than its column"
        if chart_id == "chart-surplus":
            assert "…" not in svg, f"{language}: a surplus label is cut"
