"""The platform: the bundled copier template (or an incubator's own copier / cookiecutter template)
rendered into DEST/platform, then `git init` with one reproducible initial commit.

copier's `update` needs a git-tracked template, so the bundled template is committed into a
template repository in coopkit's cache, one tag per template version; `coopkit render` updates
projects from it and keeps the co-op's own commits.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from . import __version__
from .errors import RenderError, UsageError

_FIXED_DATE = "2000-01-01T00:00:00+00:00"


def cache_dir() -> Path:
    from .cache import cache_root

    return cache_root()


def _git(args: list[str], cwd: Path, date: str = _FIXED_DATE) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "coopkit", "GIT_AUTHOR_EMAIL": "coopkit@localhost",
           "GIT_COMMITTER_NAME": "coopkit", "GIT_COMMITTER_EMAIL": "coopkit@localhost",
           "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date, "GIT_CONFIG_NOSYSTEM": "1",
           "GIT_TERMINAL_PROMPT": "0"}
    try:
        done = subprocess.run(["git", "-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false",
                               "-c", "core.autocrlf=false", *args],
                              cwd=cwd, env=env, capture_output=True, text=True, check=True)
    except FileNotFoundError:
        raise RenderError("git is not installed; coopkit needs it to create the platform repository. "
                          "Install git and try again.") from None
    except subprocess.CalledProcessError as exc:
        raise RenderError(f"git {' '.join(args)} failed in {cwd}: {exc.stderr.strip()}") from None
    return done.stdout.strip()


def _tree_digest(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:10]


def bundled_template_repo(template: Path) -> tuple[Path, str]:
    """The bundled template committed into the cache repository; returns (repo, tag).

    Several coopkit processes may share the cache (two `coopkit new` at once, the web interview serving
    two founders, a cohort's workers): the repository is checked and written by one at a time."""
    tag = f"v{__version__}+t{_tree_digest(template)}"
    repo = cache_dir() / "platform-template"
    repo.parent.mkdir(parents=True, exist_ok=True)
    with open(repo.parent / "platform-template.lock", "a") as lock:
        _lock_exclusive(lock)
        return _bundled_template_repo(template, repo, tag)


def _lock_exclusive(handle: Any) -> None:
    """An exclusive lock on an open file, released when it is closed (no lock where fcntl is missing)."""
    try:
        import fcntl
    except ImportError:  # not POSIX: one process at a time is the user's to keep
        return
    fcntl.flock(handle, fcntl.LOCK_EX)


def _bundled_template_repo(template: Path, repo: Path, tag: str) -> tuple[Path, str]:
    if not (repo / ".git").is_dir():
        repo.mkdir(parents=True, exist_ok=True)
        _git(["init", "-q"], repo)
    if tag in _git(["tag", "--list", tag], repo).split():
        return repo, tag
    for child in repo.iterdir():
        if child.name != ".git":
            shutil.rmtree(child) if child.is_dir() else child.unlink()
    shutil.copytree(template, repo, dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "verify"))
    _git(["add", "-A"], repo)
    if _git(["status", "--porcelain"], repo):
        _git(["commit", "-q", "-m", f"coopkit platform template {tag}"], repo)
    _git(["tag", tag], repo)
    return repo, tag


def _from_bundled(source: str, version: str) -> bool:
    """The answers of a platform made from coopkit's bundled template, in some coopkit cache folder: the
    folder is named platform-template and the version is one `bundled_template_repo` tags (v<coopkit>+t<hash>)."""
    return Path(source).name == "platform-template" and version.startswith("v") and "+t" in version


def _point_at(platform: Path, answers_file: Path, source: str, repo: Path, date: dt.date) -> None:
    """Record this machine's cache repository as the template's source (copier reads it from the answers
    file), in a commit of its own so copier finds the project clean."""
    text = answers_file.read_text(encoding="utf-8")
    lines = [f"_src_path: {repo}" if line.startswith("_src_path:") else line for line in text.splitlines()]
    answers_file.write_text("\n".join(lines) + ("\n" if text.endswith("\n") else ""), encoding="utf-8")
    _git(["add", ".copier-answers.yml"], platform)
    _git(["commit", "-q", "-m", f"Take the platform template from this machine's coopkit cache (was {source})"],
         platform, date.isoformat() + "T12:00:00+00:00")


def template_kind(path: Path) -> str:
    if (path / "copier.yml").is_file() or (path / "copier.yaml").is_file():
        return "copier"
    if (path / "cookiecutter.json").is_file():
        return "cookiecutter"
    raise UsageError(f"--platform-template {path}: neither a copier template (copier.yml) nor a "
                     "cookiecutter template (cookiecutter.json).")


