"""A real wheel ships the data folders: build it, install it in a fresh venv, and run coopkit from there."""
from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT

pytestmark = pytest.mark.slow


def test_wheel_installs_in_a_fresh_venv_and_makes_a_coop(tmp_path):
    dist = tmp_path / "dist"
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--outdir", str(dist), str(ROOT)], check=True,
                   capture_output=True, text=True, timeout=600)
    wheel = next(dist.glob("coopkit-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    for part in ("coopkit/_data/legal/jurisdictions/gb/jurisdiction.yml", "coopkit/_data/templates/sectors/care.yml",
                 "coopkit/_data/templates/platform/copier.yml", "coopkit/_data/handbook/fonts/DejaVuSans.ttf",
                 "coopkit/coop.schema.json", "coopkit/_data/examples/pedal-power.yml"):
        assert part in names, part

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = subprocess.run([str(venv / "bin" / "pip"), "install", "-q", str(wheel)], capture_output=True, text=True,
                         timeout=900)
    assert pip.returncode == 0, pip.stderr[-3000:]
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    out = tmp_path / "made-by-wheel"
    result = subprocess.run([str(venv / "bin" / "coopkit"), "new", "--defaults", "--set", "name=Wheel Co-op",
                             "--set", "sector=freelance", "--set", "jurisdiction=gb", "--set",
                             "founders=[{name: A}, {name: B}, {name: C}]", str(out)],
                            capture_output=True, text=True, env=env, cwd=tmp_path, timeout=600)
    assert result.returncode == 0, result.stderr
    assert (out / "legal" / "rules.pdf").is_file() and (out / "handbook" / "handbook.pdf").is_file()
    assert (out / "platform" / "manage.py").is_file()
    where = subprocess.run([str(venv / "bin" / "python"), "-c", "import coopkit.catalog as c; print(c.default_data_root())"],
                           capture_output=True, text=True, env=env, cwd=tmp_path).stdout.strip()
    assert Path(where).is_relative_to(venv)
