"""Writing the co-op from the web: the same `api.new` as the terminal, in a thread, with its stages
reported as they finish, then a zip of the whole folder for download."""
from __future__ import annotations

import datetime as dt
import re
import threading
import unicodedata
import zipfile
from pathlib import Path
from typing import Any

from .. import api
from ..catalog import Catalog
from ..errors import CoopkitError
from ..profile import Profile

_RUNNING: dict[str, dict[str, Any]] = {}  # session id -> live job (the session file has the last state)
_LOCK = threading.Lock()


def slug(name: str) -> str:
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:60] or "coop"


def free_folder(folder: Path, name: str) -> Path:
    """A new, empty folder for the co-op, made here so that two founders writing co-ops of the same name at
    once never get the same one (the folder is taken by its creation, not by a look that it is free)."""
    base = slug(name)
    candidate, n = folder / base, 2
    while True:
        if not (folder / f"{candidate.name}.zip").exists():
            try:
                candidate.mkdir()
                return candidate
            except FileExistsError:
                pass
        candidate, n = folder / f"{base}-{n}", n + 1


def start(session_id: str, profile: Profile, folder: Path, catalog: Catalog, *, draft: bool = False) -> dict[str, Any]:
    dest = free_folder(folder, profile.name)
    job: dict[str, Any] = {"status": "running", "folder": dest.name, "stages": [], "error": ""}
    with _LOCK:
        _RUNNING[session_id] = job

    class Stages(api.Timings):
        def __setitem__(self, key: str, value: float) -> None:
            super().__setitem__(key, value)
            if key not in job["stages"]:
                job["stages"].append(key)

    def run() -> None:
        try:
            if profile.document_date is None:
                ready = profile.model_copy(update={"document_date": dt.date.today()})
            else:
                ready = profile
            api.new(ready, dest, draft=draft, catalog=catalog, timings=Stages())
            job["stages"].append("zip")
            write_zip(dest, folder / f"{dest.name}.zip")
            job["status"] = "done"
        except CoopkitError as error:
            job.update(status="failed", error=str(error))
        except OSError as error:
            job.update(status="failed", error=f"could not write {error.filename or ''}: {error.strerror or error}")
        except Exception as error:
            job.update(status="failed", error=f"{type(error).__name__}: {error}")
        if job["status"] == "failed":
            try:
                dest.rmdir()  # the folder reserved for it, still empty: nothing half-written stays
            except OSError:
                pass

    threading.Thread(target=run, name=f"coopkit-web-{dest.name}", daemon=True).start()
    return job


def live(session_id: str) -> dict[str, Any] | None:
    with _LOCK:
        return _RUNNING.get(session_id)


def write_zip(source: Path, target: Path) -> None:
    """The co-op's folder as one zip (the platform's git history left out), written atomically."""
    partial = target.with_suffix(".zip.partial")
    with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(source.rglob("*")):
            rel = path.relative_to(source)
            if path.is_file() and ".git" not in rel.parts:
                archive.write(path, f"{source.name}/{rel.as_posix()}")
    partial.replace(target)


def documents(dest: Path) -> list[Path]:
    """The PDFs a founder reads: legal documents and the handbook."""
    return sorted(p for sub in ("legal", "handbook") for p in (dest / sub).glob("*.pdf"))
