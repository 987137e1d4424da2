"""`coopkit amend` after an edit of coop.yml: a redline whose tracked changes are exactly the edit, a
special resolution with the majority and notice of the rules in force, a notice of meeting; no
change writes nothing; an existing amendment of the same date is kept without --force."""
from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import pytest

from conftest import pdf_text, run_coopkit
from coopkit.amend import block_texts, word_diff

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
DATE = "2027-01-15"


@pytest.fixture(scope="module")
def coop(example_coop) -> Path:
    """A co-op folder as `coopkit new` writes it (made once; each test works on a copy)."""
    made, _ = example_coop
    assert (made / "legal" / ".profile.yml").is_file(), "new records the profile the documents come from"
    return made


def copy_of(coop: Path, tmp_path: Path) -> Path:
    dest = tmp_path / "coop"
    shutil.copytree(coop, dest, symlinks=True)
    return dest


def edit(dest: Path, **changes: str) -> None:
    path = dest / "coop.yml"
    text = path.read_text(encoding="utf-8")
    for key, value in changes.items():
        text, count = re.subn(rf"(\n\s+{key}): [^\s#]+", rf"\1: {value}", text, count=1)
        assert count == 1, key
    path.write_text(text, encoding="utf-8")


def tracked(docx: Path) -> tuple[list[str], list[str], set[str], set[str]]:
    """Texts of the w:ins and w:del runs, and their authors and dates."""
    from lxml import etree

    with zipfile.ZipFile(docx) as archive:
        root = etree.fromstring(archive.read("word/document.xml"))
    ins = root.findall(f".//{W}ins")
    dels = root.findall(f".//{W}del")
    return (["".join(t.text or "" for t in el.iter(f"{W}t")) for el in ins],
            ["".join(t.text or "" for t in el.iter(f"{W}delText")) for el in dels],
            {el.get(f"{W}author") for el in ins + dels}, {el.get(f"{W}date") for el in ins + dels})


def heading_number_changes(docx: Path) -> list[tuple[str, str]]:
    """(old, new) clause numbers of the clause headings whose number is a tracked change."""
    from lxml import etree

    with zipfile.ZipFile(docx) as archive:
        root = etree.fromstring(archive.read("word/document.xml"))
    out = []
    for p in root.iter(f"{W}p"):
        style = p.find(f"{W}pPr/{W}pStyle")
        if style is None or style.get(f"{W}val") != "Heading3":
            continue
        old = "".join(t.text or "" for t in p.iter(f"{W}delText"))
        new = "".join(t.text or "" for el in p.findall(f"{W}ins") for t in el.iter(f"{W}t"))
        if re.fullmatch(r"\d+\.\d+", old) and re.fullmatch(r"\d+\.\d+", new):
            out.append((old, new))
    return out


def test_board_size_and_surplus_change_give_exactly_those_tracked_changes(coop, tmp_path):
    dest = copy_of(coop, tmp_path)
    # board 3 → 5; reserve 20 → 25 and patronage 65 → 60 (still adding up to 100); and the special
    # majority 75 → 80: the resolution must still ask for the 75% of the rules in force
    edit(dest, board_size="5", reserve_percent="25", patronage_percent="60", special_majority_percent="80")
    done = run_coopkit("amend", str(dest), "--date", DATE)
    assert done.returncode == 0, done.stderr
    out = dest / "legal" / "amendments" / DATE
    names = sorted(p.name for p in out.iterdir())
    assert {"rules-redline.docx", "rules-redline.pdf", "rules-redline.html", "special-resolution.pdf",
            "special-resolution.docx", "notice-of-meeting.pdf"} <= set(names)
    ins, dels, authors, dates = tracked(out / "rules-redline.docx")
    # the board's size, the board quorum that follows from it (2 of 3 → 3 of 5), the two surplus
    # shares, the special majority: nothing else
    assert sorted(dels) == sorted(["3", "2", "20", "65", "75"]), dels
    assert sorted(ins) == sorted(["5", "3", "25", "60", "80"]), ins
    assert authors == {"coopkit"} and dates == {f"{DATE}T00:00:00Z"}
    redline = " ".join(pdf_text(out / "rules-redline.pdf").split())
    assert "The Board" in redline and "Application of the surplus" in redline
    resolution = " ".join(pdf_text(out / "special-resolution.pdf").split())
    assert "at least 75% of the votes cast" in resolution  # the rules in force, not the proposed 80%
    assert "at least 14 days' notice" in resolution
    assert "CCBSA 2014 s.16" in resolution and "Financial Conduct Authority" in resolution
    assert "Replace “a Board of 3 Directors" in resolution and "with “a Board of 5 Directors" in resolution
    notice = " ".join(pdf_text(out / "notice-of-meeting.pdf").split())
    assert "15 January 2027" in notice and "30 January 2027" in notice  # 14 clear days
    assert "The Board" in notice


