"""The command line: flags → api calls, and one place where errors become messages and exit codes."""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from . import __version__, interrupt
from .errors import CheckFailed, CoopkitError
from .run import BUILDS


class _LazyApi:
    """coopkit.api, imported on first use: `coopkit render` with nothing to do never loads it."""

    def __getattr__(self, name: str):
        from . import api as module

        return getattr(module, name)


api = _LazyApi()


class _Group(click.Group):
    """Catches coopkit's errors once, for every command: a message for people, never a traceback
    (unless --debug)."""

    def invoke(self, ctx: click.Context):
        interrupt.install_handler()
        try:
            return super().invoke(ctx)
        except CoopkitError as error:
            if ctx.params.get("debug"):
                raise
            click.echo(f"coopkit: {error}", err=True)
            ctx.exit(error.exit_code)
        except KeyboardInterrupt:
            click.echo("\ncoopkit: interrupted; nothing was written.", err=True)
            ctx.exit(130)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="coopkit")
@click.option("--debug", is_flag=True, help="Show the full traceback of an error.")
def main(debug: bool) -> None:
    """Start a platform co-operative: its platform, legal documents and handbook, from one profile."""


_answers = click.option("--answers", "answers_file", type=click.Path(dir_okay=False, path_type=Path),
                        help="A profile (coop.yml) or answers file to start from.")
_set = click.option("--set", "sets", multiple=True, metavar="KEY=VALUE",
                    help="Set one answer, e.g. --set governance.quorum_percent=30 (repeatable; wins over --answers).")
_defaults = click.option("--defaults", is_flag=True, help="Ask nothing: take the default of every unanswered question.")
_draft = click.option("--draft", is_flag=True, help="Allow fewer founders than the law requires; every document says DRAFT.")
_build = click.option("--build", type=click.Choice(BUILDS), default="review", show_default=True,
                      help="review: notes, citations and flags for your lawyer; final: clean text with signature blocks.")
_overlay = click.option("--overlay", type=click.Path(file_okay=False, path_type=Path),
                        help="An incubator's folder of chapters, clauses, CSS and logo that replace or add to coopkit's.")
_force = click.option("--force", is_flag=True, help="Replace the output folder if it exists and is not empty.")
_interactive = click.option("--interactive/--no-interactive", default=None,
                            help="Ask questions (default: only when a person is at the terminal).")


def _format_option(choices: tuple[str, ...]):
    """`--format docx --format pdf` (repeatable) or `--format all` (the default): the files to write."""
    return click.option("--format", "formats", multiple=True, type=click.Choice([*choices, "all"]),
                        help=f"Write only these formats (repeatable): {', '.join(choices)}, or all (default).")


def _formats(values: tuple[str, ...], choices: tuple[str, ...]) -> tuple[str, ...]:
    return choices if not values or "all" in values else tuple(c for c in choices if c in values)


_workers = click.option("--workers", type=click.IntRange(1), metavar="N",
                        help="PDFs rendered at once, each in its own process (default: one per core; 1 keeps "
                             "coopkit to one core, beside other work).")


def _answer_options(command):
    """The options that say where the answers come from (new, legal, handbook)."""
    for option in reversed((_answers, _set, _defaults, _draft, _overlay, _interactive)):
        command = option(command)
    return command


def _interactive_default(interactive):
    return sys.stdin.isatty() and sys.stdout.isatty() if interactive is None else interactive


def _profile(answers_file, sets, defaults, draft, interactive):
    return api.build_profile(answers_file=answers_file, sets=sets, defaults=defaults,
                             interactive=_interactive_default(interactive), draft=draft)


@main.command()
@click.argument("dest", type=click.Path(path_type=Path), default=Path("my-coop"))
@_answer_options
@_build
@_force
@click.option("--platform-template", type=click.Path(file_okay=False, path_type=Path),
              help="Your own copier or cookiecutter template for the platform, instead of coopkit's.")
