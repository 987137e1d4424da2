"""`new` and `render`: two small pipelines over the same steps (steps.py).

    new:    steps into a staging folder (PDFs in the pool) → platform (copier copy) while the PDFs
            render → manifest and state → the folder moves into place
    render: nothing changed? return (no file written) → steps whose key changed → copier update only
            when the platform's answers changed → install the files whose bytes changed → manifest and state
"""
from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

from . import __version__, interrupt
from .incremental import (
    STATE_KEY,
    State,
    atomic_write,
    code_fingerprint,
    file_sha256,
    run_key,
    stat_of,
    tree_fingerprint,
    up_to_date,
)
from .run import Run, Timings

MANIFEST = "manifest.json"


def data_root() -> Path:
    """coopkit's data (as catalog.default_data_root, without importing the catalog)."""
    packaged = Path(__file__).parent / "_data"
    return packaged if packaged.is_dir() else Path(__file__).resolve().parents[2]


def data_trees(root: Path | None = None) -> list[Path]:
    root = root or data_root()
    return [root / "legal", root / "handbook", root / "templates"]


def render_options(build: str, draft: bool, overlay: str | Path | None) -> dict[str, Any]:
    return {"build": build, "draft": draft, "overlay": str(Path(overlay).expanduser().resolve()) if overlay else ""}


