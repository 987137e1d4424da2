"""`coopkit web`: the interview in a real browser (Debian's chromium driven by Playwright), plus the
server's guards (CSRF, loopback host, sessions inside the chosen folder).

Browser tests are skipped only when chromium or the playwright package is missing (`.ci/run` installs
chromium; do not run `playwright install`)."""
from __future__ import annotations

import re
import socket
import threading
import time
import zipfile
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]

try:
    from playwright.sync_api import sync_playwright
except ImportError:  # pragma: no cover - the test extra installs it
    sync_playwright = None

browser_needed = pytest.mark.skipif(sync_playwright is None or not CHROMIUM.exists(),
                                    reason="needs the playwright package and /usr/bin/chromium (apt install chromium)")


@pytest.fixture
def server(tmp_path):
    """`coopkit web` on a free port of 127.0.0.1, serving co-ops into tmp_path/coops."""
    import uvicorn

    from coopkit.web import create_app

    folder = tmp_path / "coops"
    folder.mkdir()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(create_app(folder, language="en"), host="127.0.0.1", port=port, log_level="warning")
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not running.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", folder
    running.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def browser():
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


def next_page(page) -> None:
    page.get_by_role("button", name="Next").click()
    page.wait_for_load_state("domcontentloaded")


def complete(page, base: str, answers: dict[str, str], wrong: list[tuple[str, str, str]] = ()) -> None:
    """Answer every page: `answers` by field name (the rest keep their defaults); each `wrong`
    (field, value, text) is typed first and must come back refused with `text` beside the field."""
    wrong = list(wrong)
    page.goto(base + "/")
    for _ in range(40):
        if page.url.endswith("/review"):
            return
        for field, value, text in list(wrong):
            if page.locator(f'[name="{field}"]').count():
                page.fill(f'[name="{field}"]', value)
                next_page(page)
                block = page.locator(f'[id="q-{field.replace(".", "-")}-block"]')
                assert text in block.inner_text(), block.inner_text()
                wrong.remove((field, value, text))
        for field, value in answers.items():
            target = page.locator(f'[name="{field}"]')
            if target.count():
                if target.first.evaluate("e => e.tagName") == "SELECT":
                    target.select_option(value)
                else:
                    target.fill(value)
        next_page(page)
    raise AssertionError(f"never reached the review; stuck at {page.url}:\n{page.inner_text('main')}")


def generate(page) -> None:
    page.get_by_role("button", name="Write the co-op").click()
    # the progress page refreshes itself (a Refresh header: no JavaScript) until the co-op is written
    done = re.compile("Your co-op is ready.|The co-op could not be written")
    page.locator("h1", has_text=done).wait_for(timeout=900_000)
    assert page.inner_text("h1") == "Your co-op is ready.", page.inner_text("main")


GB = {"legal_form": "registered-society", "name": "Web Pedals", "sector": "delivery", "region": "Leeds",
      "registered_office": "1 High Street, Leeds LS1 1AA", "founders": "3", "founders.0.name": "Ana Silva",
      "founders.1.name": "Ben Okafor", "founders.2.name": "Cleo Martin", "governance.special_majority_percent": "75"}
TX = {"name": "Lone Star Web", "sector": "ride-hailing", "region": "Austin",
      "registered_office": "100 Congress Ave, Austin TX 78701", "registered_agent": "Dee Jones", "founders": "2",
      "founders.0.name": "Dee Jones", "founders.1.name": "Eli Park", "founders.0.address": "1 Elm St, Austin TX",
      "founders.1.address": "2 Elm St, Austin TX", "governance.board_size": "2", "capital.interest_cap_percent": "8"}


@browser_needed
@pytest.mark.parametrize(("jurisdiction", "answers", "wrong", "expect"), [
    ("gb", GB, [("founders", "2", "CCBSA 2014 s.2(2)(b)"),
                ("governance.special_majority_percent", "60", "CCBSA 2014 Sch.1 para 5")], "Web Pedals"),
    ("us-tx", TX, [("capital.interest_cap_percent", "9", "BOC §251.301")], "Lone Star Web"),
])
def test_the_web_interview_writes_the_coop_and_offers_zip_and_pdfs(server, browser, tmp_path, jurisdiction, answers,
                                                                   wrong, expect):
    base, folder = server
    page = browser.new_page()
    page.goto(base + "/")
    page.select_option('[name="jurisdiction"]', jurisdiction)
    next_page(page)
    complete(page, base, answers, wrong)
    review = page.inner_text("main")
    assert expect in review and "Review your answers" in review
    generate(page)
    with page.expect_download() as caught:
        page.get_by_role("link", name="Download everything (zip)").click()
    archive = tmp_path / "coop.zip"
    caught.value.save_as(archive)
    names = zipfile.ZipFile(archive).namelist()
    assert any(n.endswith("/coop.yml") for n in names) and any("/legal/" in n and n.endswith(".pdf") for n in names)
    links = [a.get_attribute("href") for a in page.locator("ul.documents a").all()]
    assert links and any("handbook" in link for link in links)
    for link in links:
        response = page.request.get(base + link)
        assert response.status == 200 and response.body().startswith(b"%PDF"), link
    assert f"jurisdiction: {jurisdiction}" in next(folder.glob("*/coop.yml")).read_text()


