"""`coopkit cohort`: five profiles, one broken → four co-ops, the dashboard and a clear error."""
from __future__ import annotations

import json
import re

import pytest

from conftest import EXAMPLE, ROOT, run_coopkit

pytestmark = pytest.mark.xdist_group("cohort")


@pytest.fixture(scope="module")
def cohort(tmp_path_factory):
    base = tmp_path_factory.mktemp("cohort")
    profiles = base / "profiles"
    profiles.mkdir()
    text = EXAMPLE.read_text(encoding="utf-8")
    for slug, name in (("pedal-power", "Pedal Power Couriers"), ("wheels", "Wheels Together"),
                       ("cargo", "Cargo Bike Collective")):
        (profiles / f"{slug}.yml").write_text(text.replace("name: Pedal Power Couriers", f"name: {name}"),
                                             encoding="utf-8")
    wheels = profiles / "wheels.yml"  # without its own incubator: the cohort's branding is used
    wheels.write_text(re.sub(r"\nincubator:\n(  .*\n)*", "\n", wheels.read_text(encoding="utf-8")), encoding="utf-8")
    assert "incubator" not in wheels.read_text(encoding="utf-8")
    (profiles / "rio.yml").write_text((ROOT / "examples" / "rio-entregas.yml").read_text(encoding="utf-8"),
                                      encoding="utf-8")
    broken = re.sub(r"reserve_percent: \d+", "reserve_percent: 90", text)
    assert broken != text
    (profiles / "broken.yml").write_text(broken, encoding="utf-8")
    (base / "logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>', encoding="utf-8")
    (base / "cohort.yml").write_text("name: Test cohort\nprofiles: profiles\n"
                                     "branding: {name: Test Lab, contact: lab@example.org, logo: logo.svg}\n",
                                     encoding="utf-8")
    first = run_coopkit("cohort", str(base / "cohort.yml"), "--workers", "2")
    return base, first


def test_four_coops_are_written_and_the_broken_one_is_reported(cohort):
    base, result = cohort
    out = base / "cohort"
    assert result.returncode == 1, result.stderr
    assert "1 of 5 co-ops failed: broken" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    # the fifth co-op's own error names the field and the problem
    assert re.search(r"FAILED\s+broken: .*surplus", result.stdout, re.S)
    for slug in ("pedal-power", "wheels", "cargo", "rio"):
        for rel in ("coop.yml", "handbook/handbook.pdf", "manifest.json", "progress.yml"):
            assert (out / slug / rel).is_file(), (slug, rel)
        assert len(list((out / slug / "legal").glob("*.pdf"))) >= 3, slug
    assert not (out / "broken").exists()  # nothing half-written for the co-op that failed


def test_the_dashboard_has_a_row_per_coop(cohort):
    base, _ = cohort
    out = base / "cohort"
    page = (out / "index.html").read_text(encoding="utf-8")
    for name in ("Pedal Power Couriers", "Wheels Together", "Cargo Bike Collective"):
        assert name in page
    assert page.count("<tr") == 1 + 5  # the header and one row per co-op
    assert "failed" in page and "surplus: the four shares add up to 170" in page
    assert 'href="rio/legal/' in page and "annual return" in page  # documents and gb's statutory deadlines
    data = json.loads((out / "cohort.json").read_text(encoding="utf-8"))
    rows = {c["id"]: c for c in data["coops"]}
    assert data["failed"] == 1 and not rows["broken"]["ok"] and "surplus" in rows["broken"]["error"]
    assert rows["rio"]["row"]["jurisdiction"] == "br"
    assert rows["wheels"]["row"]["registration"]["done"] == []
    assert "Test Lab" in (out / "wheels" / "coop.yml").read_text(encoding="utf-8")
    assert "Test Lab" in (out / "wheels" / "handbook" / "handbook.html").read_text(encoding="utf-8")
    assert "Bristol Co-op Lab" in (out / "cargo" / "handbook" / "handbook.html").read_text(encoding="utf-8")


def test_a_second_run_renders_only_what_changed_and_shows_ticked_steps(cohort):
    base, _ = cohort
    out = base / "cohort"
    progress = out / "wheels" / "progress.yml"
    first_step = re.search(r"^  ([\w-]+): false", progress.read_text(encoding="utf-8"), re.M)[1]
    progress.write_text(progress.read_text(encoding="utf-8").replace(f"{first_step}: false", f"{first_step}: true"),
                        encoding="utf-8")
    rules = out / "cargo" / "legal" / "rules.pdf"
    mtime = rules.stat().st_mtime_ns
    result = run_coopkit("cohort", str(base / "cohort.yml"), "--workers", "2")
    assert result.returncode == 1
    assert re.search(r"ok\s+cargo: unchanged", result.stdout), result.stdout
    assert rules.stat().st_mtime_ns == mtime
    rows = {c["id"]: c for c in json.loads((out / "cohort.json").read_text(encoding="utf-8"))["coops"]}
    assert rows["wheels"]["row"]["registration"]["done"] == [first_step]
    page = (out / "index.html").read_text(encoding="utf-8")
    wheels_row = next(row for row in page.split("<tr") if "wheels ·" in row)
    assert re.search(r"<td>1 of \d+", wheels_row), wheels_row


def test_a_folder_of_the_same_name_that_is_not_a_coop_is_left_alone(tmp_path):
    """The cohort writes each co-op into OUTPUT/<profile name>; a folder there that coopkit did not make (no
    coop.yml) is reported for that co-op, and kept as it was."""
    (tmp_path / "profiles").mkdir()
    (tmp_path / "profiles" / "notes.yml").write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    mine = tmp_path / "cohort" / "notes"
    mine.mkdir(parents=True)
    (mine / "meeting-notes.txt").write_text("ours", encoding="utf-8")
    (tmp_path / "cohort.yml").write_text("name: Notes\nprofiles: profiles\n", encoding="utf-8")
    result = run_coopkit("cohort", str(tmp_path / "cohort.yml"))
    assert result.returncode == 1 and "Traceback" not in result.stderr + result.stdout
    assert re.search(r"FAILED\s+notes: .*holds no coop\.yml", result.stdout, re.S), result.stdout
    assert [p.name for p in mine.iterdir()] == ["meeting-notes.txt"]
