"""`coopkit cohort COHORT.yml`: an incubator's cohort of co-ops, built in parallel, with a dashboard.

COHORT.yml (paths relative to it):

    name: Spring 2027 cohort
    profiles: profiles/            # a folder of coop.yml files, or a list of files
    output: cohort                 # default: ./cohort beside COHORT.yml
    overlay: overlay/              # the incubator's chapters, clauses, CSS and logo, for every co-op
    platform_template: template/   # optional: the incubator's own copier/cookiecutter template
    branding:                      # shown on every handbook cover (a profile's own `incubator` wins)
      name: Bristol Co-op Lab
      contact: hello@example.org
      logo: logo.png

Each co-op is written to OUTPUT/<profile file name>/ with `coopkit new`, or brought up to date
with `coopkit render` when it is already there (only what changed is rendered). A co-op that fails
is reported with its error and the others go on. OUTPUT/index.html and OUTPUT/cohort.json list every
co-op: jurisdiction, check status, documents, next statutory deadlines and the registration steps
ticked in its DEST/progress.yml.
"""
from __future__ import annotations

import datetime as dt
import html
import json
import os
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ._yaml import read_yaml_file
from .errors import CoopkitError, DestinationError, UsageError
from .incremental import atomic_write

PROGRESS_FILE = "progress.yml"


@dataclass
class Cohort:
    name: str
    profiles: list[Path]
    output: Path
    overlay: Path | None = None
    platform_template: Path | None = None
    branding: dict[str, str] = field(default_factory=dict)


def load_cohort(path: Path, output: Path | None = None) -> Cohort:
    """Read COHORT.yml; every problem is a usage error naming the key and the fix."""
    path = Path(path)
    data = read_yaml_file(path)
    if not isinstance(data, dict):
        raise UsageError(f"{path}: a cohort file is a mapping (name, profiles, overlay, platform_template, branding).")
    base = path.parent.resolve()
    unknown = sorted(set(data) - {"name", "profiles", "output", "overlay", "platform_template", "branding"})
    if unknown:
        raise UsageError(f"{path}: {', '.join(unknown)} is not a cohort key; the keys are name, profiles, output, "
                         "overlay, platform_template and branding.")

    def folder(key: str) -> Path | None:
        if not data.get(key):
            return None
        found = (base / str(data[key])).resolve()
        if not found.is_dir():
            raise UsageError(f"{path}: {key}: {found} is not a folder. Fix the path (relative to {path.name}).")
        return found

    given = data.get("profiles")
    if isinstance(given, str) and (base / given).is_dir():
        profiles = sorted(p for p in (base / given).iterdir() if p.suffix in (".yml", ".yaml") and p.is_file())
    elif isinstance(given, list) and all(isinstance(p, str) for p in given):
        profiles = [(base / p).resolve() for p in given]
    else:
        raise UsageError(f"{path}: profiles: give a folder of coop.yml files or a list of files.")
    if not profiles:
        raise UsageError(f"{path}: profiles: no .yml files found.")
    missing = [str(p) for p in profiles if not p.is_file()]
    if missing:
        raise UsageError(f"{path}: profiles: {', '.join(missing)} not found.")
    names = [p.stem for p in profiles]
    twins = sorted({n for n in names if names.count(n) > 1})
    if twins:
        raise UsageError(f"{path}: profiles: two files are named {twins[0]}; each co-op's folder is named after its "
                         "file, so give them different names.")
    branding = data.get("branding") or {}
    if not isinstance(branding, dict) or set(branding) - {"name", "contact", "logo"}:
        raise UsageError(f"{path}: branding: a mapping of name, contact and logo.")
    branding = {k: str(v) for k, v in branding.items() if v}
    if branding.get("logo"):
        logo = (base / branding["logo"]).resolve()
        if not logo.is_file():
            raise UsageError(f"{path}: branding.logo: {logo} is not a file.")
        branding["logo"] = str(logo)
    return Cohort(name=str(data.get("name") or path.stem), profiles=profiles,
                  output=Path(output) if output else (base / str(data.get("output") or "cohort")),
                  overlay=folder("overlay"), platform_template=folder("platform_template"), branding=branding)


# ── one co-op (runs in a worker process) ─────────────────────────────────────────────────────

@dataclass
class Result:
    id: str
    profile: str
    dest: str
    ok: bool
    action: str = ""  # created | updated | unchanged
    error: str = ""
    exit_code: int = 0
    row: dict[str, Any] = field(default_factory=dict)