def declared_questions(template: Path) -> dict[str, str]:
    """The variables a copier or cookiecutter template declares, with their copier type
    ("str" for cookiecutter and untyped questions)."""
    import json

    import yaml

    for name in ("copier.yml", "copier.yaml"):
        if (template / name).is_file():
            spec = yaml.safe_load((template / name).read_text(encoding="utf-8")) or {}
            return {k: (v.get("type", "str") if isinstance(v, dict) else "str")
                    for k, v in spec.items() if not k.startswith("_")}
    data = json.loads((template / "cookiecutter.json").read_text(encoding="utf-8"))
    return {k: "str" for k in data if not k.startswith("_")}


def template_data(declared: dict[str, str], context: dict, rules_title: str, rules_markdown: str) -> dict[str, Any]:
    """Values for the variables a template declares, and only those (the others keep the template's
    own defaults). The bundled template's contract is in templates/platform/README.md: `coop` (the
    profile), `full_name`, `sector` (id, name, vocabulary), `rules_title`, `rules_markdown`. Any other
    declared name is looked up among the profile's fields, then the sector's vocabulary."""
    sector = context["sector"]
    vocabulary = context["vocab"].model_dump(exclude={"i18n"})  # in the co-op's language where the sector has it
    known = {"coop": context["coop"], "full_name": context["full_name"], "rules_title": rules_title,
             "rules_markdown": rules_markdown, "vocabulary": vocabulary, **vocabulary, **context["coop"]}
    data = {}
    for name, kind in declared.items():
        if name == "sector" and kind in ("yaml", "json"):
            data[name] = {"id": sector.id, "name": sector.name, "vocabulary": vocabulary}
        elif name in known:
            data[name] = known[name]
    return data


def generate_platform(dest: Path, *, bundled: Path, context: dict, rules_title: str, rules_markdown: str,
                      template: Path | None = None, trust: bool = False) -> dict[str, str]:
    """Render the platform into `dest` (which must not exist) and commit it. Returns its provenance."""
    import copier

    date = context["document_date"]
    if template is None:
        repo, tag = bundled_template_repo(bundled)
        data = template_data(declared_questions(bundled), context, rules_title, rules_markdown)
        _copier_copy(copier, str(repo), dest, data, tag, trust)
        provenance = {"template": "bundled", "version": tag}
    else:
        template = Path(template).expanduser().resolve()
        if not template.is_dir():
            raise UsageError(f"--platform-template {template}: no such folder.")
        data = template_data(declared_questions(template), context, rules_title, rules_markdown)
        if template_kind(template) == "copier":
            _copier_copy(copier, str(template), dest, data, None, trust)
            provenance = {"template": str(template), "version": _answered_commit(dest) or "untagged"}
        else:
            _cookiecutter(template, dest, data, trust)
            provenance = {"template": str(template), "version": "cookiecutter"}
    _commit_initial(dest, date)
    return provenance


def _answered_commit(project: Path) -> str | None:
    """The template version copier recorded in the project's answers file."""
    import yaml

    answers = project / ".copier-answers.yml"
    if not answers.is_file():
        return None
    return (yaml.safe_load(answers.read_text(encoding="utf-8")) or {}).get("_commit")


def _first_copy_worker() -> Any:
    """copier's worker with two costs of a *first* copy removed; the files it writes are the same
    (tests/test_scaffold_fast.py compares the trees). None when this copier lacks the hooks, and
    then `copier.run_copy` is used as it is.

    - copier compiles every templated path part and the answers file's name each time it meets
      them (about 1,700 Jinja compilations for the bundled template's 250 files): here each
      distinct string is compiled once per copy, and each template file's code is kept in coopkit's cache
      folder (render.StoredBytecode) for the next copy;
    - after each file copier runs `git config core.fileMode` to keep the executable bit of a file
      *tracked* by git in step (one subprocess per file). The destination of a first copy does not
      exist yet, so none of its files is tracked and copier's own method does nothing: skip it.
    """
    from functools import cached_property

    try:
        from copier._main import Worker
    except ImportError:
        return None
    if not (isinstance(Worker.__dict__.get("jinja_env"), cached_property)
            and callable(getattr(Worker, "_sync_git_index_executable_bit", None))):
        return None

    class FirstCopyWorker(Worker):
        @cached_property
        def jinja_env(self) -> Any:
            from .render import StoredBytecode

            env = Worker.jinja_env.func(self)  # type: ignore[attr-defined]
            env.bytecode_cache = StoredBytecode()  # the template's files compiled once, not in every copy
            compile_string, compiled = env.from_string, {}

            def from_string(source: Any, globals: Any = None, template_class: Any = None) -> Any:
                if globals is not None or template_class is not None or not isinstance(source, str):
                    return compile_string(source, globals, template_class)
                if source not in compiled:
                    compiled[source] = compile_string(source)
                return compiled[source]

            env.from_string = from_string
            return env

        def _sync_git_index_executable_bit(self, dst_relpath: Path, src_mode: int) -> None:
            return None

    return FirstCopyWorker