def test_amend_with_no_change_writes_nothing_and_says_so(coop, tmp_path):
    dest = copy_of(coop, tmp_path)
    done = run_coopkit("amend", str(dest), "--date", DATE)
    assert done.returncode == 0, done.stderr
    assert "does not change the rules" in done.stdout and "nothing was written" in done.stdout
    assert not (dest / "legal" / "amendments").exists()
    edit(dest, timezone="Europe/Paris")  # the platform's clock is not in the rules
    done = run_coopkit("amend", str(dest), "--date", DATE)
    assert done.returncode == 0 and "nothing was written" in done.stdout
    assert not (dest / "legal" / "amendments").exists()


def test_amend_keeps_an_amendment_of_the_same_date_without_force(coop, tmp_path):
    dest = copy_of(coop, tmp_path)
    edit(dest, board_size="4")
    assert run_coopkit("amend", str(dest), "--date", DATE).returncode == 0
    redline = dest / "legal" / "amendments" / DATE / "rules-redline.docx"
    first = redline.read_bytes()
    edit(dest, board_size="5")
    again = run_coopkit("amend", str(dest), "--date", DATE)
    assert again.returncode == 5 and "exists" in again.stderr and "--force" in again.stderr
    assert redline.read_bytes() == first
    forced = run_coopkit("amend", str(dest), "--date", DATE, "--force")
    assert forced.returncode == 0, forced.stderr
    assert tracked(redline)[0] == ["5", "3"]  # the forced run's edit: five directors, so a board quorum of 3
    bad = run_coopkit("amend", str(dest), "--date", "31/01/2027")
    assert bad.returncode == 2 and "YYYY-MM-DD" in bad.stderr


def test_render_after_the_resolution_keeps_the_amendment_history(coop, tmp_path):
    dest = copy_of(coop, tmp_path)
    edit(dest, board_size="4")
    assert run_coopkit("amend", str(dest), "--date", DATE).returncode == 0
    done = run_coopkit("render", str(dest))
    assert done.returncode == 0, done.stderr
    assert (dest / "legal" / "amendments" / DATE / "rules-redline.pdf").is_file()
    assert "board_size: 4" in (dest / "legal" / ".profile.yml").read_text(encoding="utf-8")
    assert "nothing was written" in run_coopkit("amend", str(dest), "--date", "2027-02-01").stdout


def test_amend_without_the_profile_snapshot_explains_what_to_do(coop, tmp_path):
    dest = copy_of(coop, tmp_path)
    (dest / "legal" / ".profile.yml").unlink()
    done = run_coopkit("amend", str(dest))
    assert done.returncode == 2 and "coopkit render" in done.stderr and "Traceback" not in done.stderr


def test_word_diff_marks_words_and_keeps_paragraphs():
    old = block_texts("The board has **3** directors.\n\n1. 20% to reserve\n2. 80% to members\n")
    new = block_texts("The board has **5** directors.\n\n1. 25% to reserve\n2. 75% to members\n")
    paragraphs = word_diff(old, new)
    assert len(paragraphs) == 3
    assert [(op, t) for op, t in paragraphs[0] if op != "="] == [("-", "3"), ("+", "5")]
    assert "".join(t for op, t in paragraphs[2] if op != "-") == "2. 75% to members"


