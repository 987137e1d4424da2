"""The generated platform in a real browser (Playwright driving Debian's chromium): a visitor applies,
the board admits them, the board proposes, members vote, and the result is declared and shown.

The only shortcut is the voting window: the copy's governance.yml sets `min_voting_days.ordinary` to
under a minute (the rules' real window is days), so the result can be declared while the test waits."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import urllib.request
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml

from conftest import EXAMPLE, run_coopkit

pytestmark = pytest.mark.slow
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"needs Debian's chromium at {CHROMIUM} (apt-get install chromium)")
def test_apply_admit_propose_vote_result_in_a_browser(tmp_path):
    playwright = pytest.importorskip("playwright.sync_api")
    out = tmp_path / "coop"
    assert run_coopkit("new", "--answers", str(EXAMPLE), str(out)).returncode == 0
    platform = out / "platform"
    governance_file = platform / "governance" / "governance.yml"
    numbers = yaml.safe_load(governance_file.read_text())
    numbers["governance"]["min_voting_days"] = {"ordinary": 0.0005, "special": 0.0005}  # 43 seconds
    numbers["governance"]["notice_days"] = 0
    governance_file.write_text("".join(f"{k}: {json.dumps(v)}\n" for k, v in numbers.items()))
    zone = ZoneInfo(numbers["platform"].get("timezone") or "UTC")

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = str(venv / "bin" / "python")
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "DJANGO_SETTINGS_MODULE", "PYTHONPATH")}
    done = subprocess.run([python, "-m", "pip", "install", "-q", "-e", "."], cwd=platform, env=env,
                          capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    for command in (["migrate", "-v0"], ["load_demo"]):
        step = subprocess.run([python, "manage.py", *command], cwd=platform, env=env, capture_output=True, text=True)
        assert step.returncode == 0, step.stderr[-3000:]
    board_email = step.stdout.rsplit("Log in as ", 1)[1].split(" with", 1)[0]

    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([python, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"], cwd=platform,
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(60):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=2)
                break
            except OSError:
                time.sleep(0.5)
        with playwright.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            try:
                walk(browser, base, board_email, zone)
            finally:
                browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(venv, ignore_errors=True)


def log_in(page, base, email, password):
    page.goto(base + "/accounts/login/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", password)
    page.click("main button[type=submit]")


def walk(browser, base, board_email, zone):
    # 1. A visitor applies.
    visitor = browser.new_context().new_page()
    visitor.goto(base + "/")
    visitor.click("text=Join")
    visitor.fill("input[name=name]", "Dara Newcomer")
    visitor.fill("input[name=email]", "dara@example.org")
    visitor.fill("textarea[name=address]", "3 New Street")
    visitor.fill("input[name=password]", "a-long-pass-phrase-42")
    visitor.click("main button[type=submit]")
    visitor.wait_for_url("**/members/me/")
    assert "pending" in visitor.content()

    # 2. The board admits them.
    board = browser.new_context().new_page()
    log_in(board, base, board_email, "demo-password")
    board.goto(base + "/members/register/")
    card = board.locator(".card", has_text="Dara Newcomer")
    card.locator("button", has_text="Admit").click()
    assert "Member admitted." in board.content()

    # 3. The board proposes (voting opens now and closes in about two minutes).
    now = datetime.now(zone)
    board.goto(base + "/governance/proposals/new/")
    board.fill("input[name=title]", "Buy two cargo bikes")
    board.fill("textarea[name=text]", "From the reserve.")
    board.select_option("select[name=decision_tool]", "proposal")
    board.fill("input[name=opens_at]", now.strftime("%Y-%m-%dT%H:%M"))
    closes = (now + timedelta(minutes=2)).replace(second=0, microsecond=0)
    board.fill("input[name=closes_at]", closes.strftime("%Y-%m-%dT%H:%M"))
    board.click("main button[type=submit]")
    board.wait_for_url("**/governance/proposals/*/")
    proposal_url = board.url
    assert "Buy two cargo bikes" in board.content()

    # 4. Members vote: the new member and the board member.
    visitor.goto(proposal_url)
    visitor.check("input[name=choice][value=for]")
    visitor.click("main form button:has-text('Vote')")
    assert "Your vote was recorded." in visitor.content()
    board.goto(proposal_url)
    board.check("input[name=choice][value=for]")
    board.click("main form button:has-text('Vote')")
    assert "Your vote was recorded." in board.content()
    visitor.goto(proposal_url)
    assert "You have voted" in visitor.content()

    # 5. Voting closes; the result is declared and shown to members.
    wait = (closes - datetime.now(zone)).total_seconds() + 2
    time.sleep(max(wait, 0))
    visitor.goto(proposal_url)
    result = visitor.locator("#result").inner_text()
    assert result.startswith("Passed"), result
    assert "For" in visitor.content()
    visitor.goto(base + "/governance/audit/")
    assert "The chain of records is intact" in visitor.content()