def build_one(cohort: Cohort, profile_path: Path) -> Result:
    """Create or update one co-op; never raises for a co-op's own problem (the result says it)."""
    dest = cohort.output / profile_path.stem
    result = Result(profile_path.stem, str(profile_path), str(dest), ok=False)
    try:
        result.action = _build(cohort, profile_path, dest)
        result.ok = True
        result.row = dashboard_row(dest)
    except CoopkitError as error:
        result.error, result.exit_code = str(error), error.exit_code
    except Exception as error:  # a bug in coopkit: report it for this co-op and go on with the others
        result.error, result.exit_code = f"internal error ({type(error).__name__}: {error}); please report it", 70
    return result


def _build(cohort: Cohort, profile_path: Path, dest: Path) -> str:
    from . import api
    from .catalog import Catalog
    from .coopyml import dump_profile, load_answers
    from .profile import resolve, validate

    catalog = Catalog()
    answers = load_answers(profile_path)
    if not isinstance(answers, dict):
        raise UsageError(f"{profile_path}: a profile is a mapping of fields.")
    if cohort.branding and not answers.get("incubator"):
        answers["incubator"] = dict(cohort.branding)
    if cohort.platform_template and not answers.get("platform_template"):
        answers["platform_template"] = str(cohort.platform_template)
    existing = dest / "coop.yml"
    if not answers.get("document_date") and existing.is_file():  # keep the date the documents were first made
        answers["document_date"] = (load_answers(existing) or {}).get("document_date")
    answers.setdefault("document_date", None)
    if answers["document_date"] is None:
        answers["document_date"] = dt.date.today().isoformat()
    profile = validate(resolve(answers, catalog), catalog, source=str(profile_path))
    if not existing.is_file():
        if dest.is_dir() and any(dest.iterdir()):
            raise DestinationError(f"{dest} is not empty and holds no coop.yml: it is not a co-op coopkit made, so the "
                                   f"cohort leaves it as it is. Move that folder away (or rename {profile_path.name}), "
                                   "then run the cohort again.")
        api.new(profile, dest, overlay=cohort.overlay, base_dir=profile_path.parent.resolve(),
                catalog=catalog, workers=1)
        return "created"
    atomic_write(existing, dump_profile(profile))  # leaves an unchanged coop.yml alone
    report: dict = {}
    api.render(dest, overlay=cohort.overlay, workers=1, report=report)
    return "unchanged" if not report.get("ran") and report.get("platform") == "unchanged" else "updated"


# ── the dashboard ────────────────────────────────────────────────────────────────────────────

def progress_template(steps: list[Any]) -> str:
    lines = ["# Registration progress: change false to true as each step is done; `coopkit cohort` shows it.",
             "# registered_on: the day the registrar registered the co-op (YYYY-MM-DD), once it has.",
             "registered_on: null", "steps:"]
    lines += [f"  {step.id}: false  # {step.title}" for step in steps]
    return "\n".join(lines) + "\n"


def dashboard_row(dest: Path, today: dt.date | None = None) -> dict[str, Any]:
    """One co-op as the dashboard shows it (also writes DEST/progress.yml the first time)."""
    from . import api
    from .catalog import Catalog
    from .handbook_plan import compliance

    today = today or dt.date.today()
    catalog = Catalog()
    profile = api.load_profile(dest / "coop.yml", catalog=catalog, draft=True)
    form = catalog.jurisdiction(profile.jurisdiction).form(profile.legal_form)
    steps = form.registration.steps if getattr(form, "registration", None) else []
    progress_path = dest / PROGRESS_FILE
    if not progress_path.is_file():
        atomic_write(progress_path, progress_template(steps))
    progress = read_yaml_file(progress_path) or {}
    ticked = progress.get("steps") or {} if isinstance(progress, dict) else {}
    done = [s.id for s in steps if ticked.get(s.id) is True]
    registered = progress.get("registered_on") if isinstance(progress, dict) else None
    if isinstance(registered, str):
        registered = dt.date.fromisoformat(registered)
    start = profile.document_date or today
    estimated = not isinstance(registered, dt.date)
    on = registered if isinstance(registered, dt.date) else start + dt.timedelta(days=sum(s.duration_days for s in steps))
    try:
        rows = compliance(profile, form.id, catalog.handbook, on)["rows"]
    except CoopkitError:
        rows = []
    upcoming = [r for r in rows if r["date"] >= today][:3]
    findings = api.check(dest)
    problems = len(findings.law) + len(findings.coverage) + len(findings.outputs) + len(getattr(findings, "documents", []))
    return {
        "name": profile.name, "jurisdiction": profile.jurisdiction, "form": form.name,
        "check": "ok" if findings.ok else f"{problems} problem(s)", "check_ok": findings.ok,
        "documents": sorted(p.relative_to(dest).as_posix() for p in (dest / "legal").glob("*.pdf")),
        "handbook": "handbook/handbook.pdf" if (dest / "handbook" / "handbook.pdf").is_file() else "",
        "deadlines": [{"what": r["id"].replace("_", " "), "date": r["date"].isoformat(), "cite": r.get("cite", ""),
                       "estimated": estimated} for r in upcoming],
        "registration": {"done": done, "total": len(steps), "registered_on": None if estimated else on.isoformat()},
    }