@click.option("--trust", is_flag=True, help="Let the platform template run its own hooks or tasks.")
@click.option("--resume", "resume_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Continue an interview that stopped, from the resume file it printed.")
@click.option("--lang", help="Language of the interview: en, pt-BR, es, de or fr (default: from the locale).")
@_workers
def new(dest, answers_file, sets, defaults, draft, build, overlay, interactive, force, platform_template, trust,
        resume_file, lang, workers):
    """Ask about the co-op (or read --answers), then write DEST: coop.yml, platform/, legal/, handbook/."""
    from .interview import Interview, given_answers, resume_path_for

    api.check_destination(dest, force)  # before asking anything, so no answer is typed in vain
    asking = _interactive_default(interactive)
    interview = Interview(api.Catalog(), interactive=asking, use_defaults=defaults, language=lang,
                          resume_to=resume_path_for(dest), resume_from=resume_file, dest=dest)
    timings = api.Timings()
    try:
        profile = api.build_profile(answers_file=answers_file, sets=sets, defaults=defaults, interactive=asking,
                                    draft=draft or defaults, interview=interview)
        if defaults and not draft:  # a script's co-op: what --defaults filled in (sample founders, no address)
            draft = _defaults_draft(profile, interview, given_answers(answers_file, sets, resume_file))
        manifest = api.new(profile, dest, force=force, build=build, draft=draft,
                           overlay=overlay, platform_template=platform_template, trust=trust,
                           base_dir=_folder(answers_file), timings=timings, workers=workers)
    except CoopkitError as error:
        if interview.interactive:  # keep what the founders typed
            interview.keep_on(error)
        raise
    except KeyboardInterrupt:
        raise _stopped(interview, None) from None
    except OSError as error:  # the disk, not the founders: one message, the answers kept
        raise _stopped(interview, error) from None
    except Exception:  # a bug in coopkit: its traceback, but the founders' answers are kept first
        if interview.interactive and interview.resume_saved is None and interview.state.answers:
            click.echo(interview.words.ui("resume_saved", path=interview.save(), dest=dest), err=True)
        raise
    for done in {resume_file, interview.resume_saved} - {None}:
        done.unlink(missing_ok=True)  # the co-op is written: nothing left to resume
    _summary(dest, manifest, sum(timings.values()))


def _defaults_draft(profile, interview, given: dict) -> bool:
    """Under --defaults, a co-op is a DRAFT when only what coopkit filled in falls short of the law (sample
    founders, an address nobody gave); a shortfall in an answer the founders gave themselves is refused."""
    from .errors import ProfileError
    from .profile import law_problems

    def answered(problem) -> bool:
        top = problem.field.split(".")[0].split("[")[0]
        top = "founders" if top == "founders_count" else top
        return top in given and not (top == "founders" and interview.samples_used)

    draftable = [p for p in law_problems(profile, interview.catalog) if p.draftable]
    refused = [p for p in draftable if answered(p)]
    if refused:
        raise ProfileError(refused, "the answers")
    return interview.samples_used or bool(draftable)


def _stopped(interview, error: OSError | None) -> CoopkitError:
    """Ctrl-C or an OS error while writing: a message, the exit code, and the answers kept."""
    from .errors import RenderError
    from .interview import Interrupted

    if error is None:
        stopped: CoopkitError = Interrupted("interrupted; nothing was written.")
    else:
        where = f" {error.filename}" if error.filename else ""
        stopped = RenderError(f"could not write{where}: {error.strerror or error}; nothing was written.")
    if interview.interactive:
        interview.keep_on(stopped)
    return stopped


@main.command()
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path), default=Path("."))
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True, help="Port on 127.0.0.1.")
@click.option("--lang", help="Language of the interview: en, pt-BR, es, de or fr (default: from the locale).")
@click.option("--no-browser", is_flag=True, help="Do not open a browser; print the address only.")
def web(folder, port, lang, no_browser):
    """The interview in your browser, on this computer only (http://127.0.0.1:PORT). Co-ops are
    written into FOLDER; answers are kept in FOLDER/.coopkit-web/ and survive a reload."""
    from .errors import UsageError
    from .interview import interview_language
    from .web import serve

    interview_language(lang)  # an unknown --lang is refused before the server starts
    if not folder.exists():
        if not folder.parent.exists():
            raise UsageError(f"{folder.parent} does not exist. Create it first, or choose another folder.")
        folder.mkdir()
    if not os.access(folder, os.W_OK | os.X_OK):
        raise UsageError(f"{folder} cannot be written (permission denied). Choose a folder you can write to.")
    click.echo(f"coopkit web: open http://127.0.0.1:{port}/ (Ctrl-C to stop). Co-ops are written into {folder.resolve()}.")
    serve(folder, port=port, language=lang, open_browser=not no_browser)


