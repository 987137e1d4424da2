"""The state that makes `coopkit render` incremental, kept in DEST/manifest.json under "render_state".

Kept light on purpose (standard library only): `up_to_date()` answers "is there nothing to do?"
from file sizes, modification times and the bytes of coop.yml, before coopkit loads its catalog, so
a render with nothing changed returns at once and writes nothing.
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

STATE_FILE = "manifest.json"  # the state is one key of the manifest: DEST gets no other file
STATE_KEY = "render_state"
STATE_VERSION = 1
PACKAGE = Path(__file__).resolve().parent


@dataclass
class StepState:
    key: str
    reads: list[str]  # the profile fields the step read when it last ran
    files: dict[str, tuple[int, int]]  # DEST-relative file → (size, mtime in ns) as written
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass
class State:
    steps: dict[str, StepState] = field(default_factory=dict)
    run_key: str = ""  # everything `up_to_date` compares
    platform_answers: str = ""  # hash of the answers copier was last given
    overlays: list[str] = field(default_factory=list)  # the overlay folders the last run resolved
    edited: list[str] = field(default_factory=list)  # files whose bytes are not those manifest.json records (not kept)

    @classmethod
    def load(cls, dest: Path, manifest: Any = None) -> State:
        """The last run's state from DEST/manifest.json (or `manifest`, already read from it)."""
        if manifest is None:
            manifest = _read_json(dest / STATE_FILE)
        raw = manifest.get(STATE_KEY) if isinstance(manifest, dict) else None
        if not isinstance(raw, dict) or raw.get("version") != STATE_VERSION:
            return cls()
        seen = _read_json(_stats_path(dest))  # modification times: a cache outside DEST (DEST's bytes stay the same)
        stats = seen.get("files", {}) if isinstance(seen, dict) else {}
        recorded = manifest.get("files")
        digests = recorded if isinstance(recorded, dict) else {}
        edited: set[str] = set()
        try:
            steps = {k: StepState(v["key"], list(v["reads"]),
                                  {f: _as_written(dest, f, stats.get(f), digests.get(f), edited) for f in v["files"]},
                                  dict(v.get("meta", {}))) for k, v in raw.get("steps", {}).items()}
        except (KeyError, TypeError, AttributeError, ValueError):
            return cls()
        return cls(steps, str(seen.get("run_key", "")) if isinstance(seen, dict) else "",
                   str(raw.get("platform_answers", "")), list(raw.get("overlays", [])), sorted(edited))

    def as_dict(self) -> dict[str, Any]:
        """For manifest.json's "render_state": what each step read and wrote (the same bytes for the same
        profile: no modification times, which go to the cache, `save_stats`)."""
        return {"version": STATE_VERSION, "platform_answers": self.platform_answers, "overlays": self.overlays,
                "steps": {k: {**asdict(v), "files": sorted(v.files)} for k, v in sorted(self.steps.items())}}

    def save_stats(self, dest: Path) -> None:
        """Each written file's size and modification time, and the run key, for `up_to_date`."""
        files = {rel: st for step in self.steps.values() for rel, st in step.files.items()}
        try:
            atomic_write(_stats_path(dest), json.dumps({"dest": str(Path(dest).resolve()), "run_key": self.run_key,
                                                        "files": files}, sort_keys=True) + "\n")
        except OSError:  # no writable cache: the next render compares keys instead of times
            pass


def _as_written(dest: Path, rel: str, kept: Any, digest: Any, edited: set[str]) -> tuple[int, int]:
    """The size and modification time `rel` had when coopkit last wrote it, or (-2, -2): unknown, so the
    step that writes it runs again. A file whose bytes differ from manifest.json's sha256 goes into `edited`.

    The times are kept in this machine's cache for this folder's path. A folder that was copied, moved,
    cloned from git or unpacked from a zip has none there (and its times are new): a file whose bytes still
    have the sha256 manifest.json records is the file coopkit wrote, so its step need not run again. A file
    with the size and time it was written with is not read at all."""
    current = stat_of(dest / rel)
    if kept is not None and tuple(kept) == current:
        return current
    if isinstance(digest, str) and current[0] >= 0:
        try:
            if file_sha256(dest / rel) == digest:
                return current
            edited.add(rel)
        except OSError:
            pass
    return tuple(kept) if kept is not None else (-2, -2)


def file_sha256(path: Path) -> str:
    """The hex sha256 of a file's bytes, as manifest.json records it."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _stats_path(dest: Path) -> Path:
    from .cache import cache_root

    return cache_root() / "render-state" / (hashlib.sha256(str(Path(dest).resolve()).encode()).hexdigest()[:32] + ".json")


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def atomic_write(path: Path, text: str | bytes) -> bool:
    """Write `text` (or bytes) to `path` through a temporary file and a rename; leaves an identical file
    alone (its modification time too). Returns whether it wrote."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    try:
        if path.read_bytes() == data:
            return False
    except OSError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.chmod(name, 0o644)
        os.replace(name, path)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    return True


def stat_of(path: Path) -> tuple[int, int]:
    try:
        st = path.stat()
    except OSError:
        return (-1, -1)
    return (st.st_size, st.st_mtime_ns)


@cache
def tree_fingerprint(root: Path) -> str:
    """A hash of every file's path, size and modification time under `root` (data folders, overlays)."""
    digest = hashlib.sha256(str(root).encode())
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in {".git", "__pycache__"})
        for name in sorted(files):
            path = os.path.join(folder, name)
            try:
                st = os.stat(path)
            except OSError:
                continue
            digest.update(f"{path}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def content_fingerprint(root: Path) -> str:
    """A hash of every file's path (relative to `root`) and bytes: the same on every machine and checkout,
    so the step keys kept in manifest.json stay byte-identical for the same profile and coopkit. Read
    again only when a file's size or time changed (the cheap `tree_fingerprint`)."""
    return _content_fingerprint(root, tree_fingerprint(root))


@cache
def _content_fingerprint(root: Path, _stat_key: str) -> str:
    digest = hashlib.sha256()
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in {".git", "__pycache__"})
        for name in sorted(files):
            path = Path(folder, name)
            try:
                data = path.read_bytes()
            except OSError:
                continue
            digest.update(path.relative_to(root).as_posix().encode() + b"\0" + hashlib.sha256(data).digest())
    return digest.hexdigest()


@cache
def code_fingerprint() -> str:
    """coopkit's version and its code: a new release or an edited module re-renders everything."""
    from . import __version__

    return hashlib.sha256(f"{__version__}\0{content_fingerprint(PACKAGE)}".encode()).hexdigest()


def run_key(dest: Path, options: dict[str, Any], trees: list[Path], state: State) -> str:
    """What a render depends on, cheaply: coop.yml's bytes, the options, the code and data folders
    (and the overlays of the last run), and every file the last run wrote, as it was left."""
    coop = (dest / "coop.yml").read_bytes()
    parts = {
        "coop": hashlib.sha256(coop).hexdigest(), "options": options, "code": code_fingerprint(),
        "trees": [tree_fingerprint(t) for t in trees] + [tree_fingerprint(Path(o)) for o in state.overlays],
        "files": sorted((rel, stat_of(dest / rel)) for step in state.steps.values() for rel in step.files),
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


def up_to_date(dest: Path, options: dict[str, Any], trees: list[Path]) -> bool:
    """True when the last render's state says nothing would change."""
    state = State.load(dest)
    return bool(state.run_key) and state.run_key == run_key(dest, options, trees, state)
