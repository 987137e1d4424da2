"""Which profile fields a rendering reads: the real inputs of each output, found by watching.

While `reading()` is active, every read of a profile field records its dotted path:

- in templates, through `TrackedDict` / `TrackedList` (the `coop` value of the render context);
- in Python, through `Profile`'s sections (model.py asks `note()` on attribute access).

A path names a leaf (`governance.board_size`), a whole list (`founders`) or, when a whole mapping
is iterated or dumped, the mapping (`governance`; `*` for the whole profile). `values()` reads the
current value of each recorded path, so a change to any of them changes a step's key.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

_READS: ContextVar[set[str] | None] = ContextVar("coopkit_reads", default=None)
WHOLE = "*"


def note(path: str) -> None:
    """Record that `path` was read (a no-op outside `reading()`)."""
    reads = _READS.get()
    if reads is not None:
        reads.add(path or WHOLE)


def recording() -> bool:
    return _READS.get() is not None


@contextmanager
def reading() -> Iterator[set[str]]:
    """Collect the paths read inside the block (nested blocks also report to the outer ones)."""
    outer = _READS.get()
    reads: set[str] = set()
    token = _READS.set(reads)
    try:
        yield reads
    finally:
        _READS.reset(token)
        if outer is not None:
            outer.update(reads)


def _join(prefix: str, key: Any) -> str:
    return f"{prefix}.{key}" if prefix else str(key)


def track(value: Any, path: str = "") -> Any:
    """`value` (plain JSON data) wrapped so reads are recorded; scalars are returned as they are."""
    if isinstance(value, dict):
        return TrackedDict(value, path)
    if isinstance(value, list):
        return TrackedList(value, path)
    return value


class TrackedDict(dict):
    """A mapping that records the leaves read from it; iterating it records the mapping itself."""

    def __init__(self, data: dict, path: str) -> None:
        super().__init__({k: track(v, _join(path, k)) for k, v in data.items()})
        self._path = path

    def __getitem__(self, key: Any) -> Any:
        value = super().__getitem__(key)
        if not isinstance(value, TrackedDict):  # a mapping on its way to a leaf is not a read yet
            note(_join(self._path, key))
        return value

    def get(self, key: Any, default: Any = None) -> Any:
        if key in self:
            return self[key]
        note(_join(self._path, key))
        return default

    def __contains__(self, key: object) -> bool:
        note(_join(self._path, key))
        return super().__contains__(key)

    def __iter__(self) -> Iterator[Any]:
        note(self._path)
        return super().__iter__()

    def keys(self):
        note(self._path)
        return super().keys()

    def values(self):
        note(self._path)
        return super().values()

    def items(self):
        note(self._path)
        return super().items()

    def __len__(self) -> int:
        note(self._path)
        return super().__len__()

    def __eq__(self, other: object) -> bool:
        note(self._path)
        return super().__eq__(other)

    __hash__ = None


class TrackedList(list):
    """A list read as a whole: any use of it records its path."""

    def __init__(self, data: list, path: str) -> None:
        super().__init__(track(v, path) if not isinstance(v, dict) else TrackedDict(v, path) for v in data)
        self._path = path

    def _read(self) -> None:
        note(self._path)

    def __getitem__(self, index: Any) -> Any:
        self._read()
        return super().__getitem__(index)

    def __iter__(self) -> Iterator[Any]:
        self._read()
        return super().__iter__()

    def __len__(self) -> int:
        self._read()
        return super().__len__()

    def __contains__(self, item: object) -> bool:
        self._read()
        return super().__contains__(item)

    def __bool__(self) -> bool:
        self._read()
        return super().__len__() > 0

    def __eq__(self, other: object) -> bool:
        self._read()
        return super().__eq__(other)

    __hash__ = None


def value_at(data: Any, path: str) -> Any:
    """The value a recorded path names in the profile's JSON data (`*` is all of it)."""
    if path == WHOLE:
        return data
    node = data
    for key in path.split("."):
        if isinstance(node, dict):
            if key not in node:
                return None
            node = node[key]
        else:  # a list item's field was recorded through the list: the list is the value
            return node
    return node


def minimal(paths: set[str]) -> list[str]:
    """The paths without those a recorded ancestor already covers, sorted."""
    if WHOLE in paths:
        return [WHOLE]
    out: list[str] = []
    for path in sorted(paths):
        if not any(path.startswith(kept + ".") for kept in out):
            out.append(path)
    return out


def values_digest(data: Any, paths: list[str]) -> str:
    """A hash of the values of `paths` in `data` (the profile's JSON data)."""
    picked = {path: value_at(data, path) for path in paths}
    text = json.dumps(picked, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


@contextmanager
def paused() -> Iterator[None]:
    """Reads inside the block are not recorded (checks that do not change the output's bytes)."""
    token = _READS.set(None)
    try:
        yield
    finally:
        _READS.reset(token)