def _copier_copy(copier, src: str, dest: Path, data: dict, ref: str | None, trust: bool) -> None:
    worker = None if dest.exists() else _first_copy_worker()
    try:
        if worker is None:
            copier.run_copy(src, str(dest), data=data, vcs_ref=ref, defaults=True, overwrite=True,
                            unsafe=trust, quiet=True, cleanup_on_error=True)
        else:
            with worker(src_path=src, dst_path=dest, data=data, vcs_ref=ref, defaults=True, overwrite=True,
                        unsafe=trust, quiet=True, cleanup_on_error=True) as copy:
                copy.run_copy()
    except copier.errors.UnsafeTemplateError as exc:
        raise UsageError(f"The platform template wants to run its own tasks or extensions ({exc}). "
                         "Review the template, then pass --trust to allow it.") from None
    except copier.errors.CopierError as exc:
        raise RenderError(f"copier could not render the platform template: {exc}") from None


def _cookiecutter(template: Path, dest: Path, data: dict, trust: bool) -> None:
    import json

    from cookiecutter.exceptions import CookiecutterException
    from cookiecutter.main import cookiecutter

    context = {k: (v if isinstance(v, (str, dict, list)) else json.dumps(v) if v is not None else "")
               for k, v in data.items()}
    with tempfile.TemporaryDirectory(prefix="coopkit-cookiecutter-") as work:
        work_path = Path(work)
        config = work_path / "config.yml"
        config.write_text(f"cookiecutters_dir: {work_path / 'cc'}\nreplay_dir: {work_path / 'replay'}\n")
        out = work_path / "out"
        out.mkdir()
        try:
            project = Path(cookiecutter(str(template), no_input=True, extra_context=context,
                                        output_dir=str(out), accept_hooks=trust, config_file=str(config)))
        except CookiecutterException as exc:
            raise RenderError(f"cookiecutter could not render the platform template: {exc}") from None
        project = project.resolve()
        if not project.is_relative_to(out.resolve()) or project == out.resolve():
            raise RenderError("the cookiecutter template tried to write outside its output folder; refused.")
        for path in project.rglob("*"):
            if path.is_symlink() and not path.resolve().is_relative_to(project):
                raise RenderError(f"the cookiecutter template made a link out of the project ({path.name}); refused.")
        shutil.move(str(project), str(dest))


def _commit_initial(dest: Path, date: dt.date) -> None:
    stamp = f"{date.isoformat()}T12:00:00+00:00"
    _git(["init", "-q"], dest)
    _git(["add", "-A"], dest)
    _git(["commit", "-q", "--allow-empty", "-m", "Initial platform generated by coopkit"], dest, stamp)


def update_platform(platform: Path, *, bundled: Path, context: dict, rules_title: str, rules_markdown: str,
                    trust: bool = False) -> None:
    """`copier update` the platform with the current profile, from the template it was made from
    (recorded in its .copier-answers.yml); the co-op's own commits are kept."""
    import copier
    import yaml

    answers_file = platform / ".copier-answers.yml"
    if not answers_file.is_file():
        raise UsageError(f"{platform} has no .copier-answers.yml, so it cannot be updated; "
                         "it was not made by coopkit from a copier template.")
    if _git(["status", "--porcelain"], platform):
        raise UsageError(f"{platform} has uncommitted changes. Commit or stash them, then run `coopkit render` again.")
    recorded = yaml.safe_load(answers_file.read_text(encoding="utf-8")) or {}
    source, version = str(recorded.get("_src_path", "")), str(recorded.get("_commit", ""))
    repo = cache_dir() / "platform-template"
    if Path(source) == repo or _from_bundled(source, version):
        _, ref = bundled_template_repo(bundled)  # make sure this coopkit's template version is there
        template = bundled
        if Path(source) != repo:  # made on another machine, by another user or with another cache folder
            _point_at(platform, answers_file, source, repo, context["document_date"])
    else:
        ref, template = None, Path(source)
        if not template.is_dir():
            raise UsageError(f"The platform was made from the template at {source}, which is not here; "
                             "run `coopkit render` where that template is, or update with copier yourself.")
    data = template_data(declared_questions(template), context, rules_title, rules_markdown)
    try:
        copier.run_update(str(platform), data=data, vcs_ref=ref, defaults=True, overwrite=True,
                          unsafe=trust, quiet=True, conflict="inline", skip_answered=True)
    except copier.errors.CopierError as exc:
        raise RenderError(f"copier could not update the platform: {exc}") from None
    except ValueError as exc:  # copier: a template version recorded in the answers is gone
        raise RenderError(f"copier could not find the template version the platform was made from ({exc}). "
                          "Update it by hand with `copier update`, or re-create it with `coopkit new --force`.") from None
    if _git(["status", "--porcelain"], platform):
        _git(["add", "-A"], platform)
        _git(["commit", "-q", "-m", "Update the platform from coop.yml and the template (coopkit render)"],
             platform, context["document_date"].isoformat() + "T12:00:00+00:00")