@browser_needed
def test_answers_survive_a_reload_and_a_new_browser_tab(server, browser):
    base, folder = server
    context = browser.new_context()
    page = context.new_page()
    page.goto(base + "/")
    page.select_option('[name="jurisdiction"]', "gb")
    next_page(page)
    next_page(page)  # the only question left on the page: the legal form
    page.fill('[name="name"]', "Kept Across Reloads")
    page.select_option('[name="sector"]', "cleaning")
    page.fill('[name="registered_office"]', "2 Low Road, York YO1 1AA")
    next_page(page)
    other = context.new_page()
    other.goto(base + "/group/coop")
    assert other.input_value('[name="name"]') == "Kept Across Reloads"
    sessions = list((folder / ".coopkit-web").glob("*.yml"))
    assert len(sessions) == 1 and "Kept Across Reloads" in sessions[0].read_text()


CONTRAST = """() => {
  const parse = c => { const m = c.match(/[\\d.]+/g).map(Number); return {r: m[0], g: m[1], b: m[2], a: m.length > 3 ? m[3] : 1}; };
  const lum = ({r, g, b}) => { const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
                                return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
  const background = el => { for (; el; el = el.parentElement) { const c = parse(getComputedStyle(el).backgroundColor);
                                if (c.a > 0) return c; } return {r: 255, g: 255, b: 255, a: 1}; };
  const low = [];
  for (const el of document.querySelectorAll('body *')) {
    const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    if (!own || !el.getClientRects().length) continue;
    const fg = lum(parse(getComputedStyle(el).color)), bg = lum(background(el));
    const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
    if (ratio < 4.5) low.push(`${el.tagName}.${el.className}: ${ratio.toFixed(2)} "${el.textContent.trim().slice(0, 40)}"`);
  }
  return low;
}"""

UNLABELLED = """() => [...document.querySelectorAll('input:not([type=hidden]), select, textarea')].filter(e =>
  !(e.labels && e.labels.length) && !e.getAttribute('aria-label') && !e.closest('fieldset')?.querySelector('legend')
).map(e => e.name || e.id)"""


def pages_of_the_interview(page, base: str):
    """Visit every page of a gb interview (and the review), yielding on each."""
    page.goto(base + "/")
    page.select_option('[name="jurisdiction"]', "gb")
    next_page(page)
    yield
    answers = dict(GB)
    for _ in range(20):
        yield
        if page.url.endswith("/review"):
            return
        for field, value in answers.items():
            target = page.locator(f'[name="{field}"]')
            if target.count():
                if target.first.evaluate("e => e.tagName") == "SELECT":
                    target.select_option(value)
                else:
                    target.fill(value)
        next_page(page)


@browser_needed
def test_every_page_is_accessible_labels_focus_and_contrast(server, browser):
    base, _ = server
    page = browser.new_page()
    seen = 0
    for _ in pages_of_the_interview(page, base):
        seen += 1
        assert page.evaluate(UNLABELLED) == [], page.url
        assert page.evaluate(CONTRAST) == [], page.url
        assert page.locator("html").get_attribute("lang") == "en"
        page.keyboard.press("Tab")
        page.keyboard.press("Tab")
        focused = page.evaluate("() => { const s = getComputedStyle(document.activeElement); "
                                "return [document.activeElement.tagName, s.outlineStyle, s.outlineWidth]; }")
        assert focused[0] != "BODY" and focused[1] != "none" and focused[2] != "0px", (page.url, focused)
    assert seen >= 9


@browser_needed
def test_every_page_fits_a_390_px_phone(server, browser, tmp_path):
    base, _ = server
    page = browser.new_page(viewport={"width": 390, "height": 844})
    for number, _ in enumerate(pages_of_the_interview(page, base)):
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 390, f"{page.url} is {width} px wide"
        page.screenshot(path=str(tmp_path / f"page-{number}.png"), full_page=True)
    assert len(list(tmp_path.glob("page-*.png"))) >= 9


# -- the server's guards (no browser needed) ---------------------------------------------------


def _client(folder: Path):
    from starlette.testclient import TestClient

    from coopkit.web import create_app

    return TestClient(create_app(folder, language="en"), base_url="http://127.0.0.1")


def test_a_form_without_its_csrf_token_changes_nothing(tmp_path):
    client = _client(tmp_path)
    client.get("/")
    refused = client.post("/group/law", data={"jurisdiction": "gb"})
    assert "This form has expired" in refused.text
    page = client.get("/group/law").text
    token = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    assert 'value="gb" selected' not in page
    accepted = client.post("/group/law", data={"jurisdiction": "gb", "csrf": token})
    assert 'value="gb" selected' in accepted.text


def test_only_loopback_host_names_are_served_and_sessions_stay_in_the_folder(tmp_path):
    client = _client(tmp_path)
    assert client.get("/", headers={"host": "evil.example"}).status_code == 400
    client.cookies.set("coopkit_session", "../../etc/passwd")
    client.get("/")
    assert [p.parent for p in tmp_path.rglob("*.yml")] == [tmp_path / ".coopkit-web"]


def test_a_wrong_answer_is_refused_beside_its_question_with_the_statute(tmp_path):
    client = _client(tmp_path)
    page = client.get("/").text
    token = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    client.post("/group/law", data={"jurisdiction": "gb", "csrf": token})
    client.post("/group/law", data={"jurisdiction": "gb", "legal_form": "registered-society", "csrf": token})
    coop = {"name": "X", "purpose": "To deliver.", "sector": "delivery", "coop_type": "worker", "region": "Leeds",
            "registered_office": "1 High St, Leeds", "csrf": token}
    client.post("/group/coop", data=coop)
    refused = client.post("/group/members", data={"founders": "2", "governance.admission_by": "board", "csrf": token})
    assert refused.status_code == 422
    assert "at least 3 founding members" in refused.text and "CCBSA 2014 s.2(2)(b)" in refused.text