def new_pipeline(run: Run, stage: Path, *, workers: int | None = None, overlay_option: str | Path | None = None,
                 dest: Path | None = None) -> dict:
    """Write every output of `run` into `stage` (the DEST-to-be) and return the manifest."""
    from .coopyml import dump_profile
    from .pdf import pdf_pool
    from .scaffold import generate_platform
    from .steps import Work, plan, plan_documents, platform_answers, run_steps

    catalog = run.catalog
    (stage / "coop.yml").write_text(dump_profile(run.profile), encoding="utf-8")
    planned = plan_documents(run)
    with pdf_pool(workers, ((catalog.handbook / "fonts" / "fonts.css",),)) as pool:
        pool.start()  # every `new` renders PDFs: the workers get ready while the handbook's HTML is built
        work = Work(run, stage, pool, planned)
        state, _ = run_steps(work, plan(run, planned), State(), None)
        with run.timings.stage("platform"):  # while the workers render the PDFs
            title, markdown, answers = platform_answers(run)
            provenance = generate_platform(stage / "platform", bundled=catalog.templates / "platform",
                                           context=_plain_context(run), rules_title=title, rules_markdown=markdown,
                                           template=run.platform_template, trust=run.trust)
        with run.timings.stage("pdf (waiting for the pool)"):
            pool.wait()
    for entry in state.steps.values():
        entry.files = {rel: stat_of(stage / rel) for rel in entry.files}
    state.platform_answers, state.overlays = answers, [str(o) for o in run.overlays]
    with run.timings.stage("manifest"):
        manifest = _manifest(stage, run, provenance)
        state.run_key = run_key(stage, render_options(run.build, run.draft, overlay_option),
                                data_trees(catalog.root), state)
        manifest[STATE_KEY] = state.as_dict()
        atomic_write(stage / MANIFEST, json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    if dest is not None:  # the stage becomes DEST by a rename: the files keep their times
        state.save_stats(dest)
    return manifest


def render_pipeline(dest: Path, *, build: str, draft: bool, overlay: str | Path | None, trust: bool,
                    catalog: Any = None, timings: Timings, workers: int | None = None,
                    report: dict | None = None, force: bool = False) -> dict:
    from .errors import UsageError

    report = report if report is not None else {}
    if not (dest / "coop.yml").is_file():
        raise UsageError(f"{dest} has no coop.yml; run `coopkit new {dest}` first.")
    options = render_options(build, draft, overlay)
    with timings.stage("up to date?"):
        if up_to_date(dest, options, data_trees(catalog.root if catalog is not None else None)):
            report.update(ran=[], skipped=["everything"], written=[], removed=[], platform="unchanged")
            return _read_manifest(dest)
    from .api import load_profile
    from .catalog import Catalog
    from .pdf import pdf_pool
    from .scaffold import update_platform
    from .steps import Work, install, plan, plan_documents, platform_answers, run_steps

    catalog = catalog or Catalog()
    with timings.stage("profile"):
        profile = load_profile(dest / "coop.yml", catalog=catalog, draft=draft)
    run = Run.create(profile, catalog, overlay=overlay, profile_dir=dest.resolve(), build=build, draft=draft,
                     trust=trust, timings=timings)
    written = _read_manifest(dest)
    previous = State.load(dest, written)
    if previous.edited and not force:
        refuse_hand_edits(dest, previous.edited)
    stage = Path(tempfile.mkdtemp(prefix=".coopkit-render-", dir=dest))
    try:
        planned = plan_documents(run)
        with pdf_pool(workers, ((catalog.handbook / "fonts" / "fonts.css",),)) as pool:
            work = Work(run, stage, pool, planned)
            state, outcome = run_steps(work, plan(run, planned), previous, dest)
            with timings.stage("pdf (waiting for the pool)"):
                pool.wait()
        interrupt.check()  # a Ctrl-C that Python swallowed on the way: the platform is not updated either
        with timings.stage("platform"):
            title, markdown, answers = platform_answers(run)
            if answers != previous.platform_answers and (dest / "platform").is_dir():
                update_platform(dest / "platform", bundled=catalog.templates / "platform", context=_plain_context(run),
                                rules_title=title, rules_markdown=markdown, trust=trust)
                outcome.platform = "updated"
        interrupt.check()  # a Ctrl-C that Python swallowed on the way: still nothing written
        install(stage, dest, state, previous, outcome)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    state.platform_answers, state.overlays = answers, [str(o) for o in run.overlays]
    manifest = _manifest(dest, run, _platform_provenance(dest / "platform", written))
    state.run_key = run_key(dest, options, data_trees(catalog.root), state)
    manifest[STATE_KEY] = state.as_dict()
    if atomic_write(dest / MANIFEST, json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"):
        outcome.written.append(MANIFEST)
    state.save_stats(dest)
    report.update(ran=outcome.ran, skipped=outcome.skipped, written=sorted(outcome.written),
                  removed=sorted(outcome.removed), platform=outcome.platform)
    return manifest


def refuse_hand_edits(dest: Path, edited: list[str]) -> None:
    """Stop before rendering: the files coopkit wrote that are no longer the files it wrote (their sha256 is
    not the one manifest.json records, `State.edited`) would be replaced, or removed if their step is gone;
    `render` keeps them unless told otherwise (--force)."""
    from .errors import DestinationError

    listed = "\n".join(f"  - {rel}" for rel in edited[:20]) + (f"\n  ... and {len(edited) - 20} more"
                                                              if len(edited) > 20 else "")
    raise DestinationError(
        f"{len(edited)} file(s) in {dest}/ changed since coopkit wrote them, and this render would replace "
        f"them; nothing was written:\n{listed}\n"
        "Keep a change by moving it where the next render finds it (an answer in coop.yml, or a clause in an "
        "--overlay folder), or copy the file elsewhere; then run `coopkit render --force` to replace them.")


def _plain_context(run: Run) -> dict:
    from .context import plain

    return {**run.context, "coop": plain(run.context["coop"])}


def _read_manifest(dest: Path) -> dict:
    try:
        return json.loads((dest / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _manifest(root: Path, run: Run, platform: dict | None) -> dict:
    files = {}
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        rel = path.relative_to(root).as_posix()
        if rel == MANIFEST or rel.startswith(("platform/.git/", ".coopkit-render-")):
            continue
        files[rel] = file_sha256(path)
    return {"coopkit_version": __version__, "profile_hash": run.profile.digest(), "build": run.build,
            "templates": {"platform": platform or {}}, "files": files}


def _platform_provenance(platform: Path, manifest: dict) -> dict:
    """Where the platform came from, as `new` recorded it ("bundled", or the incubator's template), with
    the version copier's answers file holds now (an update may have moved it)."""
    from .scaffold import _answered_commit

    before = (manifest.get("templates") or {}).get("platform") if isinstance(manifest, dict) else None
    before = before if isinstance(before, dict) else {}
    return {"template": before.get("template", "copier"),
            "version": _answered_commit(platform) or before.get("version", "unknown")}


__all__ = ["code_fingerprint", "data_trees", "new_pipeline", "render_pipeline", "tree_fingerprint"]
