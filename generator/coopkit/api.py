"""What coopkit does, one function per command. Each reads top to bottom; the CLI only forwards flags.

    profile = build_profile(answers_file="coop.yml")
    new(profile, "my-coop")
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from . import __version__
from .catalog import Catalog
from .context import template_context
from .documents import render_documents, render_rules, write_documents
from .errors import DestinationError, Findings, Problem, ProfileError, UsageError
from .interview import Interview, given_answers
from .legal import coverage_problems, document_spec
from .lint import lint_documents, lint_folder, refuse_findings
from .profile import Profile, dump_profile, law_problems, load_answers, resolve, validate
from .render import markdown_env, render_string
from .scaffold import generate_platform, update_platform

BUILDS = ("review", "final")


class Timings(dict):
    """Seconds per stage, filled in as a command runs (the CLI prints the total; bench/ prints each)."""

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self[name] = self.get(name, 0.0) + time.perf_counter() - start


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
        base_dir: Path | None = None, catalog: Catalog | None = None, timings: Timings | None = None) -> dict:
    """Write DEST: coop.yml, README.md, manifest.json, platform/, legal/, handbook/ — atomically."""
    catalog = catalog or Catalog()
    timings = timings if timings is not None else Timings()
    dest = Path(dest)
    check_destination(dest, force)
    overlay_dir = _overlay(profile, overlay, base_dir)
    template = _path(platform_template) or _relative(profile.platform_template, base_dir)
    if platform_template:  # remember it in coop.yml, like every other answer
        profile = profile.model_copy(update={"platform_template": str(template)})
    with _staging(dest) as stage:
        (stage / "coop.yml").write_text(dump_profile(profile), encoding="utf-8")
        manifest = _write_outputs(stage, profile, catalog, build=build, draft=draft, overlay=overlay_dir,
                                  cli_overlay=_path(overlay), profile_dir=base_dir, template=template, trust=trust,
                                  timings=timings, fresh=True)
    return manifest


def render(dest: str | Path, *, build: str = "review", draft: bool = False, overlay: str | Path | None = None,
           trust: bool = False, catalog: Catalog | None = None, timings: Timings | None = None) -> dict:
    """Re-render legal/ and handbook/ from DEST/coop.yml and update platform/ with copier."""
    catalog = catalog or Catalog()
    timings = timings if timings is not None else Timings()
    dest = Path(dest)
    if not (dest / "coop.yml").is_file():
        raise UsageError(f"{dest} has no coop.yml; run `coopkit new {dest}` first.")
    profile = load_profile(dest / "coop.yml", catalog=catalog, draft=draft)
    overlay_dir = _overlay(profile, overlay, dest)
    with _staging(dest / "render", install=False) as stage:
        _write_outputs(stage, profile, catalog, build=build, draft=draft, overlay=overlay_dir,
                       cli_overlay=_path(overlay), profile_dir=dest.resolve(), template=None, trust=trust,
                       timings=timings, fresh=False, platform=dest / "platform")
        for name in ("legal", "handbook"):
            if (dest / name).exists():
                shutil.rmtree(dest / name)
            os.replace(stage / name, dest / name)
        os.replace(stage / "README.md", dest / "README.md")
    manifest = _manifest(dest, profile, build, _platform_provenance(dest / "platform"))
    (dest / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return manifest


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
    with _staging(out) as stage:
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
    context = template_context(profile, catalog)
    docs = render_documents(profile, catalog, {**context, "build": "review"})
    with _staging(out) as stage:
        written = render_handbook(profile, catalog, context, stage, documents=docs, overlay=_path(overlay),
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


def _write_outputs(stage: Path, profile: Profile, catalog: Catalog, *, build: str, draft: bool, overlay: Path | None,
                   cli_overlay: Path | None, profile_dir: Path | None, template: Path | None, trust: bool,
                   timings: Timings, fresh: bool, platform: Path | None = None) -> dict:
    if build not in BUILDS:
        raise UsageError(f"--build {build!r}: choose review or final.")
    context = {**template_context(profile, catalog, draft=draft), "build": build}
    with timings.stage("legal (markdown)"):
        docs = render_documents(profile, catalog, context, build=build, overlay=overlay)
        refuse_findings(lint_documents(docs, profile, catalog), draft=draft)  # what a lawyer would circle
        refuse_findings(lint_documents(docs, profile, catalog), draft=draft)  # what a lawyer would circle

    def timed(doc):  # per-document timing for bench/
        timings[f"legal: {doc.filename}"] = time.perf_counter() - timed.start
        timed.start = time.perf_counter()
    timed.start = time.perf_counter()
    write_documents(docs, stage / "legal", catalog, context, overlay=overlay, on_written=timed)
    with timings.stage("handbook"):
        from .handbook import render_handbook

        render_handbook(profile, catalog, context, stage / "handbook", documents=docs, overlay=cli_overlay,
                        profile_dir=profile_dir)
    rules_title, rules_md = _rules_for_platform(profile, catalog, context, overlay)
    with timings.stage("platform"):
        if fresh:
            provenance = generate_platform(stage / "platform", bundled=catalog.templates / "platform", context=context,
                                           rules_title=rules_title, rules_markdown=rules_md, template=template,
                                           trust=trust)
        else:
            update_platform(platform, bundled=catalog.templates / "platform", context=context,
                            rules_title=rules_title, rules_markdown=rules_md, trust=trust)
            provenance = None
    (stage / "README.md").write_text(_dest_readme(profile, catalog, context, docs), encoding="utf-8")
    if not fresh:
        return {}
    with timings.stage("manifest"):
        manifest = _manifest(stage, profile, build, provenance)
        (stage / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n",
                                             encoding="utf-8")
    return manifest


def _rules_for_platform(profile: Profile, catalog: Catalog, context: dict, overlay: Path | None) -> tuple[str, str]:
    """The clean (final) rules in the document language, for the platform's rules page."""
    rules = render_rules(profile, catalog, context, build="final", overlay=overlay)[0]
    return rules.title, rules.markdown


