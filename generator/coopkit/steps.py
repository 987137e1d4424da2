"""The outputs of a co-op folder as steps with declared inputs; `new` and `render` run the same steps.

A step's key is a hash of what it reads: the profile fields it used last time (recorded while it
rendered, deps.py), the data folders and code it renders with, and the run's options. A step whose
key and files are unchanged does not run. The keys live in DEST/manifest.json ("render_state").

    new:     plan → run every step into a staging folder → coop.yml, manifest → move into place
    render:  plan → run the steps whose key changed into a staging folder → install the changed files
             → copier update only when the platform's answers changed → manifest
"""
from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from . import __version__, deps
from .incremental import STATE_FILE, State, StepState, atomic_write, code_fingerprint, content_fingerprint, stat_of

if TYPE_CHECKING:
    from .legal import RenderedDocument
    from .pdf import PdfPool
    from .run import Run

LEGAL_FORMATS = ("md", "html", "pdf", "docx")
HANDBOOK_FORMATS = ("html", "pdf", "docx")


@dataclass
class Planned:
    """A legal document as planned before rendering: what the handbook needs to name its files."""

    spec: Any
    language: str
    filename: str
    translation_of: str | None
    member_class: dict | None
    title: str = ""


@dataclass
class Work:
    """What steps share during one run."""

    run: Run
    stage: Path  # files are written here, then moved into DEST
    pool: PdfPool
    planned: list[Planned]
    summaries: dict[str, list[dict]] = field(default_factory=dict)  # step id → its documents (file, title)
    rendered: dict[str, list[RenderedDocument]] = field(default_factory=dict)


@dataclass
class Step:
    id: str
    trees: tuple[Path, ...]  # data folders it renders from
    render: Callable[[Work], list[str]]  # writes its files into work.stage; returns their DEST-relative paths
    extra: Callable[[Work], Any] = lambda work: None  # inputs other than profile fields (e.g. other steps' documents)


# ── planning ─────────────────────────────────────────────────────────────────────────────────

def plan_documents(run: Run) -> list[Planned]:
    from .legal import document_languages, document_spec

    out = []
    for language, translation_of in document_languages(run.jurisdiction, run.form, run.language):
        for doc_id in run.form.documents:
            spec = document_spec(run.catalog, run.jurisdiction, doc_id)
            classes = [c.model_dump() for c in run.profile.member_classes] if spec.per_class else [None]
            for member_class in classes:
                filename = spec.filename + (f"-{member_class['id']}" if member_class else "")
                filename += f".{language}" if translation_of else ""
                out.append(Planned(spec, language, filename, translation_of, member_class))
    return out


def plan(run: Run, planned: list[Planned], formats: dict[str, tuple[str, ...]] | None = None) -> list[Step]:
    """The handbook first (its PDF takes longest, so it starts first), the documents, the README."""
    formats = formats or {}
    catalog = run.catalog
    legal_trees = (catalog.legal, catalog.handbook / "fonts", *run.overlays)
    steps = [Step("handbook", (catalog.handbook, catalog.legal, *run.overlays),
                  lambda work: _handbook(work, formats.get("handbook", HANDBOOK_FORMATS)),
                  extra=lambda work: [(p.spec.id, p.filename, p.translation_of) for p in work.planned])]
    groups: dict[str, list[Planned]] = {}
    for doc in planned:
        groups.setdefault(f"legal/{doc.spec.id}.{doc.language}", []).append(doc)
    for step_id, docs in groups.items():
        steps.append(Step(step_id, legal_trees, _legal_step(step_id, docs, formats.get("legal", LEGAL_FORMATS))))
    from .filing import pack_step  # issue #14: legal/.profile.yml (for `amend`), legal/filing/, legal/signing/ (final)

    steps.append(Step("legal/packs", (catalog.legal, catalog.handbook / "fonts", *run.overlays), pack_step,
                      extra=lambda work: [(p.spec.id, p.filename, p.language) for p in work.planned]))
    steps.append(Step("README.md", (catalog.templates / "dest-readme",), _readme,
                      extra=lambda work: [work.summaries.get(s, []) for s in sorted(groups)]))
    return steps


def _legal_step(step_id: str, docs: list[Planned], formats: tuple[str, ...]) -> Callable[[Work], list[str]]:
    return lambda work: _legal(work, step_id, docs, formats)


