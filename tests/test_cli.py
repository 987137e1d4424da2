"""The real console script, end to end, as a founder uses it: good profiles, hostile input, exit codes."""
from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from conftest import COOPKIT, EXAMPLE, pdf_text, run_coopkit

HOSTILE_NAME = "Zoë's \"Rápido\" {{ 7*7 }} ../../etc Ωμέγα Кооп 🚲 تعاونية"


def tree_digest(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file() and ".git" not in p.relative_to(root).parts}


def leftovers(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if ".coopkit-" in p.name]


@pytest.fixture(scope="module")
def example(example_coop):
    """The example co-op (made once per test run, see conftest) and what `coopkit new` printed."""
    return example_coop


def test_new_writes_the_whole_tree(example):
    out, printed = example
    assert f"Wrote {out}/" in printed and "Next: read" in printed
    for rel in ("coop.yml", "README.md", "manifest.json", "platform/.copier-answers.yml",
                "platform/governance/governance.yml", "legal/rules.md", "legal/rules.html", "legal/rules.pdf",
                "legal/founding-minutes.pdf", "legal/membership-agreement-worker.pdf",
                "legal/membership-agreement-user.pdf", "handbook/handbook.pdf", "handbook/handbook.html"):
        assert (out / rel).is_file(), rel
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["files"]["legal/rules.pdf"] == hashlib.sha256((out / "legal/rules.pdf").read_bytes()).hexdigest()
    assert not any(f.startswith("platform/.git/") for f in manifest["files"])
    log = subprocess.run(["git", "log", "--oneline"], cwd=out / "platform", capture_output=True, text=True).stdout
    assert len(log.splitlines()) == 1


def test_rules_pdf_names_the_society_and_covers_all_14_schedule_1_matters(example):
    out, _ = example
    text = " ".join(pdf_text(out / "legal" / "rules.pdf").split())
    assert "Rules of Pedal Power Couriers Limited" in text
    for para in range(1, 15):
        assert f"CCBSA 2014 Sch.1 para {para}" in text, para
    assert "A template to be reviewed by a lawyer; not legal advice." in text
    assert "aacea32cd8f5"[:4] in text or json.loads((out / "manifest.json").read_text())["profile_hash"] in text


def test_every_pdf_carries_the_provenance_footer(example):
    out, _ = example
    profile_hash = json.loads((out / "manifest.json").read_text())["profile_hash"]
    for pdf in (out / "legal").glob("*.pdf"):
        from pypdf import PdfReader

        count = len(PdfReader(str(pdf)).pages)
        for number in range(1, count + 1):
            text = " ".join(pdf_text(pdf, number, number).split())
            assert f"Page {number} of {count}" in text, (pdf.name, number)
            assert profile_hash in text and "Pedal Power Couriers Limited" in text
            assert "not legal advice" in text
            assert "DRAFT FOR REVIEW" in text  # the review build (the default) marks every page


def test_handbook_has_15_pages_or_more_with_the_coops_numbers(example):
    out, _ = example
    from pypdf import PdfReader

    reader = PdfReader(str(out / "handbook" / "handbook.pdf"))
    assert len(reader.pages) >= 15
    text = pdf_text(out / "handbook" / "handbook.pdf")
    assert "Financial Conduct Authority" in text
    assert "25%" in text and "75%" in text  # quorum and special majority of the example


def test_same_profile_twice_gives_identical_files(example, tmp_path):
    """... also when the second run renders its PDFs one at a time (--workers 1) instead of in a pool."""
    out, _ = example
    again = tmp_path / "again"
    result = run_coopkit("new", "--workers", "1", "--answers", str(out / "coop.yml"), str(again))
    assert result.returncode == 0, result.stderr
    assert tree_digest(again) == tree_digest(out)
    heads = [subprocess.run(["git", "rev-parse", "HEAD"], cwd=d / "platform", capture_output=True, text=True).stdout
             for d in (out, again)]
    assert heads[0] == heads[1]


