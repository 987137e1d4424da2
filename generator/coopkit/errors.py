"""One error tree. Every error a person can cause carries an exit code and a message for people.

The CLI catches `CoopkitError` in one place, prints `str(error)` and exits with `error.exit_code`.
"""
from __future__ import annotations

from dataclasses import dataclass, field


class CoopkitError(Exception):
    """Base of every error coopkit raises on purpose."""

    exit_code = 1

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a profile: where, what, how to fix it, and the law behind it."""

    field: str
    message: str
    fix: str = ""
    cite: str = ""
    draftable: bool = False  # --draft lets this one through (e.g. too few founders)

    def __str__(self) -> str:
        text = f"{self.field}: {self.message}"
        if self.cite:
            text += f" ({self.cite})"
        if self.fix:
            text += f". {self.fix}"
        return text if text.endswith(".") else text + "."

    def as_dict(self) -> dict:
        return {"field": self.field, "message": self.message, "fix": self.fix, "cite": self.cite}


class UsageError(CoopkitError):
    """A command was called in a way that cannot work (unknown id, bad --set...)."""

    exit_code = 2


class ProfileError(CoopkitError):
    """The profile is not valid: one or more problems, each naming its field."""

    exit_code = 3

    def __init__(self, problems: list[Problem], source: str = "the profile"):
        self.problems = list(problems)
        self.source = source
        lines = [f"{source} has {len(self.problems)} problem{'s' if len(self.problems) != 1 else ''}:"]
        lines += [f"  - {p}" for p in self.problems]
        super().__init__("\n".join(lines))


class YamlFileError(CoopkitError):
    """A YAML file cannot be read: missing, empty, binary or broken (with its line)."""

    exit_code = 3


class MissingAnswersError(CoopkitError):
    """No terminal to ask on, and answers are missing."""

    exit_code = 4

    def __init__(self, missing: list[str], *, defaults: bool = False):
        self.missing = missing
        listed = "\n".join(f"  - {m}" for m in missing)
        why = ("With --defaults nothing is asked, and these answers have no default:" if defaults
               else "No terminal to ask on, and these answers are missing:")
        super().__init__(
            f"{why}\n{listed}\n"
            "Give them with --answers FILE or --set key=value (or run in a terminal to be asked)."
        )


class DestinationError(CoopkitError):
    """The output folder cannot be written as asked (exists and not empty, not a folder...)."""

    exit_code = 5


class DataError(CoopkitError):
    """coopkit's own data (a jurisdiction, sector, clause or chapter) is broken: a bug to report."""

    exit_code = 6


class RenderError(CoopkitError):
    """A document or the platform could not be produced."""

    exit_code = 7


class CheckFailed(CoopkitError):
    """`coopkit check` found problems."""

    exit_code = 1


@dataclass
class Findings:
    """What `coopkit check` found, grouped by the three checks."""

    law: list[Problem] = field(default_factory=list)
    coverage: list[Problem] = field(default_factory=list)
    outputs: list[Problem] = field(default_factory=list)
    outputs_checked: bool = False  # only for a folder that `coopkit new` wrote
    documents: list[Problem] = field(default_factory=list)  # the lawyer's linter (lint.py)

    @property
    def ok(self) -> bool:
        return not (self.law or self.coverage or self.outputs or self.documents)
