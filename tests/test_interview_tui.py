"""The terminal interview as a founder sees it: a real terminal (tmux), questionary prompts, wrong answers
refused at once with the law's citation on screen, Ctrl-C leaving a resume file that completes the run.

Skipped only when tmux is not installed (`.ci/run` installs it)."""
from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import time
import uuid
from pathlib import Path

import pytest
import yaml

from conftest import COOPKIT

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed (apt install tmux)")

WAIT = 120  # seconds to wait for a screen to show something: a guard against hanging, not a timing


class Terminal:
    """One tmux session on a private server, running one command in a 220x50 terminal."""

    def __init__(self, tmp_path: Path, command: list[str], env: dict[str, str]):
        self.socket = f"coopkit-test-{uuid.uuid4().hex[:8]}"
        self.exit_file = tmp_path / f"exit-{self.socket}"
        script = tmp_path / f"run-{self.socket}.sh"
        exports = "".join(f"export {k}={shlex.quote(v)}\n" for k, v in env.items())
        script.write_text(f"#!/bin/sh\n{exports}cd {shlex.quote(str(tmp_path))}\n"
                          f"{shlex.join(command)}\necho $? > {shlex.quote(str(self.exit_file))}\nsleep 600\n")
        script.chmod(0o755)
        self.tmux("new-session", "-d", "-s", "t", "-x", "220", "-y", "50", str(script))

    def tmux(self, *args: str) -> str:
        done = subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True, text=True, check=True)
        return done.stdout

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-J", "-t", "t", "-S", "-")

    def keys(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", "t", *keys)

    def type(self, text: str) -> None:
        self.keys("C-u")  # clear what questionary pre-filled (the default)
        if text:
            self.keys("-l", text)
        self.keys("Enter")

    def wait_for(self, *texts: str, after: int = 0) -> str:
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            screen = self.screen()
            if all(t in screen[after:] for t in texts):
                return screen
            if self.exit_code() is not None and not all(t in screen for t in texts):
                break
            time.sleep(0.1)
        raise AssertionError(f"never saw {texts!r} on the screen:\n{self.screen()}")

    def wait_below_prompt(self, *texts: str) -> str:
        """Wait for texts under the waiting prompt (questionary's validation bar), not above it (where
        the law's limit was stated before the question)."""
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            lines = self.screen().splitlines()
            last = max((i for i, line in enumerate(lines) if line.startswith(("? ", "> "))), default=0)
            below = " ".join(lines[last + 1:])
            if all(t in below for t in texts):
                return below
            time.sleep(0.1)
        raise AssertionError(f"never saw {texts!r} under the prompt:\n{self.screen()}")

    def exit_code(self) -> int | None:
        text = self.exit_file.read_text().strip() if self.exit_file.exists() else ""
        return int(text) if text else None

    def wait_exit(self) -> int:
        deadline = time.monotonic() + 600
        while self.exit_code() is None and time.monotonic() < deadline:
            time.sleep(0.2)
        code = self.exit_code()
        assert code is not None, self.screen()
        return code

    def close(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True)


@pytest.fixture
def terminal(tmp_path):
    opened: list[Terminal] = []

    def start(*args: str, lang: str = "en") -> Terminal:
        env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "TERM": "xterm-256color", "LANG": "C.UTF-8",
               "COOPKIT_CACHE": os.environ.get("COOPKIT_CACHE", str(tmp_path / "cache"))}
        t = Terminal(tmp_path, [str(COOPKIT), "new", "--lang", lang, *args], env)
        opened.append(t)
        return t

    yield start
    for t in opened:
        t.close()


def prompts(screen: str) -> list[str]:
    """The prompt lines on the screen, answered ones first, the one waiting last."""
    return [line for line in screen.splitlines() if line.startswith(("? ", "> "))]


def next_prompt(t: Terminal, answered: int) -> str:
    """Wait for prompt number `answered` + 1 (questionary leaves each answered prompt on its line)."""
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        lines = prompts(t.screen())
        if len(lines) > answered:
            return lines[answered]
        if t.exit_code() is not None:
            return ""
        time.sleep(0.05)
    raise AssertionError(f"no prompt number {answered + 1}:\n{t.screen()}")


def interview(t: Terminal, script: list[tuple[str, str, tuple[str, ...]]], stop_at: str = "") -> None:
    """Answer the interview: for each prompt containing script[i][0], type script[i][1] and, when
    script[i][2] names texts, check they appear at once (a refusal with its citation: the prompt stays);
    every other prompt takes its default (Enter). Stops at the review (Enter writes the co-op) or at
    the prompt containing `stop_at`."""
    steps = list(script)
    answered = 0
    while True:
        prompt = next_prompt(t, answered)
        if not prompt or (stop_at and stop_at in prompt):
            return
        if prompt.startswith("> "):  # the review
            t.keys("Enter")
            return
        if steps and steps[0][0] in prompt:
            _, typed, expected = steps.pop(0)
            t.type(typed)
            if expected:
                t.wait_below_prompt(*expected)
                assert len(prompts(t.screen())) == answered + 1, "a refused answer moved on"
                continue
        else:
            t.keys("Enter")
        answered += 1
    assert not steps, f"never asked: {steps}"


