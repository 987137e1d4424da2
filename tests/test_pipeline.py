"""The render pipeline: incremental (a no-op render writes nothing; one field re-renders only the
documents that read it), parallel (pool PDFs have the bytes of serial ones), one overlay resolver."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import shutil
from pathlib import Path

import pytest

from conftest import EXAMPLE, pdf_text, run_coopkit

pytestmark = pytest.mark.xdist_group("pipeline")


def snapshot(root: Path) -> dict[str, tuple[int, str]]:
    """Every file DEST holds (the platform's git objects aside): modification time and content hash."""
    return {p.relative_to(root).as_posix(): (p.stat().st_mtime_ns, hashlib.sha256(p.read_bytes()).hexdigest())
            for p in sorted(root.rglob("*")) if p.is_file() and ".git" not in p.relative_to(root).parts}


@pytest.fixture(scope="module")
def coop(tmp_path_factory):
    from coopkit import api

    dest = tmp_path_factory.mktemp("pipeline") / "coop"
    profile = api.build_profile(answers_file=EXAMPLE)
    api.new(profile, dest, base_dir=EXAMPLE.parent)
    return dest


def test_render_with_nothing_changed_writes_nothing(coop):
    from coopkit import api

    before = snapshot(coop)
    report: dict = {}
    api.render(coop, report=report)
    assert report["ran"] == [] and report["written"] == [] and report["platform"] == "unchanged"
    assert snapshot(coop) == before  # not one file rewritten: same bytes, same modification times


def test_render_with_nothing_changed_from_the_command_line(coop):
    before = snapshot(coop)
    result = run_coopkit("render", str(coop))
    assert result.returncode == 0, result.stderr
    assert "up to date" in result.stdout
    assert snapshot(coop) == before


def test_a_changed_board_size_rerenders_only_the_documents_that_use_it(coop):
    from coopkit import api

    coop_yml = coop / "coop.yml"
    text = coop_yml.read_text(encoding="utf-8")
    assert re.search(r"\n  board_size: 3\b", text)
    coop_yml.write_text(re.sub(r"\n  board_size: 3\b", "\n  board_size: 4", text), encoding="utf-8")
    before = snapshot(coop)
    report: dict = {}
    api.render(coop, report=report)
    after = snapshot(coop)
    changed = {rel for rel in after if before.get(rel) != after[rel]}

    # the rules and the founding minutes state the board's size; the membership agreements do not
    assert "legal/rules.en" in report["ran"] and "legal/founding-minutes.en" in report["ran"]
    assert "legal/membership-agreement.en" in report["skipped"] and "README.md" in report["skipped"]
    assert {"legal/rules.pdf", "legal/rules.md", "legal/founding-minutes.pdf"} <= changed
    assert not any(rel.startswith("legal/membership-agreement") for rel in changed), changed
    assert "README.md" not in changed
    assert re.search(r"\b(4|four)\b[^.]*director", " ".join(pdf_text(coop / "legal/rules.pdf").split()), re.I)
    # copier is given the profile, so the platform is updated (and committed) for the new answer
    assert report["platform"] == "updated"
    # and the manifest still says where the platform came from, as `new` wrote it
    assert json.loads((coop / "manifest.json").read_text())["templates"]["platform"]["template"] == "bundled"

    again: dict = {}
    api.render(coop, report=again)
    assert again["ran"] == [] and snapshot(coop) == after


def test_a_copied_folder_renders_nothing_until_a_file_differs_from_the_manifest(example_coop, tmp_path):
    """A co-op folder copied, moved, cloned or unzipped keeps its files but not their modification times
    (kept in this machine's cache for the old path): their bytes, checked against manifest.json, decide."""
    from coopkit import api

    made, _ = example_coop
    copy = tmp_path / "copied"
    shutil.copytree(made, copy, symlinks=True)
    for path in copy.rglob("*"):  # as a git clone or an unzip leaves them: every file newer than the manifest says
        if path.is_file() and not path.is_symlink():
            path.touch()
    before = snapshot(copy)
    report: dict = {}
    api.render(copy, report=report)
    assert report["ran"] == [] and report["written"] == [] and report["platform"] == "unchanged"
    assert snapshot(copy) == before

    rules = copy / "legal" / "rules.md"
    rules.write_text(rules.read_text(encoding="utf-8") + "\nA sentence the founders added by hand.\n", encoding="utf-8")
    other = shutil.copytree(copy, tmp_path / "again", symlinks=True)
    edited = snapshot(other)
    refused = run_coopkit("render", str(other))  # the hand-made change is kept, and the founders told why
    assert refused.returncode == 5, refused.stderr
    assert "legal/rules.md" in refused.stderr and "--force" in refused.stderr and "nothing was written" in refused.stderr
    assert "Traceback" not in refused.stderr and snapshot(other) == edited
    assert sorted(p.name for p in other.iterdir() if p.name.startswith(".coopkit")) == []

    again: dict = {}
    api.render(other, report=again, force=True)
    assert again["ran"] == ["legal/rules.en"], again["ran"]
    assert "added by hand" not in (other / "legal" / "rules.md").read_text(encoding="utf-8")
    assert (other / "legal" / "rules.md").read_bytes() == (made / "legal" / "rules.md").read_bytes()


def test_a_coop_moved_to_another_machine_updates_its_platform_from_that_machine_s_cache(example_coop, tmp_path,
                                                                                       monkeypatch):
    """The platform's answers file names the cache the template was taken from on the machine that made it;
    on another machine (another user, another cache folder) a changed profile still updates the platform."""
    import subprocess

    from coopkit import api

    made, _ = example_coop
    moved = shutil.copytree(made, tmp_path / "laptop" / "coop", symlinks=True)
    answers_file = moved / "platform" / ".copier-answers.yml"
    elsewhere = "/home/another-founder/.cache/coopkit/platform-template"  # as the first machine wrote it
    answers_file.write_text(re.sub(r"(?m)^_src_path: .*$", f"_src_path: {elsewhere}",
                                   answers_file.read_text(encoding="utf-8")), encoding="utf-8")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run([*git, "commit", "-qam", "made elsewhere"], cwd=moved / "platform", check=True)
    monkeypatch.setenv("COOPKIT_CACHE", str(tmp_path / "laptop-cache"))
    coop_yml = moved / "coop.yml"
    coop_yml.write_text(re.sub(r"\n  board_size: 3\b", "\n  board_size: 4", coop_yml.read_text(encoding="utf-8")),
                        encoding="utf-8")
    report: dict = {}
    api.render(moved, report=report)
    assert report["platform"] == "updated"
    answers = (moved / "platform" / ".copier-answers.yml").read_text(encoding="utf-8")
    assert f"_src_path: {tmp_path / 'laptop-cache' / 'platform-template'}" in answers
    assert "board_size: 4" in answers
    log = subprocess.run(["git", "log", "--format=%s"], cwd=moved / "platform", capture_output=True, text=True).stdout
    assert "this machine's coopkit cache" in log and "coopkit render" in log
    assert subprocess.run(["git", "status", "--porcelain"], cwd=moved / "platform", capture_output=True,
                          text=True).stdout == ""


def test_a_deleted_output_is_written_again(coop):
    from coopkit import api

    (coop / "legal" / "founding-minutes.md").unlink()
    report: dict = {}
    api.render(coop, report=report)
    assert report["ran"] == ["legal/founding-minutes.en"]
    assert (coop / "legal" / "founding-minutes.md").is_file()


def test_pool_pdfs_have_the_bytes_of_serial_pdfs(tmp_path, catalog):
    from coopkit import api, pdf
    from coopkit.context import template_context
    from coopkit.documents import document_html, render_documents

    profile = api.load_profile(EXAMPLE)
    context = template_context(profile, catalog)
    docs = render_documents(profile, catalog, dict(context))[:3]
    fonts = (catalog.handbook / "fonts" / "fonts.css",)
    jobs = [pdf.PdfJob(document_html(d, catalog, dict(context)), tmp_path / "pool" / f"{d.filename}.pdf",
                       catalog.legal, fonts, context["document_date"], (catalog.root,)) for d in docs]
    (tmp_path / "pool").mkdir()
    with pdf.pdf_pool(2, (fonts,)) as pool:
        for job in jobs:
            pool.submit(job)
        pool.wait()
    (tmp_path / "serial").mkdir()
    pdf._FONTS.clear()  # alone: fonts loaded afresh for each document
    for job in jobs:
        serial = tmp_path / "serial" / job.out.name
        pdf.write_pdf(job.html, serial, base_url=job.base_url, stylesheets=list(job.stylesheets), date=job.date,
                      allowed_roots=list(job.allowed_roots))
        pdf._FONTS.clear()
        assert serial.read_bytes() == job.out.read_bytes(), job.out.name


def test_a_bad_overlay_for_the_handbook_is_a_usage_error(tmp_path):
    result = run_coopkit("handbook", "--answers", str(EXAMPLE), "--overlay", str(tmp_path / "no-such-overlay"),
                         "-o", str(tmp_path / "out"))
    assert result.returncode == 2, result.stderr
    assert "--overlay" in result.stderr and "no such folder" in result.stderr
    assert "Traceback" not in result.stderr and not (tmp_path / "out").exists()


def test_every_pdf_carries_its_file_identifier_and_a_valid_cross_reference(tmp_path, catalog):
    """coopkit puts the trailer's /ID in itself (pdf.with_identifier) instead of letting pydyf serialize
    the file twice: a strict PDF reader still finds every object, and the pair is (hash of the HTML, MD5
    of the bytes before the pair went in)."""
    from pypdf import PdfReader

    from coopkit import pdf

    html = "<html lang=en><head><title>Rules</title></head><body><h1>Rules</h1>" + "<p>Clause text.</p>" * 400
    out = pdf.write_pdf(html, tmp_path / "rules.pdf", base_url=catalog.legal,
                        stylesheets=[catalog.handbook / "fonts" / "fonts.css"], date=dt.date(2026, 1, 1),
                        allowed_roots=[catalog.root])
    data = out.read_bytes()
    reader = PdfReader(out, strict=True)
    assert len(reader.pages) >= 2 and "Clause text." in reader.pages[1].extract_text()
    first, second = (bytes(part, "latin-1") if isinstance(part, str) else bytes(part) for part in reader.trailer["/ID"])
    assert first == hashlib.sha256(html.encode()).hexdigest()[:32].encode()
    without = data.replace(b"/ID [(" + first + b") (" + second + b")]", b"", 1)
    assert hashlib.md5(without).hexdigest().encode() == second
    assert pdf.write_pdf(html, tmp_path / "again.pdf", base_url=catalog.legal,
                         stylesheets=[catalog.handbook / "fonts" / "fonts.css"], date=dt.date(2026, 1, 1),
                         allowed_roots=[catalog.root]).read_bytes() == data
    with pytest.raises(Exception, match="cross-reference stream"):
        pdf.with_identifier(data, b"0" * 32)  # already has one: refused, never a second /ID


def test_compiled_templates_are_kept_in_the_cache_folder_and_a_broken_entry_is_compiled_again(tmp_path, monkeypatch):
    import marshal

    from coopkit import render

    monkeypatch.setenv("COOPKIT_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(render, "_COMPILED", {})
    env = render.markdown_env([tmp_path])
    assert render.render_string(env, "Hello {{ name }}.", {"name": "Ana"}, "test") == "Hello Ana."
    stored = list((tmp_path / "cache" / "templates").rglob("*.code"))
    assert len(stored) == 1
    render._COMPILED.clear()  # a new process: the code comes from the file
    stored[0].write_bytes(marshal.dumps(compile("'from the cache'", "<test>", "eval")))
    with pytest.raises(KeyError, match="name"):  # proves the file is read: this code is not a template's
        render.render_string(env, "Hello {{ name }}.", {"name": "Bo"}, "test")
    render._COMPILED.clear()
    stored[0].write_bytes(b"not marshal data")
    assert render.render_string(env, "Hello {{ name }}.", {"name": "Bo"}, "test") == "Hello Bo."  # compiled again
    render._COMPILED.clear()
    assert render.render_string(env, "Hello {{ name }}.", {"name": "Cy"}, "test") == "Hello Cy."  # the rewritten entry
    assert render.render_string(render.html_env([tmp_path]), "Hello {{ name }}.", {"name": "<Di>"}, "test") \
        == "Hello &lt;Di&gt;."
    assert len(list((tmp_path / "cache" / "templates").rglob("*.code"))) == 2  # other settings, other entry
