"""What coopkit does, one function per command. Each reads top to bottom; the CLI only forwards flags.

    profile = build_profile(answers_file="coop.yml")
    new(profile, "my-coop")
"""
from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from . import interrupt
from .catalog import Catalog
from .context import template_context
from .documents import render_documents, render_rules, write_documents
from .errors import DestinationError, Findings, Problem, ProfileError, UsageError
from .incremental import file_sha256
from .interview import Interview, given_answers
from .legal import coverage_problems, document_spec
from .lint import lint_documents, lint_folder, refuse_findings
from .profile import Profile, dump_profile, law_problems, load_answers, resolve, validate
from .run import BUILDS, Run, Timings, resolve_overlays

__all__ = ["BUILDS", "Timings", "build_profile", "check", "handbook", "legal", "list_catalog", "load_profile", "new",
           "render"]


def build_profile(*, answers_file: str | Path | None = None, sets: tuple[str, ...] = (), defaults: bool = False,
                  interactive: bool = False, draft: bool = False, catalog: Catalog | None = None,
                  prompt=None, echo=None, interview: Interview | None = None) -> Profile:
    """Answers file < --set, then the interview for what is missing, then validation against the law.
    `interview`: one set up by the caller (language, resume file), instead of a plain one."""
    catalog = catalog or Catalog()
    kwargs = {k: v for k, v in (("prompt", prompt), ("echo", echo)) if v is not None}
    interview = interview or Interview(catalog, interactive=interactive, use_defaults=defaults, **kwargs)
    answers = interview.run(given_answers(Path(answers_file) if answers_file else None, tuple(sets)))
    source = str(answers_file) if answers_file else "the answers"
    for attempt in range(1, 6):
        try:
            profile = validate(resolve(answers, catalog), catalog, source=source, draft=draft)
            break
        except ProfileError as error:
            keys = interview.questions_for(error.problems) if interview.interactive else []
            if not keys or attempt == 5:
                raise
            interview.echo(f"{error}\nPlease answer these again.")  # a person is there: ask, keep the rest
            answers = interview.ask_again(answers, keys)
    if profile.document_date is None:
        profile = profile.model_copy(update={"document_date": dt.date.today()})
    return profile


def keep_answers(profile: Profile) -> Path:
    """Save typed answers where they survive a failed run (the system's temporary folder)."""
    handle, name = tempfile.mkstemp(prefix="coopkit-answers-", suffix=".yml")
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        out.write(dump_profile(profile))
    return Path(name)


def load_profile(path: str | Path, *, catalog: Catalog | None = None, draft: bool = False) -> Profile:
    catalog = catalog or Catalog()
    return validate(resolve(load_answers(Path(path)), catalog), catalog, source=str(path), draft=draft)


def new(profile: Profile, dest: str | Path, *, force: bool = False, build: str = "review", draft: bool = False,
        overlay: str | Path | None = None, platform_template: str | Path | None = None, trust: bool = False,
        base_dir: Path | None = None, catalog: Catalog | None = None, timings: Timings | None = None,
        workers: int | None = None) -> dict:
    """Write DEST: coop.yml, README.md, manifest.json, platform/, legal/, handbook/ — atomically
    (pipeline.py: every step, PDFs in a process pool of `workers`, default one per core)."""
    from .pipeline import new_pipeline

    dest = Path(dest)
    check_destination(dest, force)
    template = _path(platform_template) or _relative(profile.platform_template, base_dir)
    if platform_template:  # remember it in coop.yml, like every other answer
        profile = profile.model_copy(update={"platform_template": str(template)})
    run = Run.create(profile, catalog, overlay=overlay, profile_dir=base_dir, build=build, draft=draft,
                     platform_template=template, trust=trust, timings=timings if timings is not None else Timings())
    with _staging(dest, force=force) as stage:
        manifest = new_pipeline(run, stage, workers=workers, overlay_option=overlay, dest=dest)
    return manifest


def render(dest: str | Path, *, build: str = "review", draft: bool = False, overlay: str | Path | None = None,
           trust: bool = False, catalog: Catalog | None = None, timings: Timings | None = None,
           workers: int | None = None, report: dict | None = None, force: bool = False) -> dict:
    """Bring DEST up to date with DEST/coop.yml: only the outputs whose inputs changed are rendered
    and only files whose bytes changed are written; copier updates platform/ only when its answers
    changed. `report` (if given) receives what ran, what was skipped and which files changed.
    A file changed by hand since coopkit wrote it is replaced only with `force` (else DestinationError)."""
    from .pipeline import render_pipeline

    return render_pipeline(Path(dest), build=build, draft=draft, overlay=overlay, trust=trust, catalog=catalog,
                           timings=timings if timings is not None else Timings(), workers=workers, report=report,
                           force=force)