def test_an_existing_folder_needs_force_and_is_left_untouched(example, tmp_path):
    dest = tmp_path / "taken"
    dest.mkdir()
    (dest / "mine.txt").write_text("keep me")
    result = run_coopkit("new", "--answers", str(EXAMPLE), str(dest))
    assert result.returncode == 5
    assert "not empty" in result.stderr and "--force" in result.stderr
    assert [p.name for p in dest.iterdir()] == ["mine.txt"]
    assert leftovers(tmp_path) == []


def test_force_never_replaces_the_folder_you_are_in(tmp_path):
    (tmp_path / "mine.txt").write_text("keep me")
    result = run_coopkit("new", "--answers", str(EXAMPLE), "--force", ".", cwd=tmp_path)
    assert result.returncode == 5 and "the folder you are in" in result.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["mine.txt"]


@pytest.mark.parametrize("ascii_escapes", [False, True], ids=["utf8", "yaml-escapes"])
def test_hostile_names_come_out_literally_everywhere(tmp_path, ascii_escapes):
    profile = tmp_path / "hostile.yml"
    quoted = json.dumps(HOSTILE_NAME, ensure_ascii=ascii_escapes)  # escapes: emoji as a \ud83d\udeb2 pair
    profile.write_text(EXAMPLE.read_text().replace("name: Pedal Power Couriers", f"name: {quoted}")
                       .replace("purpose: >-", "purpose: >-\n  <script>alert('x')</script>"), encoding="utf-8")
    out = tmp_path / "out"
    result = run_coopkit("new", "--answers", str(profile), str(out))
    assert result.returncode == 0, result.stderr
    full = f"{HOSTILE_NAME} Limited"
    md = (out / "legal" / "rules.md").read_text()
    assert "{{ 7\\*7 }}" in md and "49" not in md.split("\n")[0]
    html = (out / "legal" / "rules.html").read_text()
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "{{ 7*7 }}" in html
    pdf = " ".join(pdf_text(out / "legal" / "rules.pdf").split())
    for word in ("Zoë's", "\"Rápido\"", "{{ 7*7 }}", "../../etc", "Ωμέγα", "Кооп", "🚲", "تعاونية"):
        assert word in pdf, word
    assert "49 ../../etc" not in pdf
    assert sorted(p.name for p in out.iterdir()) == ["README.md", "coop.yml", "handbook", "legal", "manifest.json",
                                                      "platform"]  # nothing written from the name's ../
    coop_json = (out / "platform" / "governance" / "coop.json").read_text(encoding="utf-8")
    assert json.loads(coop_json)["coop"]["name"] == HOSTILE_NAME if "coop" in json.loads(coop_json) else True
    assert full in (out / "README.md").read_text().replace("\\", "")


@pytest.mark.parametrize(("args", "code", "words"), [
    (["--set", "name=" + "x" * 300, "--set", "sector=care", "--set", "jurisdiction=gb"], 3,
     ["name", "300 characters long; at most 160"]),
    (["--set", "name=A", "--set", "sector=care", "--set", "jurisdiction=xx"], 2,
     ["jurisdiction", "'xx'", "gb"]),
    (["--set", "name=A", "--set", "sector=taxis", "--set", "jurisdiction=gb"], 2,
     ["sector", "'taxis'", "delivery", "ride-hailing"]),
    (["--answers", str(EXAMPLE), "--set", "surplus.community_percent=30"], 3,
     ["surplus", "add up to 120, not 100"]),
    (["--answers", str(EXAMPLE), "--set", "founders.0.email=ana@@example"], 3,
     ["founders.0.email", "not a valid email"]),
    (["--answers", str(EXAMPLE), "--set", "governance.special_majority_percent=60"], 3,
     ["governance.special_majority_percent", "is 60", "CCBSA 2014"]),
    ([], 4, ["No terminal", "name:", "sector:", "jurisdiction:"]),
])
def test_mistakes_give_one_clear_message_and_leave_nothing(tmp_path, args, code, words):
    result = run_coopkit("new", *args, str(tmp_path / "out"))
    assert result.returncode == code, (result.stdout, result.stderr)
    for word in words:
        assert word in result.stderr, (word, result.stderr)
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists() and leftovers(tmp_path) == []


