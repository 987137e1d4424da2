"""The generated platform, for real: for every sector, `coopkit new` writes a project whose README
commands install and start it (the home page shows the co-op) and whose own test suite passes in its
own fresh virtual environment; one also runs under PostgreSQL. `coopkit render` updates it with copier
and keeps the co-op's own commits."""
from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from html import escape
from pathlib import Path

import pytest
import yaml

from conftest import EXAMPLE, ROOT, run_coopkit

pytestmark = pytest.mark.slow
SECTORS = ["delivery", "ride-hailing", "home-sharing", "freelance", "care", "cleaning", "marketplace", "stock-media"]


def sh(command: str, cwd: Path, env: dict | None = None, timeout: int = 900) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH", "DJANGO_SETTINGS_MODULE")}
    clean["PATH"] = os.pathsep.join(p for p in clean["PATH"].split(os.pathsep) if not p.startswith(sys.prefix))
    return subprocess.run(["bash", "-c", command], cwd=cwd, capture_output=True, text=True,
                          env={**clean, **(env or {})}, timeout=timeout)


def readme_commands(platform: Path) -> tuple[str, str]:
    """The README's two commands: set up and run with demo data; run the tests."""
    blocks = re.findall(r"```sh\n(.*?)\n```", (platform / "README.md").read_text(), re.S)
    return blocks[0].strip(), blocks[1].strip()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def offline_pip(tmp_path_factory) -> dict:
    """Every platform is installed in its own fresh venv with its README's command. To keep that fast
    and independent of the network's mood, the packages are fetched once into a wheelhouse and pip is
    pointed at it (the command itself is unchanged)."""
    wheelhouse = tmp_path_factory.mktemp("wheelhouse")
    project = generate(tmp_path_factory.mktemp("wheel-source"), "delivery")
    venv = wheelhouse.parent / "pip-venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    done = subprocess.run([str(venv / "bin" / "pip"), "wheel", "-q", "-w", str(wheelhouse), "pip", "setuptools>=69",
                           "wheel", f"{project}[dev,postgres]"], capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    return {"PIP_FIND_LINKS": str(wheelhouse), "PIP_NO_INDEX": "1", "PIP_DISABLE_PIP_VERSION_CHECK": "1"}


def generate(tmp_path: Path, sector: str, *extra: str) -> Path:
    out = tmp_path / sector
    result = run_coopkit("new", "--defaults", "--set", f"name=Fair {sector.title()} Co-op", "--set", f"sector={sector}",
                         "--set", "jurisdiction=gb", "--set", "region=Leeds", "--set",
                         "founders=[{name: Ana Souza, email: ana@example.org}, {name: Ben Okoro, email: ben@example.org},"
                         " {name: Chloé Martin, email: chloe@example.org}]", *extra, str(out))
    assert result.returncode == 0, result.stderr
    return out / "platform"


@pytest.mark.parametrize("sector", SECTORS)
def test_each_sector_platform_starts_and_passes_its_own_tests(tmp_path, sector, offline_pip):
    platform = generate(tmp_path, sector)
    run_demo, run_tests = readme_commands(platform)
    setup, _, serve = run_demo.rpartition(" && ")
    assert serve == "python manage.py runserver"
    done = sh(setup, platform, env=offline_pip)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]

    port = free_port()
    server = subprocess.Popen(["bash", "-c", f". .venv/bin/activate && python manage.py runserver 127.0.0.1:{port} --noreload"],
                              cwd=platform, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        page = ""
        for _ in range(60):
            try:
                page = urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5).read().decode()
                break
            except OSError:
                time.sleep(0.5)
        assert escape(f"Fair {sector.title()} Co-op Limited", quote=False) in page.replace("&#x27;", "'")
        rules_link = re.search(r'href="([^"]*rules[^"]*)"', page)
        assert rules_link, "the home page links to the rules"
        rules = urllib.request.urlopen(f"http://127.0.0.1:{port}{rules_link.group(1)}", timeout=10).read().decode()
        assert "Quorum" in rules and "25%" in rules
        assert "{#" not in rules  # heading ids from the rules Markdown became anchors
    finally:
        server.terminate()
        server.wait(timeout=30)

    tests = sh(f". .venv/bin/activate && {run_tests}", platform)
    assert tests.returncode == 0, tests.stdout[-4000:] + tests.stderr[-2000:]
    assert " passed" in tests.stdout

    deploy = sh(". .venv/bin/activate && python manage.py check --deploy --settings=config.settings.production", platform,
                env={"DJANGO_SECRET_KEY": "x" * 60 + "-not-a-real-key-" + "y" * 20,
                     "DJANGO_ALLOWED_HOSTS": "coop.example.org"})
    assert deploy.returncode == 0 and "no issues" in deploy.stdout, deploy.stdout + deploy.stderr