def legal(profile: Profile, out: str | Path, *, build: str = "review", draft: bool = False,
          overlay: str | Path | None = None, profile_dir: Path | None = None, force: bool = False,
          catalog: Catalog | None = None, formats: tuple[str, ...] = ("md", "html", "pdf", "docx")) -> list[Path]:
    """Only the legal documents, into OUT (written as a whole, like DEST), in `formats`."""
    catalog = catalog or Catalog()
    out = Path(out)
    check_destination(out, force)
    context = {**template_context(profile, catalog, draft=draft), "build": build}
    overlay_dir = _overlay(profile, overlay, profile_dir)
    docs = render_documents(profile, catalog, context, build=build, overlay=overlay_dir)
    refuse_findings(lint_documents(docs, profile, catalog), draft=draft)  # what a lawyer would circle
    with _staging(out, force=force) as stage:
        written = write_documents(docs, stage, catalog, context, overlay=overlay_dir, formats=formats)
    return [out / path.name for path in written]


def handbook(profile: Profile, out: str | Path, *, overlay: str | Path | None = None, language: str | None = None,
             profile_dir: Path | None = None, force: bool = False, catalog: Catalog | None = None,
             formats: tuple[str, ...] = ("html", "pdf", "docx")) -> list[Path]:
    """Only the handbook, into OUT (`profile_dir`: where coop.yml is, for the incubator's overlay and logo)."""
    from .handbook import render_handbook

    catalog = catalog or Catalog()
    out = Path(out)
    check_destination(out, force)
    overlays = resolve_overlays(profile, overlay, profile_dir)  # the one resolver: a bad --overlay is a usage error
    context = template_context(profile, catalog)
    docs = render_documents(profile, catalog, {**context, "build": "review"})
    with _staging(out, force=force) as stage:
        written = render_handbook(profile, catalog, dict(context), stage, documents=docs, overlays=list(overlays),
                                  language=language, profile_dir=profile_dir, formats=formats)
    return [out / path.name for path in written]


def check(target: str | Path, *, catalog: Catalog | None = None) -> Findings:
    """The profile against the law, statutory coverage of its rules, and DEST's files against the manifest."""
    catalog = catalog or Catalog()
    target = Path(target)
    dest = target if target.is_dir() else None
    profile_path = target / "coop.yml" if dest else target
    raw = resolve(load_answers(profile_path), catalog)
    profile = validate(raw, catalog, source=str(profile_path), law=False)
    findings = Findings(law=law_problems(profile, catalog))
    findings.coverage = _coverage(profile, catalog)
    findings.documents = _lint(profile, catalog, dest)
    if dest:
        findings.outputs = _output_problems(dest, profile)
        findings.outputs_checked = True
    return findings


def list_catalog(kind: str, *, catalog: Catalog | None = None) -> list[dict]:
    catalog = catalog or Catalog()
    if kind == "jurisdictions":
        return [{"id": j.id, "name": j.name, "forms": [f.id for f in j.forms], "languages": j.official_languages}
                for j in catalog.jurisdictions.values()]
    if kind == "sectors":
        return [{"id": s.id, "name": s.name, "worker": s.vocabulary.worker, "customer": s.vocabulary.customer,
                 "default_coop_type": s.default_coop_type} for s in catalog.sectors.values()]
    if kind == "documents":
        rows = []
        for j in catalog.jurisdictions.values():
            for f in j.forms:
                for doc_id in f.documents:
                    spec = document_spec(catalog, j, doc_id)
                    rows.append({"jurisdiction": j.id, "form": f.id, "document": doc_id, "filename": spec.filename,
                                 "per_class": spec.per_class})
        return rows
    raise UsageError(f"coopkit list {kind}: choose jurisdictions, sectors or documents.")


# ---------------------------------------------------------------------------------------------


def _coverage(profile: Profile, catalog: Catalog) -> list[Problem]:
    docs = render_rules(profile, catalog, dict(template_context(profile, catalog, draft=True)))
    form = catalog.jurisdiction(profile.jurisdiction).form(profile.legal_form)
    return [Problem(f"legal/{docs[0].filename if docs else 'rules'}", f"no clause covers the required matter "
                    f"{title!r}", "Add a clause covering it (covers: [" + matter + "])", cite)
            for matter, title, cite in coverage_problems(form, docs)]