# ── the steps ────────────────────────────────────────────────────────────────────────────────

def _legal(work: Work, step_id: str, docs: list[Planned], formats: tuple[str, ...]) -> list[str]:
    from .documents import document_html
    from .legal import build_document, load_strings
    from .pdf import PdfJob

    run, written = work.run, []
    out = work.stage / "legal"
    out.mkdir(parents=True, exist_ok=True)
    rendered = []
    for planned in docs:
        doc = build_document(run.catalog, run.jurisdiction, run.form, planned.spec, dict(run.context),
                             language=planned.language, build=run.build, overlay=run.overlay,
                             member_class=planned.member_class, translation_of=planned.translation_of)
        rendered.append(doc)
        with deps.paused():  # the lawyer's linter (lint.py) refuses what a lawyer would circle; it reads every number
            from .lint import lint_documents, refuse_findings

            refuse_findings(lint_documents([doc], run.profile, run.catalog), draft=run.draft)
        html = document_html(doc, run.catalog, dict(run.context), run.overlay)
        if "md" in formats:
            (out / f"{doc.filename}.md").write_text(doc.markdown, encoding="utf-8")
        if "html" in formats:
            (out / f"{doc.filename}.html").write_text(html, encoding="utf-8")
        if "pdf" in formats:
            work.pool.submit(PdfJob(html, out / f"{doc.filename}.pdf", run.catalog.legal,
                                    (run.catalog.handbook / "fonts" / "fonts.css",), run.context["document_date"],
                                    (run.catalog.root, *run.overlays)))
        if "docx" in formats:
            from .wordprocessing import write_document_docx

            write_document_docx(doc, out / f"{doc.filename}.docx", dict(run.context), load_strings(run.catalog, doc.language))
        written += [f"legal/{doc.filename}.{ext}" for ext in LEGAL_FORMATS if ext in formats]
    work.rendered[step_id] = rendered
    work.summaries[step_id] = [{"filename": d.filename, "title": d.title, "translation_of": d.translation_of,
                                "language": d.language} for d in rendered]
    return written


def _handbook(work: Work, formats: tuple[str, ...]) -> list[str]:
    from .handbook import render_handbook

    run = work.run
    written = render_handbook(run.profile, run.catalog, dict(run.context), work.stage / "handbook", documents=work.planned,
                              profile_dir=run.profile_dir, formats=formats, overlays=list(run.overlays),
                              pdf=work.pool.submit)
    return [path.relative_to(work.stage).as_posix() for path in written]


def _readme(work: Work) -> list[str]:
    from .render import markdown_env, render_string

    run = work.run
    folder = run.catalog.templates / "dest-readme"
    candidates = [run.language, run.language.split("-")[0], "en"]
    name = next(f"{c}.md" for c in candidates if (folder / f"{c}.md").is_file())
    docs = [SimpleNamespace(**d) for step in sorted(work.summaries) for d in work.summaries[step]]
    context = {**run.context, "documents": [d for d in docs if not d.translation_of],
               "translations": [d for d in docs if d.translation_of]}
    text = render_string(markdown_env([folder]), (folder / name).read_text(encoding="utf-8"), context, str(folder / name))
    (work.stage / "README.md").write_text(text, encoding="utf-8")
    return ["README.md"]


# ── running them ─────────────────────────────────────────────────────────────────────────────

