"""One run of coopkit: the profile with everything resolved once (law, sector, options, overlays).

Every command builds a `Run` and hands it to the steps (steps.py); nothing below it looks up the
jurisdiction, re-resolves an overlay or re-reads an option.
"""
from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import UsageError

if TYPE_CHECKING:  # kept light: the CLI imports this module before it knows there is work to do
    from .catalog import Catalog, Jurisdiction, LegalForm, Sector
    from .context import RenderContext
    from .model import Profile

BUILDS = ("review", "final")


class Timings(dict[str, float]):
    """Seconds per stage, filled in as a command runs (the CLI prints the total; bench/ prints each)."""

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self[name] = self.get(name, 0.0) + time.perf_counter() - start


def _absolute(value: str | Path, base: Path | None) -> Path:
    path = Path(value).expanduser()
    return (base / path).resolve() if base is not None and not path.is_absolute() else path.resolve()


def resolve_overlays(profile: Profile, overlay: str | Path | None, profile_dir: Path | None) -> tuple[Path, ...]:
    """The incubator's overlay named in coop.yml (relative to its folder), then the one given with
    --overlay (which wins where both have the same file). A folder that is not there is a usage error."""
    found: list[Path] = []
    if profile.incubator and profile.incubator.overlay:
        path = _absolute(profile.incubator.overlay, profile_dir)
        if not path.is_dir():
            raise UsageError(f"incubator.overlay in coop.yml: {path} is not a folder. Fix the path in coop.yml "
                             "(it is relative to coop.yml's folder) or remove the line.")
        found.append(path)
    if overlay:
        path = _absolute(overlay, None)
        if not path.is_dir():
            raise UsageError(f"--overlay {overlay}: no such folder. Give the folder that holds the incubator's "
                             "chapters/, clauses/, CSS and logo.")
        if path not in found:
            found.append(path)
    return tuple(found)


@dataclass
class Run:
    """The profile and everything resolved from it and the options, once."""

    profile: Profile
    catalog: Catalog
    build: str = "review"
    draft: bool = False
    overlays: tuple[Path, ...] = ()
    profile_dir: Path | None = None
    platform_template: Path | None = None
    trust: bool = False
    timings: Timings = field(default_factory=Timings)
    jurisdiction: Jurisdiction = field(init=False)
    form: LegalForm = field(init=False)
    sector: Sector = field(init=False)

    def __post_init__(self) -> None:
        if self.build not in BUILDS:
            raise UsageError(f"--build {self.build!r}: choose review or final.")
        self.jurisdiction = self.catalog.jurisdiction(self.profile.jurisdiction)
        self.form = self.jurisdiction.form(self.profile.legal_form)
        self.sector = self.catalog.sector(self.profile.sector)

    @classmethod
    def create(cls, profile: Profile, catalog: Catalog | None = None, *, overlay: str | Path | None = None,
               profile_dir: Path | None = None, **options: object) -> Run:
        """Resolve the overlays (the one resolver) and build the run."""
        from .catalog import Catalog

        return cls(profile=profile, catalog=catalog or Catalog(), overlays=resolve_overlays(profile, overlay, profile_dir),
                   profile_dir=profile_dir, **options)  # type: ignore[arg-type]

    @property
    def overlay(self) -> Path | None:
        """The overlay whose clauses and legal CSS the documents use: the last one (--overlay wins)."""
        return self.overlays[-1] if self.overlays else None

    @cached_property
    def context(self) -> RenderContext:
        from .context import template_context

        return template_context(self.profile, self.catalog, draft=self.draft, build=self.build)

    @property
    def language(self) -> str:
        return self.profile.language or "en"