def _lint(profile: Profile, catalog: Catalog, dest: Path | None) -> list[Problem]:
    """The lawyer's linter over DEST's written documents, or over the documents the profile renders."""
    if dest and (dest / "legal").is_dir():
        return [f.as_problem() for f in lint_folder(dest / "legal", profile, catalog)]
    docs = render_documents(profile, catalog, {**template_context(profile, catalog), "build": "review"})
    return [f.as_problem() for f in lint_documents(docs, profile, catalog)]


def _output_problems(dest: Path, profile: Profile) -> list[Problem]:
    manifest_path = dest / "manifest.json"
    if not manifest_path.is_file():
        return [Problem("manifest.json", "is missing", "Run `coopkit render` to write it")]
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        return [Problem("manifest.json", f"is not valid JSON ({exc})", "Run `coopkit render` to rewrite it")]
    problems = []
    if manifest.get("profile_hash") != profile.digest():
        problems.append(Problem("coop.yml", "has changed since the documents were written (profile hash "
                                f"{profile.digest()} ≠ {manifest.get('profile_hash')})",
                                "Run `coopkit render` to bring legal/, handbook/ and platform/ up to date"))
    for rel, digest in sorted(manifest.get("files", {}).items()):
        path = dest / rel
        if rel == "coop.yml":
            continue
        if not path.is_file():
            problems.append(Problem(rel, "is missing", "Run `coopkit render` to write it again"))
        elif rel.startswith(("legal/", "handbook/")) and file_sha256(path) != digest:
            problems.append(Problem(rel, "differs from the file coopkit wrote (its sha256 does not match the manifest)",
                                    "Keep your edit knowingly (`coopkit render` leaves it and says so), or run "
                                    "`coopkit render --force` to write coopkit's version again"))
    return problems


def check_destination(dest: Path, force: bool) -> None:
    """Refuse a DEST that cannot be written as asked (the CLI calls it before the interview too)."""
    if dest.exists() and not dest.is_dir():
        raise DestinationError(f"{dest} exists and is a file. Choose another destination.")
    if force and dest.exists() and dest.resolve() in (Path.cwd(), *Path.cwd().parents):
        raise DestinationError(f"{dest} is the folder you are in (or holds it); coopkit will not replace it. "
                               "Choose a new folder for the co-op.")
    if dest.is_dir() and any(dest.iterdir()) and not force:
        raise DestinationError(f"{dest} exists and is not empty; nothing was written. "
                               "Choose another destination, or pass --force to replace it.")
    if not dest.parent.exists():  # bad usage (exit 2), not "destination exists" (exit 5)
        raise UsageError(f"{dest.parent} does not exist; nothing was written. Create that folder first, "
                         "or choose another destination.")
    if not os.access(dest.parent, os.W_OK | os.X_OK):
        raise UsageError(f"{dest.parent} cannot be written (permission denied); nothing was written. "
                         "Choose a destination in a folder you can write to.")


@contextmanager
def _staging(dest: Path, *, install: bool = True, force: bool = False) -> Iterator[Path]:
    """A temporary folder beside DEST, moved into place (install) only when everything succeeded;
    an error or Ctrl-C removes it and leaves DEST as it was. Without `force`, a DEST that somebody filled
    while the files were made (another coopkit, the web interview serving a co-op of the same name) is
    refused at the last moment too, not replaced."""
    stage = Path(tempfile.mkdtemp(prefix=f".{dest.name}.coopkit-", dir=dest.parent))
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(stage, 0o777 & ~umask)  # mkdtemp makes it private; DEST gets the usual permissions
    try:
        yield stage
        if not install:
            return
        interrupt.check()  # a Ctrl-C that Python swallowed on the way: still nothing written
        if not force and dest.is_dir() and any(dest.iterdir()):
            raise DestinationError(f"{dest} was filled while coopkit worked (by another program?); nothing was "
                                   "written. Choose another destination, or pass --force to replace it.")
        if dest.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{dest.name}.coopkit-old-", dir=dest.parent))
            os.replace(dest, old / "previous")
            os.replace(stage, dest)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(stage, dest)
    finally:
        if stage.exists():
            shutil.rmtree(stage, ignore_errors=True)


def _path(value: str | Path | None) -> Path | None:
    return Path(value).expanduser().resolve() if value else None


def _relative(value: str | None, base: Path | None) -> Path | None:
    if not value:
        return None
    path = Path(value).expanduser()
    return (base / path).resolve() if base and not path.is_absolute() else path.resolve()


def _overlay(profile: Profile, overlay: str | Path | None, base: Path | None) -> Path | None:
    """The overlay the legal documents use: the last of the one resolver's (run.py; --overlay wins)."""
    overlays = resolve_overlays(profile, overlay, base)
    return overlays[-1] if overlays else None
