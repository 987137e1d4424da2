"""The platform's first copy takes coopkit's faster copier worker (each templated string compiled once,
no `git config` per file) and writes exactly what `copier.run_copy` writes: same files, same bytes, same
modes. If a copier upgrade removes the hooks it relies on, the first test says so instead of coopkit
silently going back to the slow path."""
from __future__ import annotations

from pathlib import Path

import copier
import pytest

from conftest import EXAMPLE, ROOT
from coopkit import api, scaffold
from coopkit.run import Run


def tree(root: Path) -> dict[str, tuple[bytes, int]]:
    return {p.relative_to(root).as_posix(): (p.read_bytes(), p.stat().st_mode)
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def platform_data():
    run = Run.create(api.load_profile(EXAMPLE))
    bundled = run.catalog.templates / "platform"
    repo, tag = scaffold.bundled_template_repo(bundled)
    data = scaffold.template_data(scaffold.declared_questions(bundled), dict(run.context),
                                  "Rules of Pedal Power", "# Rules\n\nA 'quoted' {{ not code }} line.\n")
    return str(repo), tag, data


def test_the_installed_copier_has_the_hooks_of_the_fast_first_copy():
    assert scaffold._first_copy_worker() is not None


def test_fast_first_copy_writes_what_copier_run_copy_writes(tmp_path, platform_data, monkeypatch):
    repo, tag, data = platform_data
    monkeypatch.setenv("COOPKIT_CACHE", str(tmp_path / "cache"))  # only this test's compiled templates
    scaffold._copier_copy(copier, repo, tmp_path / "fast", data, tag, False)
    stored = set(scaffold.cache_dir().rglob("*.bytecode"))
    templates = list((ROOT / "templates" / "platform" / "template").rglob("*.jinja"))
    assert len(stored) == len(templates) > 0  # the template's files, compiled once for the copies to come
    scaffold._copier_copy(copier, repo, tmp_path / "fast-again", data, tag, False)  # from the stored code
    assert set(scaffold.cache_dir().rglob("*.bytecode")) == stored
    calls = []
    real_run_copy = copier.run_copy
    monkeypatch.setattr(copier, "run_copy", lambda *a, **k: calls.append(1) or real_run_copy(*a, **k))
    monkeypatch.setattr(scaffold, "_first_copy_worker", lambda: None)
    scaffold._copier_copy(copier, repo, tmp_path / "plain", data, tag, False)
    assert calls == [1]  # the comparison really ran copier's own copy
    plain = tree(tmp_path / "plain")
    assert len(plain) > 150
    for fast in (tree(tmp_path / "fast"), tree(tmp_path / "fast-again")):
        assert fast.keys() == plain.keys()
        assert [name for name in plain if fast[name] != plain[name]] == []
    assert "Rules of Pedal Power" in (tmp_path / "fast" / ".copier-answers.yml").read_text(encoding="utf-8")


def _make_template_repo(_: int) -> tuple[str, str]:
    from coopkit.catalog import Catalog

    repo, tag = scaffold.bundled_template_repo(Catalog().templates / "platform")
    return str(repo), tag


def test_processes_that_share_a_fresh_cache_make_the_template_repository_once(tmp_path, monkeypatch):
    """Two `coopkit new` at once (or the web interview serving two founders) on a user's empty cache: both
    get the same tagged repository, and neither fails on the other's half-made one."""
    import multiprocessing
    import subprocess

    monkeypatch.setenv("COOPKIT_CACHE", str(tmp_path / "cache"))
    with multiprocessing.get_context("fork").Pool(4) as pool:
        made = pool.map(_make_template_repo, range(8))
    assert len(set(made)) == 1
    repo, tag = made[0]
    tags = subprocess.run(["git", "tag", "--list"], cwd=repo, capture_output=True, text=True, check=True).stdout.split()
    assert tags == [tag]
    assert subprocess.run(["git", "status", "--porcelain"], cwd=repo, capture_output=True, text=True).stdout == ""
