"""Web sessions: one YAML file per browser session inside the chosen folder (`.coopkit-web/`), never
outside it, so answers survive a reload or a restart of `coopkit web`."""
from __future__ import annotations

import os
import re
import secrets
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import yaml

SESSION_ID = re.compile(r"^[A-Za-z0-9_-]{32,64}$")


@dataclass
class Session:
    id: str
    csrf: str
    language: str
    answers: dict = field(default_factory=dict)
    earlier: dict = field(default_factory=dict)
    history: list[str] = field(default_factory=list)
    job: dict[str, Any] = field(default_factory=dict)  # the last generation: status, folder, stages, error


class SessionStore:
    def __init__(self, folder: Path):
        self.folder = Path(folder).resolve()
        self.root = self.folder / ".coopkit-web"

    def _path(self, session_id: str) -> Path | None:
        if not SESSION_ID.match(session_id or ""):
            return None
        path = (self.root / f"{session_id}.yml").resolve()
        return path if path.parent == self.root else None

    def new(self, language: str) -> Session:
        return Session(id=secrets.token_urlsafe(32), csrf=secrets.token_urlsafe(32), language=language)

    def load(self, session_id: str | None) -> Session | None:
        path = self._path(session_id or "")
        if path is None or not path.is_file():
            return None
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        try:
            return Session(**{k: v for k, v in data.items() if k in Session.__dataclass_fields__})
        except TypeError:
            return None

    def save(self, session: Session) -> None:
        path = self._path(session.id)
        if path is None:
            raise ValueError("bad session id")
        self.root.mkdir(parents=True, exist_ok=True)
        handle, tmp = tempfile.mkstemp(prefix=".session-", dir=self.root)
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            yaml.safe_dump(asdict(session), out, allow_unicode=True, sort_keys=False)
        os.replace(tmp, path)