def test_governance_numbers_come_from_the_profile(tmp_path):
    platform = generate(tmp_path, "care", "--set", "governance.quorum_percent=33.5",
                        "--set", "governance.special_majority_percent=80")
    numbers = yaml.safe_load((platform / "governance" / "governance.yml").read_text())
    flat = str(numbers)
    assert "33.5" in flat and "80" in flat
    assert "Quorum" in (platform / "governance" / "rules.md").read_text()


@pytest.mark.skipif(not os.environ.get("COOPKIT_TEST_DATABASE_URL"),
                    reason="needs a PostgreSQL server: .ci/run starts one and sets COOPKIT_TEST_DATABASE_URL")
def test_one_platform_passes_its_tests_under_postgresql(tmp_path, offline_pip):
    platform = generate(tmp_path, "delivery")
    done = sh("python3 -m venv .venv && .venv/bin/pip install -q -e '.[dev,postgres]'", platform, env=offline_pip)
    assert done.returncode == 0, done.stderr[-3000:]
    tests = sh(".venv/bin/python -m pytest", platform, env={"DATABASE_URL": os.environ["COOPKIT_TEST_DATABASE_URL"]})
    assert tests.returncode == 0, tests.stdout[-4000:] + tests.stderr[-2000:]


def git(*args: str, cwd: Path) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "T", "GIT_AUTHOR_EMAIL": "t@x", "GIT_COMMITTER_NAME": "T",
           "GIT_COMMITTER_EMAIL": "t@x"}
    return subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True).stdout


def test_render_updates_the_platform_with_copier_and_keeps_local_work(tmp_path):
    template = tmp_path / "template"
    shutil.copytree(ROOT / "templates" / "platform", template, ignore=shutil.ignore_patterns("verify", "__pycache__"))
    git("init", "-q", "-b", "main", cwd=template)
    git("add", "-A", cwd=template)
    git("commit", "-q", "-m", "v1", cwd=template)
    git("tag", "v1.0.0", cwd=template)

    profile = tmp_path / "coop.yml"
    profile.write_text(EXAMPLE.read_text())
    out = tmp_path / "coop"
    result = run_coopkit("new", "--answers", str(profile), "--platform-template", str(template), str(out))
    assert result.returncode == 0, result.stderr
    platform = out / "platform"

    (platform / "LOCAL_NOTES.md").write_text("our own notes\n")
    readme = platform / "README.md"
    readme.write_text(readme.read_text() + "\nLocal edit by the co-op.\n")
    git("add", "-A", cwd=platform)
    git("commit", "-q", "-m", "Our own change", cwd=platform)

    (template / "template" / "TEMPLATE_NEWS.md").write_text("A template improvement.\n")
    git("add", "-A", cwd=template)
    git("commit", "-q", "-m", "v1.1", cwd=template)
    git("tag", "v1.1.0", cwd=template)

    coop = out / "coop.yml"
    coop.write_text(coop.read_text().replace("quorum_percent: 25", "quorum_percent: 40"))
    rendered = run_coopkit("render", str(out))
    assert rendered.returncode == 0, rendered.stderr
    assert (platform / "LOCAL_NOTES.md").read_text() == "our own notes\n"
    assert "Local edit by the co-op." in readme.read_text()
    assert (platform / "TEMPLATE_NEWS.md").read_text() == "A template improvement.\n"
    assert "40" in str(yaml.safe_load((platform / "governance" / "governance.yml").read_text()))
    assert "40%" in (out / "legal" / "rules.md").read_text()
    assert "v1.1.0" in (platform / ".copier-answers.yml").read_text()
    check = run_coopkit("check", str(out))
    assert check.returncode == 0, check.stdout + check.stderr