@pytest.mark.parametrize(("content", "words"), [
    (b"", "is empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "binary file"),
    (b"name: Good\nsector: [delivery\njurisdiction: gb\n", "line 3"),
])
def test_broken_yaml_says_where(tmp_path, content, words):
    bad = tmp_path / "coop.yml"
    bad.write_bytes(content)
    result = run_coopkit("new", "--answers", str(bad), str(tmp_path / "out"))
    assert result.returncode == 3
    assert str(bad) in result.stderr and words in result.stderr and "Traceback" not in result.stderr


def test_too_few_founders_is_refused_unless_draft(tmp_path):
    args = ["--set", "name=Small Co", "--set", "sector=cleaning", "--set", "jurisdiction=gb",
            "--set", "founders=[{name: Ana}, {name: Ben}]", "--defaults"]
    refused = run_coopkit("new", *args, str(tmp_path / "a"))
    assert refused.returncode == 3 and "lists 2 founders" in refused.stderr and "--draft" in refused.stderr
    drafted = run_coopkit("new", *args, "--draft", str(tmp_path / "b"))
    assert drafted.returncode == 0, drafted.stderr
    assert "DRAFT" in pdf_text(tmp_path / "b" / "legal" / "rules.pdf")


def test_ctrl_c_leaves_nothing_behind(tmp_path):
    process = subprocess.Popen([str(COOPKIT), "new", "--answers", str(EXAMPLE), str(tmp_path / "out")],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(2.0)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=60)
    if process.returncode == 0:
        pytest.skip("finished before the interrupt arrived")
    assert process.returncode == 130 and "nothing was written" in err
    assert not (tmp_path / "out").exists() and leftovers(tmp_path) == []


def test_check_passes_on_a_fresh_folder_and_fails_after_an_edit(example, tmp_path):
    out, _ = example
    ok = run_coopkit("check", str(out), "--format", "json")
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert json.loads(ok.stdout)["ok"] is True
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(out, copy)
    (copy / "legal" / "rules.md").write_text("edited")
    coop = copy / "coop.yml"
    coop.write_text(coop.read_text().replace("quorum_percent: 25", "quorum_percent: 30"))
    failed = run_coopkit("check", str(copy))
    assert failed.returncode == 1
    assert "legal/rules.md: differs from the file coopkit wrote" in failed.stdout
    assert "coop.yml: has changed since the documents were written" in failed.stdout
    assert "coopkit render --force" in failed.stdout  # what check advises is what render asks for
    refused = run_coopkit("render", str(copy))
    assert refused.returncode == 5 and "  - legal/rules.md" in refused.stderr and "--force" in refused.stderr
    assert (copy / "legal" / "rules.md").read_text() == "edited"


def test_list_and_schema(tmp_path):
    jurisdictions = run_coopkit("list", "jurisdictions")
    assert jurisdictions.returncode == 0 and "gb" in jurisdictions.stdout and "registered-society" in jurisdictions.stdout
    sectors = json.loads(run_coopkit("list", "sectors", "--format", "json").stdout)
    assert {s["id"] for s in sectors} >= {"delivery", "ride-hailing", "home-sharing", "freelance", "care",
                                          "cleaning", "marketplace", "stock-media"}
    schema = json.loads(run_coopkit("schema").stdout)
    assert schema["properties"]["governance"]


def test_debug_shows_the_traceback_for_developers(tmp_path):
    result = run_coopkit("--debug", "new", "--set", "name=A", "--set", "sector=nope", "--set", "jurisdiction=gb",
                         str(tmp_path / "x"))
    assert result.returncode != 0 and "Traceback" in result.stderr
    assert os.environ.get("COOPKIT_CACHE")


def test_final_build_is_clean_with_signature_blocks(tmp_path):
    result = run_coopkit("legal", "--answers", str(EXAMPLE), "--build", "final", "-o", str(tmp_path / "legal"))
    assert result.returncode == 0, result.stderr
    rules = (tmp_path / "legal" / "rules.md").read_text()
    assert "Why this clause" not in rules and "to confirm" not in rules
    signatures = rules.split("Signatures")[-1]
    for name in ("Amara Okafor", "Tomás Ó Briain", "Zoë Lefèvre", "Stokes Croft Bakery", "Secretary"):
        assert name in signatures
    text = " ".join(pdf_text(tmp_path / "legal" / "founding-minutes.pdf").split())
    assert "Chair" in text and "DRAFT" not in text


def test_list_documents_names_every_form_s_files():
    rows = json.loads(run_coopkit("list", "documents", "--format", "json").stdout)
    gb = {(r["form"], r["filename"]) for r in rows if r["jurisdiction"] == "gb"}
    assert ("registered-society", "rules") in gb and ("company-limited-by-guarantee", "articles-of-association") in gb
    assert {r["jurisdiction"] for r in rows} >= {"gb", "de", "br", "fr", "us-ny", "ca"}


def test_legal_and_handbook_never_overwrite_without_force(tmp_path):
    out = tmp_path / "docs"
    out.mkdir()
    (out / "mine.md").write_text("keep")
    for command in ("legal", "handbook"):
        refused = run_coopkit(command, "--answers", str(EXAMPLE), "-o", str(out))
        assert refused.returncode == 5 and "--force" in refused.stderr
        assert [p.name for p in out.iterdir()] == ["mine.md"]
    forced = run_coopkit("handbook", "--answers", str(EXAMPLE), "-o", str(out), "--force")
    assert forced.returncode == 0, forced.stderr
    assert sorted(p.name for p in out.iterdir()) == ["handbook.docx", "handbook.html", "handbook.pdf"]


def test_a_destination_filled_while_coopkit_works_is_refused_not_replaced(tmp_path, monkeypatch):
    """`new` checks DEST before it starts and again at the moment it moves the co-op in: a folder another
    program filled meanwhile (or the web interview's other founder) is kept, and nothing is written."""
    from coopkit import api, pipeline
    from coopkit.errors import DestinationError

    dest = tmp_path / "coop"

    def meanwhile(run, stage, **kwargs):  # instead of rendering: somebody else writes DEST
        dest.mkdir()
        (dest / "theirs.txt").write_text("another co-op", encoding="utf-8")
        return {}

    monkeypatch.setattr(pipeline, "new_pipeline", meanwhile)
    with pytest.raises(DestinationError, match="nothing was written"):
        api.new(api.build_profile(answers_file=EXAMPLE), dest)
    assert [p.name for p in dest.iterdir()] == ["theirs.txt"] and leftovers(tmp_path) == []


def test_the_web_interview_gives_two_coops_of_the_same_name_two_folders(tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    from coopkit.web.jobs import free_folder

    with ThreadPoolExecutor(8) as pool:
        folders = list(pool.map(lambda _: free_folder(tmp_path, "Pedal Power"), range(8)))
    assert len(set(folders)) == 8 and all(f.is_dir() for f in folders)
    assert "pedal-power" in {f.name for f in folders}


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")  # the swallowed one, on purpose
def test_a_ctrl_c_that_python_swallowed_still_stops_new_before_anything_is_written(tmp_path, monkeypatch):
    """Python ignores a KeyboardInterrupt raised inside a finalizer (it prints "Exception ignored" and goes
    on), which the garbage collector runs between two PDFs: the founders' Ctrl-C must still stop the run."""
    import os
    import signal

    from coopkit import api, interrupt, pipeline

    previous = signal.getsignal(signal.SIGINT)
    interrupt.install_handler()
    assert signal.getsignal(signal.SIGINT) is not previous

    class Finalizer:
        def __del__(self):
            os.kill(os.getpid(), signal.SIGINT)
            for _ in range(100_000):  # the handler runs here, inside __del__, and Python swallows what it raises
                pass

    def pipeline_with_a_finalizer(run, stage, **kwargs):
        (stage / "coop.yml").write_text("name: x\n", encoding="utf-8")
        Finalizer()  # collected at once
        return {}

    monkeypatch.setattr(pipeline, "new_pipeline", pipeline_with_a_finalizer)
    try:
        with pytest.raises(KeyboardInterrupt):
            api.new(api.build_profile(answers_file=EXAMPLE), tmp_path / "coop")
    finally:
        interrupt.forget()
        signal.signal(signal.SIGINT, previous)
    assert not (tmp_path / "coop").exists() and leftovers(tmp_path) == []