@pytest.mark.parametrize(("jid", "majority", "cite"), [
    ("br", "Dois terços", "Lei 5.764/1971 art. 46"), ("de", "§ 16", "§ 16 GenG"), ("es", "Dos tercios", "Ley 27/1999 art. 11.3"),
    ("nl", "twee derden", "BW 2:43"), ("us-tx", "majority of the members voting", "251.053")])
def test_amendments_in_the_official_language_cite_the_registration_law(jid, majority, cite, tmp_path):
    """Straight through the library: DEST holds coop.yml and the snapshot `new` writes."""
    from coopkit.amend import amend
    from coopkit.catalog import Catalog
    from coopkit.profile import dump_profile
    from test_legal import valid_profile

    catalog = Catalog()
    fid = catalog.jurisdiction(jid).forms[0].id
    profile = valid_profile(catalog, jid, fid)
    (tmp_path / "legal").mkdir()
    (tmp_path / "legal" / ".profile.yml").write_text(dump_profile(profile), encoding="utf-8")
    changed = profile.model_copy(update={"surplus": profile.surplus.model_copy(update={
        "reserve_percent": profile.surplus.reserve_percent + 5,
        "patronage_percent": profile.surplus.patronage_percent - 5})})
    (tmp_path / "coop.yml").write_text(dump_profile(changed), encoding="utf-8")
    written = amend(tmp_path, date=DATE)
    language = profile.language or "en"
    suffix = "" if language.startswith("en") else ".en"
    out = tmp_path / "legal" / "amendments" / DATE
    assert out / "special-resolution.pdf" in written and (not suffix or out / "special-resolution.en.pdf" in written)
    text = " ".join(pdf_text(out / "special-resolution.pdf").split())
    assert cite in text and majority in text, text[:400]
    ins, dels, _, _ = tracked(next(p for p in written if p.name.endswith("-redline.docx")))
    assert str(int(profile.surplus.reserve_percent)) in dels and str(int(changed.surplus.reserve_percent)) in ins
    from test_docx import soffice_pdf

    pdf = soffice_pdf([next(p for p in written if p.name.endswith("-redline.docx"))], tmp_path / "lo")[0]
    assert " ".join(pdf_text(pdf).split())  # LibreOffice opens the tracked changes


def test_a_clause_taken_out_is_deleted_and_the_clauses_after_it_renumbered(tmp_path):
    from coopkit.amend import amend
    from coopkit.catalog import Catalog
    from coopkit.profile import dump_profile
    from test_legal import valid_profile

    catalog = Catalog()
    profile = valid_profile(catalog, "gb", "registered-society")
    assert profile.sweat_equity.enabled
    (tmp_path / "legal").mkdir()
    (tmp_path / "legal" / ".profile.yml").write_text(dump_profile(profile), encoding="utf-8")
    changed = profile.model_copy(update={"sweat_equity": profile.sweat_equity.model_copy(update={"enabled": False})})
    (tmp_path / "coop.yml").write_text(dump_profile(changed), encoding="utf-8")
    written = amend(tmp_path, date=DATE)
    redline = next(p for p in written if p.name == "rules-redline.docx")
    ins, dels, _, _ = tracked(redline)
    deleted = [d for d in dels if "Sweat equity" in d or "sweat" in d.casefold()]
    assert deleted, dels  # the clause's heading and text are struck through
    # the clauses after it move up one: each heading shows its old number deleted and the new one inserted
    renumbered = heading_number_changes(redline)
    assert renumbered and all(int(i.split(".")[1]) == int(d.split(".")[1]) - 1 for d, i in renumbered), renumbered
    resolution = (tmp_path / "legal" / "amendments" / DATE / "special-resolution.md").read_text(encoding="utf-8")
    assert "Clause deleted" in resolution and "→" in resolution


def test_an_amendment_the_law_forbids_is_refused_with_its_citation_and_nothing_written(coop, tmp_path):
    dest = copy_of(coop, tmp_path)
    edit(dest, special_majority_percent="50")
    done = run_coopkit("amend", str(dest), "--date", DATE)
    assert done.returncode == 3, done.stderr
    assert "governance.special_majority_percent" in done.stderr and "Traceback" not in done.stderr
    assert not (dest / "legal" / "amendments").exists()
