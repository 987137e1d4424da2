"""The resume file: every answer given so far, written whenever a run stops before the co-op is written."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

import yaml

from ..errors import CoopkitError

HEADER = ("# coopkit: the answers given so far. Continue with `coopkit new --resume THIS_FILE DEST`;\n"
          "# it is also an answers file (`--answers`). It is removed once the co-op is written.\n")


class Interrupted(CoopkitError):
    """Ctrl-C during a run (the README's exit code 130)."""

    exit_code = 130


def resume_path_for(dest: Path) -> Path:
    """Beside DEST when its folder can be written, else in the system's temporary folder."""
    dest = Path(dest).absolute()
    parent = dest.parent
    name = f"{dest.name or 'coop'}.resume.yml"
    if parent.is_dir() and os.access(parent, os.W_OK | os.X_OK):
        return parent / name
    return Path(tempfile.gettempdir()) / name


def save_resume(answers: dict, path: Path) -> Path:
    """Write the answers atomically; if `path` cannot be written, into the temporary folder."""
    text = HEADER + yaml.safe_dump(answers, allow_unicode=True, sort_keys=False, default_flow_style=False)
    for target in (Path(path), Path(tempfile.gettempdir()) / Path(path).name):
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            handle, tmp = tempfile.mkstemp(prefix=".coopkit-resume-", dir=target.parent)
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(text)
            os.replace(tmp, target)
            return target
        except OSError:
            continue
    raise CoopkitError(f"could not write the resume file {path} nor in {tempfile.gettempdir()}")