def step_key(work: Work, step: Step, reads: Iterable[str], data: dict) -> str:
    from .context import BASE_FIELDS

    run = work.run
    paths = deps.minimal(set(reads) | set(BASE_FIELDS))
    parts = {
        "step": step.id, "code": code_fingerprint(), "trees": [content_fingerprint(t) for t in step.trees],
        "options": {"build": run.build, "draft": run.draft, "overlays": [content_fingerprint(o) for o in run.overlays]},
        "inputs": deps.values_digest(data, paths), "extra": step.extra(work),
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


@dataclass
class Outcome:
    ran: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    written: list[str] = field(default_factory=list)  # DEST-relative files whose bytes changed
    removed: list[str] = field(default_factory=list)
    platform: str = "unchanged"  # created | updated | unchanged


def run_steps(work: Work, steps: list[Step], previous: State, dest: Path | None) -> tuple[State, Outcome]:
    """Run the steps whose key changed (every step when there is no previous state)."""
    with deps.paused():  # built once, before any step: building it reads the whole profile
        data = work.run.profile.model_dump(mode="json")
        work.run.context  # noqa: B018
    state, outcome = State(), Outcome()
    for step in steps:
        before = previous.steps.get(step.id)
        if before is not None and dest is not None and before.key == step_key(work, step, before.reads, data) \
                and all(stat_of(dest / rel) == tuple(st) for rel, st in before.files.items()):
            state.steps[step.id] = before
            work.summaries.update({step.id: before.meta.get("documents", [])} if step.id.startswith("legal/") else {})
            outcome.skipped.append(step.id)
            continue
        with work.run.timings.stage(step.id if not step.id.startswith("legal/") else "legal"), deps.reading() as reads:
            files = step.render(work)
        kept = deps.minimal(reads) if reads else []
        meta = {"documents": work.summaries.get(step.id, [])} if step.id.startswith("legal/") else {}
        state.steps[step.id] = StepState(step_key(work, step, kept, data), kept, dict.fromkeys(files, (0, 0)), meta)
        outcome.ran.append(step.id)
    return state, outcome


def install(stage: Path, dest: Path, state: State, previous: State, outcome: Outcome) -> None:
    """Move the files the steps wrote into DEST, each atomically and only when its bytes changed;
    remove files a step no longer writes. Records each file's size and mtime in `state`."""
    for step_id in outcome.ran:
        for rel in state.steps[step_id].files:
            new, old = stage / rel, dest / rel
            if not (old.is_file() and _same_bytes(new, old)):
                old.parent.mkdir(parents=True, exist_ok=True)
                os.replace(new, old)
                outcome.written.append(rel)
        before = previous.steps.get(step_id)
        for rel in set(before.files) - set(state.steps[step_id].files) if before else ():
            _remove(dest / rel, outcome, rel)
    for step_id, before in previous.steps.items():
        if step_id not in state.steps and step_id != "platform":
            for rel in before.files:
                _remove(dest / rel, outcome, rel)
    for entry in state.steps.values():
        entry.files = {rel: stat_of(dest / rel) for rel in entry.files}


def _remove(path: Path, outcome: Outcome, rel: str) -> None:
    if path.is_file():
        path.unlink()
        outcome.removed.append(rel)


def _same_bytes(a: Path, b: Path) -> bool:
    if a.stat().st_size != b.stat().st_size:
        return False
    return hashlib.sha256(a.read_bytes()).digest() == hashlib.sha256(b.read_bytes()).digest()


def platform_answers(run: Run) -> tuple[str, str, str]:
    """The platform's rules (title, Markdown) and a hash of everything copier could be given: the
    profile, the names, the rules, the vocabulary, the bundled template and coopkit's code. Equal
    hashes mean `copier update` would change nothing, so it is skipped."""
    from .context import plain
    from .documents import render_rules

    rules = render_rules(run.profile, run.catalog, dict(run.context), build="final", overlay=run.overlay)[0]
    answers = {"coop": plain(run.context["coop"]), "full_name": run.context["full_name"], "rules_title": rules.title,
               "rules_markdown": rules.markdown, "sector": run.sector.id,
               "vocabulary": run.context["vocab"].model_dump(exclude={"i18n"}),
               "template": content_fingerprint(run.catalog.templates / "platform"), "coopkit": __version__,
               "platform_template": bool(run.profile.platform_template),
               "its_files": _template_fingerprint(run.profile.platform_template)}
    digest = hashlib.sha256(json.dumps(answers, sort_keys=True, default=str).encode()).hexdigest()
    return rules.title, rules.markdown, digest


def _template_fingerprint(template: str | None) -> str:
    """An incubator's own template: a new version of it (new files or commits) is a reason to update."""
    if not template or not Path(template).is_dir():
        return ""
    head = Path(template) / ".git" / "HEAD"
    return content_fingerprint(Path(template)) + (head.read_text(encoding="utf-8") if head.is_file() else "")


__all__ = ["STATE_FILE", "Outcome", "Planned", "Step", "Work", "atomic_write", "install", "plan", "plan_documents",
           "platform_answers", "run_steps", "step_key"]