def write_dashboard(cohort: Cohort, results: list[Result]) -> None:
    rows = []
    for r in results:
        folder = os.path.relpath(r.dest, cohort.output)
        if not r.ok:
            rows.append(f"<tr class=failed><th>{_e(r.id)}</th><td colspan=5><strong>failed</strong> (exit "
                        f"{r.exit_code}): <pre>{_e(r.error)}</pre></td></tr>")
            continue
        row = r.row
        docs = " ".join(f'<a href="{_e(folder)}/{_e(d)}">{_e(Path(d).stem)}</a>' for d in row["documents"])
        if row["handbook"]:
            docs += f' <a href="{_e(folder)}/{_e(row["handbook"])}">handbook</a>'
        deadlines = "<br>".join(f'{_e(d["date"])}{"*" if d["estimated"] else ""} {_e(d["what"])} '
                                f'<small>({_e(d["cite"])})</small>' for d in row["deadlines"]) or "—"
        reg = row["registration"]
        rows.append(
            f"<tr><th>{_e(row['name'])}<br><small>{_e(r.id)} · {_e(r.action)}</small></th>"
            f"<td>{_e(row['jurisdiction'])}<br><small>{_e(row['form'])}</small></td>"
            f"<td class={'ok' if row['check_ok'] else 'bad'}>{_e(row['check'])}</td><td>{docs}</td>"
            f"<td>{deadlines}</td><td>{len(reg['done'])} of {reg['total']}"
            f"{'<br><small>registered ' + _e(reg['registered_on']) + '</small>' if reg['registered_on'] else ''}</td></tr>")
    failed = sum(1 for r in results if not r.ok)
    page = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{_e(cohort.name)}: co-ops</title>
<style>body{{font-family:sans-serif;margin:2em}}table{{border-collapse:collapse;width:100%}}
th,td{{border:1px solid #ccc;padding:.4em;text-align:left;vertical-align:top}}.ok{{color:#060}}.bad,.failed{{color:#a00}}
pre{{white-space:pre-wrap;margin:0}}</style></head><body>
<h1>{_e(cohort.name)}</h1>
<p>{len(results)} co-ops; {len(results) - failed} written, {failed} failed. Made by coopkit; every document is a
template to review with a lawyer. * a deadline estimated from the typical registration time (tick
<code>registered_on</code> in the co-op's progress.yml once registered).</p>
<table><thead><tr><th>co-op</th><th>jurisdiction</th><th>check</th><th>documents</th>
<th>next statutory deadlines</th><th>registration steps done</th></tr></thead><tbody>
{chr(10).join(rows)}
</tbody></table></body></html>
"""
    atomic_write(cohort.output / "index.html", page)
    atomic_write(cohort.output / "cohort.json", json.dumps(
        {"name": cohort.name, "coops": [asdict(r) for r in results], "failed": failed}, indent=2, ensure_ascii=False) + "\n")


def _e(value: Any) -> str:
    return html.escape(str(value), quote=True)


# ── the whole cohort ─────────────────────────────────────────────────────────────────────────

def _worker(cohort: Cohort, profile: Path) -> Result:
    return build_one(cohort, profile)


def run_cohort(cohort: Cohort, *, workers: int | None = None,
               progress: Callable[[Result], None] | None = None) -> list[Result]:
    """Build every co-op, `workers` at a time (default: one per core); results in the profiles' order."""
    import multiprocessing

    from .catalog import Catalog
    from .scaffold import bundled_template_repo

    cohort.output.mkdir(parents=True, exist_ok=True)
    workers = max(1, min(workers or os.cpu_count() or 1, len(cohort.profiles)))
    bundled_template_repo(Catalog().templates / "platform")  # the template cache, once, before the workers share it
    results: dict[Path, Result] = {}
    if workers == 1:
        for profile in cohort.profiles:
            results[profile] = build_one(cohort, profile)
            if progress:
                progress(results[profile])
    else:
        with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork")) as pool:
            futures: dict[Future[Result], Path] = {pool.submit(_worker, cohort, p): p for p in cohort.profiles}
            for future in as_completed(futures):
                profile = futures[future]
                try:
                    results[profile] = future.result()
                except Exception as error:  # the worker itself died
                    results[profile] = Result(profile.stem, str(profile), str(cohort.output / profile.stem), ok=False,
                                              error=f"the worker stopped ({error})", exit_code=70)
                if progress:
                    progress(results[profile])
    ordered = [results[p] for p in cohort.profiles]
    write_dashboard(cohort, ordered)
    return ordered