def _dest_readme(profile: Profile, catalog: Catalog, context: dict, docs) -> str:
    folder = catalog.templates / "dest-readme"
    language = profile.language or "en"
    candidates = [language, language.split("-")[0], "en"]
    name = next(f"{c}.md" for c in candidates if (folder / f"{c}.md").is_file())
    env = markdown_env([folder])
    source = (folder / name).read_text(encoding="utf-8")
    originals = [d for d in docs if not d.translation_of]
    return render_string(env, source, {**context, "documents": originals,
                                       "translations": [d for d in docs if d.translation_of]}, str(folder / name))


def _manifest(root: Path, profile: Profile, build: str, platform: dict | None) -> dict:
    files = {}
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        rel = path.relative_to(root).as_posix()
        if rel == "manifest.json" or rel.startswith("platform/.git/"):
            continue
        files[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    return {"coopkit_version": __version__, "profile_hash": profile.digest(), "build": build,
            "templates": {"platform": platform or {}}, "files": files}


def _platform_provenance(platform: Path) -> dict:
    from .scaffold import _answered_commit

    return {"template": "copier", "version": _answered_commit(platform) or "unknown"}


def _coverage(profile: Profile, catalog: Catalog) -> list[Problem]:
    docs = render_rules(profile, catalog, template_context(profile, catalog, draft=True))
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
        elif rel.startswith(("legal/", "handbook/")) and hashlib.sha256(path.read_bytes()).hexdigest() != digest:
            problems.append(Problem(rel, "differs from the file coopkit wrote (its sha256 does not match the manifest)",
                                    "Run `coopkit render` to write it again, or keep your edit knowingly"))
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
def _staging(dest: Path, *, install: bool = True) -> Iterator[Path]:
    """A temporary folder beside DEST, moved into place (install) only when everything succeeded;
    an error or Ctrl-C removes it and leaves DEST as it was."""
    stage = Path(tempfile.mkdtemp(prefix=f".{dest.name}.coopkit-", dir=dest.parent))
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(stage, 0o777 & ~umask)  # mkdtemp makes it private; DEST gets the usual permissions
    try:
        yield stage
        if not install:
            return
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
    chosen = _path(overlay) or _relative(profile.incubator.overlay if profile.incubator else None, base)
    if chosen and not chosen.is_dir():
        raise UsageError(f"overlay {chosen}: no such folder.")
    return chosen
