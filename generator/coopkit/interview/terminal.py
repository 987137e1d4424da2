"""The interview in a terminal: questionary prompts (validated before Enter, menus with arrow keys)
where there is a terminal, plain line prompts when the input is piped. Both drive InterviewState.

Typing `?` shows why a question is asked and what the law says; `<` (or `back`) goes back one
question. Before writing, a review lists every answer, grouped, and any can be changed. Whatever
stops the run (Ctrl-C, an error, a refusal), the answers so far are written to a resume file first.
"""
from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from ..catalog import Catalog
from ..errors import CoopkitError, MissingAnswersError
from ..profile import deep_merge, get_path, load_answers
from .answers import MISSING
from .engine import InterviewState, Step
from .questions import interview_language
from .resume import Interrupted, save_resume

BACK = ("<", "back")
HELP = ("?", "help")


def _read_line(text: str) -> str:
    """A plain prompt on piped input; EOFError when the input has ended."""
    click.echo(text, nl=False)
    line = sys.stdin.readline()
    if line == "":
        raise EOFError
    if not sys.stdin.isatty():
        click.echo(line.rstrip("\r\n"))  # piped: show what was read, so the transcript reads as typed
    return line.rstrip("\r\n")


class Interview:
    """Fills in answers, asking only what is missing and only when it may ask."""

    def __init__(self, catalog: Catalog, *, interactive: bool, use_defaults: bool,
                 prompt: Callable[[str], str] | None = None, echo: Callable[[str], None] = click.echo,
                 language: str | None = None, resume_to: Path | None = None, resume_from: Path | None = None,
                 dest: Path | None = None, tty: bool | None = None):
        self.catalog = catalog
        self.interactive = interactive and not use_defaults
        self.use_defaults = use_defaults
        self.language = interview_language(language)
        self.echo = echo
        self.resume_to = resume_to
        self.resume_from = resume_from
        self.dest = dest
        self.samples_used = False
        self.resume_saved: Path | None = None
        self.tty = (sys.stdin.isatty() and sys.stdout.isatty()) if tty is None else tty
        self.prompt = prompt or (None if self.tty else _read_line)
        self.state = InterviewState(catalog, language=self.language)
        self.asked = 0  # prompts answered, for bench/

    @property
    def words(self):
        return self.state.words

    # -- the run --------------------------------------------------------------------------
    def run(self, given: dict) -> dict:
        if self.resume_from:
            given = deep_merge(given, load_answers(self.resume_from))
        self.state = InterviewState(self.catalog, language=self.language, answers=given)
        if not self.interactive:
            return self._fill_without_asking()
        try:
            if self.resume_from:
                self.echo(self.words.ui("resuming", path=self.resume_from))
            self._forget_refused()
            self.state.imply()
            self._ask_all()
        except (KeyboardInterrupt, EOFError, click.Abort) as stop:
            note = self._resume_note(self.save())
            if isinstance(stop, EOFError):  # piped input ended before the interview did
                missing = MissingAnswersError([f"{s.key}: {s.text}" for s in self.state.plan()
                                               if not self.state.answered(s)] or ["the review: press Enter to accept"])
                missing.message += note
                raise missing from None
            raise Interrupted(self.words.ui("interrupted") + note) from None
        except CoopkitError as error:
            self.keep_on(error)
            raise
        except Exception:
            self.save()
            raise
        return self.state.answers

    def keep_on(self, error: CoopkitError) -> None:
        """Save the answers so far and say where, on an error that ends the run."""
        if self.resume_saved is None and self.state.answers:
            error.message += self._resume_note(self.save())

    def _resume_note(self, path: Path | None) -> str:
        if not path:
            return ""
        return "\n" + self.words.ui("resume_saved", path=path, dest=self.dest or "DEST")

    def save(self, answers: dict | None = None) -> Path | None:
        target = self.resume_from or self.resume_to
        if target is None:
            return None
        self.resume_saved = save_resume(answers if answers is not None else self.state.answers, target)
        return self.resume_saved

    def _fill_without_asking(self) -> dict:
        state = self.state
        state.imply()
        missing = []
        for step in state.plan():
            if state.answered(step) or step.key.startswith("founders."):
                continue
            if step.kind == "count":
                if self.use_defaults:
                    state.answers["founders"] = state.sample_founders()
                    self.samples_used = True
                    self.echo(self.words.ui("draft_samples", count=len(state.answers["founders"])))
                continue
            if self.use_defaults and step.kind == "choice" and step.default is not MISSING and \
                    str(get_path(state.view(), step.key)) not in [value for value, _ in step.choices]:
                state.answers = state.with_value(step, step.default)  # the usual value: not one this form allows
                continue
            if step.key == "name" and self.use_defaults:
                state.answers["name"] = self.words.ui("sample_coop_name")
                continue
            if step.default is MISSING:
                missing.append(f"{step.key}: {step.text}")
        if missing:
            raise MissingAnswersError(missing, defaults=self.use_defaults)
        return state.answers

    def _forget_refused(self) -> None:
        """Answers given before (file, --set, resume) that the law refuses are asked again."""
        problems = self.state.given_problems()
        for problem in problems:
            self.echo(click.style(f"  {self.state.say(problem)}", fg="red"))
        for key in self.questions_for(problems):
            self.state.forget(key)

    def _ask_all(self) -> None:
        group = None
        while True:
            step = self.state.pending()
            if step is None:
                chosen = self._review()
                if chosen is None:
                    return
                self.state.forget(chosen.key)
                group = None
                continue
            if step.group_title != group:
                group = step.group_title
                self.echo(click.style(f"\n{group}", bold=True))
            self._ask(step)

    # -- one question ---------------------------------------------------------------------
    def _ask(self, step: Step) -> None:
        for line in step.law:
            self.echo(click.style(f"  {self.words.ui('law')}: {line}", fg="cyan"))
        if step.kind == "choice":
            for number, (_, label) in enumerate(step.choices, 1):
                self.echo(f"  {number}. {label}")
        while True:
            text = self._read(step)
            word = text.strip().casefold()
            if word in HELP:
                self._help(step)
                continue
            if word in BACK:
                if not self.state.back():
                    self.echo(self.words.ui("first_question"))
                    continue
                return
            errors = self.state.submit(step, text)
            if not errors:
                self.asked += 1
                for message in self.state.notices:
                    self.echo(click.style(f"  {message}", fg="red"))
                return
            for message in errors:
                self.echo(click.style(f"  {message}", fg="red"))

    def _help(self, step: Step) -> None:
        if step.why:
            self.echo(f"  {self.words.ui('help_title')}: {step.why}")
        for line in step.law:
            self.echo(f"  {self.words.ui('law')}: {line}")

    def _default_text(self, step: Step) -> str:
        if step.default is MISSING or step.default is None:
            return ""
        if step.kind == "choice":
            return next((label for value, label in step.choices if str(value) == str(step.default)), str(step.default))
        return step.shown(step.default, self.words).replace("-", "") if step.default == "" else \
            step.shown(step.default, self.words)

    def _read(self, step: Step) -> str:
        default = self._default_text(step)
        message = f"{step.text} {self.words.ui('hint')}"
        if self.prompt is not None:
            shown = f" [{default}]" if default else ""
            text = self.prompt(f"{message}{shown}: ")
            return text if text.strip() else default
        return self._questionary(step, message, default)

    def _questionary(self, step: Step, message: str, default: str) -> str:
        import questionary
        from prompt_toolkit.completion import FuzzyWordCompleter

        def validate(text: str) -> bool | str:
            if text.strip().casefold() in HELP + BACK:
                return True
            from .engine import Refused

            try:
                value = self.state.parse(step, text)
            except Refused as refused:
                return str(refused)
            found = self.state._problems(step, self.state.with_value(step, value))
            if self.state._siblings(step, found):
                return True  # accepted: the other founders' answers are asked again
            problems = [p for p, _ in found]
            # one line under the prompt: the statute first, so a narrow terminal still shows it (? shows all)
            return " | ".join(f"{p.cite}: {p.message}" if p.cite else self.state.say(p)
                              for p in problems) if problems else True

        extra: dict[str, Any] = {}
        if step.kind == "choice":
            labels = [label for _, label in step.choices]
            extra["completer"] = FuzzyWordCompleter(labels)
            extra["complete_while_typing"] = True
        elif step.kind == "bool":
            extra["completer"] = FuzzyWordCompleter([self.words.ui("yes_label"), self.words.ui("no_label")])
        question = questionary.text(message, default=default, validate=validate, validate_while_typing=False,
                                    qmark="?", **extra)
        answer = question.unsafe_ask()
        if answer is None:
            raise KeyboardInterrupt
        return str(answer)

    def _review(self) -> Step | None:
        """The review screen: every answer, grouped and numbered. Returns the step to change, or None."""
        rows = self.state.review()
        steps = {number: step for _, items in rows for number, step, _ in items}
        self.echo(click.style(f"\n{self.words.ui('review_title')}", bold=True))
        for title, items in rows:
            self.echo(click.style(f"  {title}", bold=True))
            for number, step, shown in items:
                self.echo(f"  {number:>3}. {step.text}: {shown}")
        while True:
            if self.prompt is not None:
                text = self.prompt(f"{self.words.ui('review_prompt')}: ")
            else:
                import questionary

                text = questionary.text(self.words.ui("review_prompt"), qmark=">").unsafe_ask()
                if text is None:
                    raise KeyboardInterrupt
            text = text.strip()
            if not text:
                return None
            if text.isdigit() and int(text) in steps:
                return steps[int(text)]
            self.echo(self.words.ui("review_bad", count=len(steps)))

    # -- for the law's last word (api.build_profile) ------------------------------------------
    def questions_for(self, problems) -> list[str]:
        """The question keys behind a list of problems (`founders.0.email` → that question, `surplus`
        → its shares), so a founder is asked those again instead of starting over."""
        keys: list[str] = []
        plan = self.state.plan()
        for problem in problems:
            field = {"founders_count": "founders", "name_length": "name"}.get(problem.field, problem.field)
            for step in plan:
                if (field == step.key or step.key.startswith(field + ".") or field.startswith(step.key + ".")) \
                        and step.key not in keys and not (field == "founders" and step.key != "founders"):
                    keys.append(step.key)
        return keys

    def ask_again(self, answers: dict, keys: list[str]) -> dict:
        """Ask these questions again, offering the earlier answers; keep the rest."""
        self.state.answers = answers
        for key in keys:
            self.state.forget(key)
        try:
            self._ask_all()
        except (KeyboardInterrupt, EOFError, click.Abort):
            raise Interrupted(self.words.ui("interrupted") + self._resume_note(self.save())) from None
        return self.state.answers
