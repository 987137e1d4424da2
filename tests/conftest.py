"""Shared fixtures: the catalog, profiles, and running the real console script."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "pedal-power.yml"
COOPKIT = Path(sys.executable).with_name("coopkit")


@pytest.fixture(scope="session", autouse=True)
def _isolated_cache(tmp_path_factory, worker_id):
    """coopkit keeps the platform template repository in a cache; tests use their own, one for the whole
    test run (every xdist worker shares it, as concurrent coopkit processes share a user's cache), so a
    co-op made by one worker has the bytes another worker makes (copier records the template's path)."""
    base = tmp_path_factory.getbasetemp()
    cache = (base if worker_id == "master" else base.parent) / "coopkit-cache"
    cache.mkdir(exist_ok=True)
    old = os.environ.get("COOPKIT_CACHE")
    os.environ["COOPKIT_CACHE"] = str(cache)
    yield cache
    if old is None:
        os.environ.pop("COOPKIT_CACHE", None)
    else:
        os.environ["COOPKIT_CACHE"] = old


@pytest.fixture(scope="session")
def example_coop(tmp_path_factory, worker_id) -> tuple[Path, str]:
    """The example co-op as `coopkit new --answers examples/pedal-power.yml DEST` writes it, and what the
    command printed: made once per test run, by the first test worker that asks (the others wait for it).
    Tests read it; a test that changes files works on a copy (`shutil.copytree(..., symlinks=True)`)."""
    import fcntl

    shared = tmp_path_factory.getbasetemp() if worker_id == "master" else tmp_path_factory.getbasetemp().parent
    dest, printed = shared / "example-coop" / "coop", shared / "example-coop" / "stdout.txt"
    with open(shared / "example-coop.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not printed.is_file():
            shutil.rmtree(dest.parent, ignore_errors=True)  # what a worker that failed here left
            dest.parent.mkdir()
            result = run_coopkit("new", "--answers", str(EXAMPLE), str(dest))
            assert result.returncode == 0, result.stderr
            printed.write_text(result.stdout, encoding="utf-8")
    return dest, printed.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def catalog():
    from coopkit.catalog import Catalog

    return Catalog()


def script_env(env: dict | None = None) -> dict:
    """The environment for a coopkit process: this one's, plus `env`. Python may keep the bytecode it
    compiles (an installed package has it; a shell with PYTHONDONTWRITEBYTECODE set would otherwise
    make every run compile coopkit's modules again, about a quarter of a second each time)."""
    base = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return {**base, **(env or {})}


def run_coopkit(*args: str, cwd: Path | None = None, input: str | None = None, env: dict | None = None):
    """Run the installed console script, as a founder would."""
    return subprocess.run([str(COOPKIT), *args], cwd=cwd, input=input, capture_output=True, text=True,
                          env=script_env(env), timeout=600)


def write_profile(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def founders(n: int, member_class: str = "worker") -> list[dict]:
    return [{"name": f"Founder {i}", "email": f"founder{i}@example.org", "member_class": member_class}
            for i in range(1, n + 1)]


def pdf_text(path: Path, first: int | None = None, last: int | None = None) -> str:
    """The text a reader copies out of the PDF (poppler's pdftotext, which reads every font encoding
    WeasyPrint writes; .ci/run installs poppler-utils)."""
    pages = [*(["-f", str(first)] if first else []), *(["-l", str(last)] if last else [])]
    done = subprocess.run(["pdftotext", "-enc", "UTF-8", *pages, str(path), "-"], capture_output=True, text=True,
                          check=True)
    return done.stdout
