"""The interview: questions declared as data (templates/questions/), asked in a terminal
(`terminal.py`) or a browser (`coopkit web`), both over one state and one set of checks (`engine.py`).

Answers already given (answers file, --set, a resume file) are not asked again. With no terminal, or
with --defaults, nothing is asked: defaults fill what they can and every missing required answer is
named at once.
"""
from __future__ import annotations

from pathlib import Path

import click

from ..catalog import Catalog
from .answers import MISSING, apply_sets, clean_text, given_answers, model_default, parse_set
from .engine import InterviewState, Refused, Step, check_partial
from .questions import LANGUAGES, Question, Words, interview_language, load_questions
from .resume import Interrupted, resume_path_for, save_resume
from .terminal import Interview

__all__ = ["LANGUAGES", "MISSING", "Interrupted", "Interview", "InterviewState", "Question", "Refused", "Step",
           "Words", "apply_sets", "check_partial", "clean_text", "gather_answers", "given_answers",
           "interview_language", "load_questions", "model_default", "parse_set", "resume_path_for", "save_resume"]


def gather_answers(catalog: Catalog, *, answers_file: Path | None, sets: tuple[str, ...], use_defaults: bool,
                   interactive: bool, prompt=None, echo=click.echo) -> dict:
    """Layer the answers file under --set, then run the interview for what is missing."""
    interview = Interview(catalog, interactive=interactive, use_defaults=use_defaults, prompt=prompt, echo=echo)
    return interview.run(given_answers(answers_file, sets))