@main.command()
@click.argument("dest", type=click.Path(exists=True, file_okay=False, path_type=Path), default=Path("."))
@_draft
@_build
@_overlay
@click.option("--trust", is_flag=True, help="Let the platform template run its own hooks or tasks.")
@click.option("--force", is_flag=True, help="Replace output files that were changed by hand since coopkit wrote them.")
@_workers
def render(dest, draft, build, overlay, trust, force, workers):
    """Bring legal/, handbook/ and platform/ up to date with DEST/coop.yml: only what changed is rendered."""
    from .pipeline import render_pipeline
    from .run import Timings

    timings = Timings()
    report: dict = {}
    manifest = render_pipeline(dest, build=build, draft=draft, overlay=overlay, trust=trust, timings=timings,
                               report=report, force=force, workers=workers)
    if not report["ran"] and report["platform"] == "unchanged":
        click.echo(f"{dest}/ is up to date with coop.yml: nothing to render ({sum(timings.values()):.2f} s).")
        return
    click.echo(f"Rendered {', '.join(report['ran']) or 'nothing'}; {len(report['written'])} file(s) changed, "
               f"{len(report['skipped'])} output(s) already up to date; platform {report['platform']}.")
    _summary(dest, manifest, sum(timings.values()))


@main.command()
@click.argument("dest", type=click.Path(exists=True, file_okay=False, path_type=Path), default=Path("."))
@click.option("--date", help="Date of the amendment, YYYY-MM-DD (default: today, or SOURCE_DATE_EPOCH).")
@click.option("--force", is_flag=True, help="Replace an amendment folder of the same date.")
def amend(dest, date, force):
    """After an edit of DEST/coop.yml: the redline of the rules (HTML, PDF, Word with tracked changes),
    the special resolution and the notice of meeting, in DEST/legal/amendments/<date>/."""
    from .amend import amend as write_amendment

    written = write_amendment(dest, date=date, force=force)
    if not written:
        click.echo(f"coopkit: {dest}/coop.yml does not change the rules (the edits, if any, are outside them); "
                   "nothing was written. Edit coop.yml, then run `coopkit amend` again.")
        return
    for path in written:
        click.echo(path)
    click.echo(f"Next: send the notice of meeting; once the special resolution passes, run `coopkit render {dest}`.")


@main.command()
@_answer_options
@_build
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path), default=Path("legal"),
              show_default=True, help="Folder to write the documents into.")
@_force
@_format_option(("md", "html", "pdf", "docx"))
def legal(answers_file, sets, defaults, draft, build, overlay, interactive, output, force, formats):
    """Only the legal documents (Markdown, HTML, PDF, Word)."""
    profile = _profile(answers_file, sets, defaults, draft, interactive)
    for path in api.legal(profile, output, build=build, draft=draft, overlay=overlay, profile_dir=_folder(answers_file),
                          force=force, formats=_formats(formats, ("md", "html", "pdf", "docx"))):
        click.echo(path)


@main.command()
@_answer_options
@click.option("--language", help="Language of the handbook (en, pt-BR, es, ca, de, fr, it, nl, da); default: the documents' language.")
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path), default=Path("handbook"),
              show_default=True, help="Folder to write the handbook into.")
@_force
@_format_option(("html", "pdf", "docx"))
def handbook(answers_file, sets, defaults, draft, overlay, interactive, language, output, force, formats):
    """Only the handbook (PDF, HTML and Word)."""
    profile = _profile(answers_file, sets, defaults, draft, interactive)
    for path in api.handbook(profile, output, overlay=overlay, language=language, profile_dir=_folder(answers_file),
                             force=force, formats=_formats(formats, ("html", "pdf", "docx"))):
        click.echo(path)