def test_a_cookiecutter_template_gets_the_profile_and_stays_inside_platform(tmp_path):
    template = tmp_path / "cc"
    (template / "{{cookiecutter.slug}}").mkdir(parents=True)
    (template / "cookiecutter.json").write_text('{"slug": "site", "name": "Default", "region": "nowhere", "colour": "red"}')
    (template / "{{cookiecutter.slug}}" / "about.txt").write_text("{{cookiecutter.name}} in {{cookiecutter.region}}, {{cookiecutter.colour}}\n")
    (template / "hooks").mkdir()
    (template / "hooks" / "post_gen_project.py").write_text("open('HOOK_RAN', 'w').write('yes')\n")
    out = tmp_path / "coop"
    result = run_coopkit("new", "--answers", str(EXAMPLE), "--platform-template", str(template), str(out))
    assert result.returncode == 0, result.stderr
    assert (out / "platform" / "about.txt").read_text() == "Pedal Power Couriers in Bristol, red\n"
    assert not (out / "platform" / "HOOK_RAN").exists()  # hooks only with --trust
    assert sorted(p.name for p in out.iterdir()) == ["README.md", "coop.yml", "handbook", "legal", "manifest.json",
                                                      "platform"]
    trusted = run_coopkit("new", "--answers", str(EXAMPLE), "--platform-template", str(template), "--trust",
                          str(tmp_path / "trusted"))
    assert trusted.returncode == 0, trusted.stderr
    assert (tmp_path / "trusted" / "platform" / "HOOK_RAN").exists()


def test_render_after_a_profile_edit_updates_everything_from_the_bundled_template(tmp_path):
    out = tmp_path / "coop"
    assert run_coopkit("new", "--answers", str(EXAMPLE), str(out)).returncode == 0
    platform = out / "platform"
    (platform / "NOTES.md").write_text("ours\n")
    git("add", "-A", cwd=platform)
    git("commit", "-q", "-m", "Our notes", cwd=platform)
    coop = out / "coop.yml"
    coop.write_text(coop.read_text().replace("special_majority_percent: 75", "special_majority_percent: 80"))
    stale = run_coopkit("check", str(out))
    assert stale.returncode == 1 and "coop.yml: has changed" in stale.stdout
    rendered = run_coopkit("render", str(out))
    assert rendered.returncode == 0, rendered.stderr
    assert "80%" in (out / "legal" / "rules.md").read_text()
    assert "80" in str(yaml.safe_load((platform / "governance" / "governance.yml").read_text()))
    assert (platform / "NOTES.md").read_text() == "ours\n"
    log = git("log", "--format=%s", cwd=platform).splitlines()
    assert log[0].startswith("Update the platform") and "Our notes" in log
    assert run_coopkit("check", str(out)).returncode == 0


def test_a_copier_template_with_tasks_needs_trust(tmp_path):
    template = tmp_path / "tpl"
    (template / "project").mkdir(parents=True)
    (template / "copier.yml").write_text('_subdirectory: project\n_tasks: ["touch TASK_RAN"]\n'
                                         'name: {type: str, default: "x"}\nregion: {type: str, default: "nowhere"}\n')
    (template / "project" / "about.txt.jinja").write_text("{{ name }} in {{ region }}\n")
    refused = run_coopkit("new", "--answers", str(EXAMPLE), "--platform-template", str(template), str(tmp_path / "a"))
    assert refused.returncode == 2 and "--trust" in refused.stderr
    assert not (tmp_path / "a").exists()
    trusted = run_coopkit("new", "--answers", str(EXAMPLE), "--platform-template", str(template), "--trust",
                          str(tmp_path / "b"))
    assert trusted.returncode == 0, trusted.stderr
    assert (tmp_path / "b" / "platform" / "about.txt").read_text() == "Pedal Power Couriers in Bristol\n"
    assert (tmp_path / "b" / "platform" / "TASK_RAN").exists()