GB = [
    ("Under whose law", "united kingdm", ("Did you mean United Kingdom (England, Wales, Scotland)?",)),
    ("Under whose law", "uk", ()),
    ("name, without the legal ending", "Pedal Power", ()),
    ("What does the platform do", "delivery", ()),
    ("City or region", "Leeds", ()),
    ("Registered office", "", ("the law requires a full address of the registered office",
                               "CCBSA 2014 Sch.1 para 3 and s.2(2)(d)")),
    ("Registered office", "1 High Street, Leeds LS1 1AA", ()),
    ("How many founding members", "2", ("at least 3 founding members", "CCBSA 2014 s.2(2)(b)")),
    ("How many founding members", "3", ()),
    ("Founder 1's full name", "Ana Silva", ()),
    ("Founder 1's email", "ana@", ("Founder 1's email (optional): is not a valid email address",)),
    ("Founder 1's email", "ana@example.org", ()),
    ("Founder 2's full name", "Ben Okafor", ()),
    ("Founder 3's full name", "Cleo Martin", ()),
    ("Highest interest paid on shares", "12", ("coopkit refuses more than 10% a year", "FCA RFCCBS 4; HMRC CTM40507")),
    ("Highest interest paid on shares", "3", ()),
    ("special resolution needs at least", "60", ("CCBSA 2014 Sch.1 para 5",)),
    ("special resolution needs at least", "75", ()),
    ("Record the value of unpaid early work", "maybe", ("Please answer yes or no.",)),
    ("Record the value of unpaid early work", "no", ()),
]

BR = [  # in Portuguese (--lang pt-BR)
    ("Sob a lei de qual país", "brasil", ()),
    ("Qual forma jurídica", "1", ()),
    ("Nome da cooperativa", "Pedala Coop", ()),
    ("O que a plataforma faz", "entregas", ()),
    ("Cidade ou região", "Recife", ()),
    ("Endereço da sede", "Recife", ("Lei 5.764/1971 art. 21, I",)),
    ("Endereço da sede", "Rua da Aurora, 100, Recife PE", ()),
    ("Quantos são os cooperados fundadores", "5", ("at least 7", "Lei 12.690/2012 art. 6º")),
    ("Quantos são os cooperados fundadores", "7", ()),
    *[(f"Nome completo do fundador {n}", f"Pessoa {n}", ()) for n in range(1, 8)],
    ("Juros máximos pagos sobre as quotas", "15", ("Lei 5.764/1971 art. 24, § 3º",)),
    ("Juros máximos pagos sobre as quotas", "6", ()),
    ("Mês da assembleia geral ordinária", "6", ("Lei 5.764/1971 art. 44",)),
    ("Mês da assembleia geral ordinária", "3", ()),
    ("Parte das sobras anuais destinada ao fundo de reserva", "5", ("Lei 5.764/1971 art. 28, I",)),
    ("Parte das sobras anuais destinada ao fundo de reserva", "10", ()),
]

TX = [
    ("Under whose law", "texas", ()),
    ("name, without the legal ending", "Lone Star Rides", ()),
    ("What does the platform do", "ride", ()),
    ("City or region", "Austin", ()),
    ("Registered office", "Austin", ("the region the co-op serves is not an address", "BOC §5.201")),
    ("Registered office", "100 Congress Ave, Austin TX 78701", ()),
    ("Registered agent", "", ("BOC §3.005 and §5.201", "a registered agent named in the filing")),
    ("Registered agent", "Dee Jones", ()),
    ("How many founding members", "1", ("BOC Chapter 251",)),
    ("How many founding members", "3", ()),
    ("Founder 1's full name", "Dee", ()),
    ("Founder 1's postal address", "1 Elm St, Austin TX", ()),
    ("Founder 2's full name", "Eli", ()),
    ("Founder 2's postal address", "2 Elm St, Austin TX", ()),
    ("Founder 3's full name", "Fay", ()),
    ("Founder 3's postal address", "3 Elm St, Austin TX", ()),
    ("How many directors sit on the board", "5", ("BOC §251.053(b)",)),
    ("How many directors sit on the board", "3", ()),
    ("Highest interest paid on shares", "9", ("BOC §251.301",)),
    ("Highest interest paid on shares", "8", ()),
]


@pytest.mark.parametrize(("name", "script", "lang", "expect"), [
    ("gb", GB, "en", "name: Pedal Power"), ("br", BR, "pt-BR", "name: Pedala Coop"),
    ("us-tx", TX, "en", "name: Lone Star Rides")])
def test_the_terminal_interview_refuses_wrong_answers_at_once_and_writes_the_coop(terminal, tmp_path, name, script, lang,
                                                                                  expect):
    t = terminal("coop", lang=lang)
    interview(t, script)
    assert t.wait_exit() == 0, t.screen()
    coop = (tmp_path / "coop" / "coop.yml").read_text()
    assert expect in coop and f"jurisdiction: {name}" in coop
    assert not (tmp_path / "coop.resume.yml").exists()


def test_ctrl_c_keeps_a_resume_file_that_completes_the_run(terminal, tmp_path):
    t = terminal("coop")
    interview(t, GB[:9], stop_at="Founder 1's full name")
    t.keys("C-c")
    assert t.wait_exit() == 130
    resume = tmp_path / "coop.resume.yml"
    screen = t.wait_for("coopkit new --resume")
    assert str(resume) in screen.replace("\n", "") and not (tmp_path / "coop").exists()
    assert "name: Pedal Power" in resume.read_text()

    again = terminal("--resume", str(resume), "coop")
    interview(again, GB[9:])
    assert again.wait_exit() == 0, again.screen()
    coop = yaml.safe_load((tmp_path / "coop" / "coop.yml").read_text())
    assert coop["name"] == "Pedal Power" and coop["registered_office"] == "1 High Street, Leeds LS1 1AA"
    assert [f["name"] for f in coop["founders"]] == ["Ana Silva", "Ben Okafor", "Cleo Martin"]
    assert not resume.exists()