@main.command()
@click.argument("target", type=click.Path(exists=True, path_type=Path), default=Path("."))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def check(target, fmt):
    """Check a profile (or a folder `coopkit new` wrote) against the law, the statute's list of
    matters, and the manifest. Exit 0 only when everything holds."""
    findings = api.check(target)
    sections = {"law": findings.law, "coverage": findings.coverage, "documents": findings.documents,
                "outputs": findings.outputs}
    if fmt == "json":
        click.echo(json.dumps({"ok": findings.ok, "outputs_checked": findings.outputs_checked,
                               **{k: [p.as_dict() for p in v] for k, v in sections.items()}},
                              indent=2, ensure_ascii=False))
    else:
        titles = {"law": "The profile and the law", "coverage": "Matters the statute requires the rules to cover",
                  "documents": "The documents as a lawyer reads them (placeholders, punctuation, numbers)",
                  "outputs": "The written files against coop.yml and manifest.json"}
        for key, problems in sections.items():
            mark = click.style("ok", fg="green") if not problems else click.style(f"{len(problems)} problem(s)", fg="red")
            if key == "outputs" and not findings.outputs_checked:
                mark = "not checked (give the folder `coopkit new` wrote to check its files)"
            click.echo(f"{titles[key]}: {mark}")
            for problem in problems:
                click.echo(f"  - {problem}")
    if not findings.ok:
        raise CheckFailed("the check found problems (listed above).")


@main.command()
@click.argument("cohort_file", metavar="COHORT.yml", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the co-ops and the dashboard (default: `output` in COHORT.yml, else ./cohort).")
@click.option("--workers", type=click.IntRange(1), help="Co-ops built at once (default: one per core).")
def cohort(cohort_file, output, workers):
    """Build (or bring up to date) every co-op of an incubator's cohort, in parallel, and write the
    dashboard OUTPUT/index.html and OUTPUT/cohort.json. Exit 0 only when every co-op was written."""
    from .cohort import load_cohort, run_cohort

    spec = load_cohort(cohort_file, output)
    with click.progressbar(length=len(spec.profiles), label=f"{spec.name}: {len(spec.profiles)} co-ops",
                           file=sys.stderr) as bar:
        results = run_cohort(spec, workers=workers, progress=lambda result: bar.update(1))
    for result in results:
        mark = click.style("ok", fg="green") if result.ok else click.style("FAILED", fg="red")
        click.echo(f"{mark:>6}  {result.id}: {result.action if result.ok else result.error}")
    failed = [r for r in results if not r.ok]
    click.echo(f"Dashboard: {spec.output / 'index.html'} ({len(results) - len(failed)} written, {len(failed)} failed).")
    if failed:
        raise CoopkitError(f"{len(failed)} of {len(results)} co-ops failed: {', '.join(r.id for r in failed)} "
                           "(errors above and in cohort.json).")


@main.command(name="list")
@click.argument("kind", type=click.Choice(["jurisdictions", "sectors", "documents"]))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def list_(kind, fmt):
    """List the jurisdictions (with their legal forms), sectors or documents coopkit knows."""
    rows = api.list_catalog(kind)
    if fmt == "json":
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    for row in rows:
        if kind == "jurisdictions":
            click.echo(f"{row['id']:<8} {row['name']}\n{'':<8} forms: {', '.join(row['forms'])}")
        elif kind == "sectors":
            click.echo(f"{row['id']:<14} {row['name']} ({row['worker']} / {row['customer']})")
        else:
            click.echo(f"{row['jurisdiction']:<8} {row['form']:<32} {row['filename']}{'-<class>' if row['per_class'] else ''}")


@main.command()
def schema():
    """Print the JSON Schema of coop.yml (for editors: completion and checking)."""
    from .profile import json_schema

    click.echo(json.dumps(json_schema(), indent=2, ensure_ascii=False))


def _folder(answers_file: Path | None) -> Path | None:
    """Paths inside a profile (overlay, logo, platform template) are relative to its folder."""
    return answers_file.parent.resolve() if answers_file else None


def _summary(dest: Path, manifest: dict, seconds: float) -> None:
    files = manifest.get("files", {})
    counts = {part: sum(1 for f in files if f.startswith(part + "/")) for part in ("legal", "handbook", "platform")}
    click.echo(f"Wrote {dest}/ in {seconds:.1f} s: coop.yml, legal/ ({counts['legal']} files), "
               f"handbook/ ({counts['handbook']} files), platform/ ({counts['platform']} files), manifest.json.")
    click.echo(f"Next: read {dest}/README.md. Profile hash {manifest.get('profile_hash', '?')}.")


if __name__ == "__main__":  # pragma: no cover
    main()
