"""Word files: every legal form's rules (official language and English translation) open in LibreOffice
and print their clause headings; Word styles, real clause numbering and page fields are in the XML;
the bytes are the same on every run. Needs Debian's libreoffice-writer-nogui (`soffice`) and
poppler-utils (`pdftotext`).

LibreOffice takes a second or two to start, so every form's rules documents (the document kind whose
clauses the statute governs) are converted in one call for the whole module; the agreements and minutes
share the same code path and are converted for one form (gb) and in the CLI test."""
from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from conftest import EXAMPLE, pdf_text, run_coopkit
from coopkit.catalog import Catalog
from coopkit.context import template_context
from coopkit.documents import render_documents, write_documents
from coopkit.legal import load_strings
from test_legal import valid_profile

CATALOG = Catalog()
FORMS = [(j.id, f.id) for j in CATALOG.jurisdictions.values() for f in j.forms]
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def soffice_pdf(paths: list[Path], out: Path) -> list[Path]:
    """Convert with LibreOffice in its own throw-away user profile; fail loudly if it cannot."""
    binary = shutil.which("soffice") or shutil.which("libreoffice")
    assert binary, "LibreOffice is not installed (Debian: apt install libreoffice-writer-nogui)"
    done = subprocess.run([binary, f"-env:UserInstallation=file://{out}/lo-profile", "--headless", "--convert-to",
                           "pdf", "--outdir", str(out), *map(str, paths)], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    pdfs = [out / (p.stem + ".pdf") for p in paths]
    for pdf in pdfs:
        assert pdf.is_file(), f"LibreOffice wrote no {pdf.name}: {done.stdout} {done.stderr}"
    return pdfs


def xml(path: Path, part: str) -> str:
    with zipfile.ZipFile(path) as archive:
        return archive.read(part).decode("utf-8")


def paragraphs(document_xml: str) -> list[tuple[str, str, str | None]]:
    """(style, text, list level or None) of each paragraph of the body."""
    from lxml import etree

    root = etree.fromstring(document_xml.encode())
    out = []
    for p in root.iter(f"{W}p"):
        style = p.find(f"{W}pPr/{W}pStyle")
        level = p.find(f"{W}pPr/{W}numPr/{W}ilvl")
        text = "".join(t.text or "" for t in p.iter(f"{W}t"))
        out.append((style.get(f"{W}val") if style is not None else "", text,
                    level.get(f"{W}val") if level is not None else None))
    return out


@pytest.fixture(scope="module")
def converted(tmp_path_factory):
    """Every form's rules documents as Word files, all converted to PDF by one LibreOffice call:
    {(jid, fid): (context, [(document, docx, pdf)])}."""
    root = tmp_path_factory.mktemp("docx-forms")
    forms, inbox = {}, root / "all"
    inbox.mkdir()
    for jid, fid in FORMS:
        profile = valid_profile(CATALOG, jid, fid)
        context = {**template_context(profile, CATALOG), "build": "review"}
        docs = [d for d in render_documents(profile, CATALOG, context) if d.spec.kind == "rules"]
        if jid == "gb":
            docs = render_documents(profile, CATALOG, context)  # every kind of document, once
        written = write_documents(docs, root / f"{jid}-{fid}", CATALOG, context, formats=("docx",))
        assert [p.suffix for p in written] == [".docx"] * len(docs)
        # one folder for the conversion: LibreOffice names each PDF after its file
        named = [inbox / f"{jid}--{fid}--{p.name}" for p in written]
        for source, target in zip(written, named, strict=True):
            shutil.copyfile(source, target)
        forms[jid, fid] = (context, docs, written, named)
    pdfs = dict(zip([n for *_, named in forms.values() for n in named],
                    soffice_pdf([n for *_, named in forms.values() for n in named], root / "lo"), strict=True))
    return {key: (context, [(d, w, pdfs[n]) for d, w, n in zip(docs, written, named, strict=True)])
            for key, (context, docs, written, named) in forms.items()}


@pytest.mark.parametrize(("jid", "fid"), FORMS, ids=["-".join(f) for f in FORMS])
def test_every_form_s_rules_docx_opens_in_libreoffice_with_its_clauses(jid, fid, converted):
    context, files = converted[jid, fid]
    for doc, docx, pdf in files:
        text = " ".join(pdf_text(pdf).split())
        strings = load_strings(CATALOG, doc.language)
        # Word's numbering prints the numbers; the heading text holds only the title
        for clause in doc.clauses:
            assert " ".join(f"{clause.number} {clause.title}".split()) in text, (doc.filename, clause.number)
        assert (f"{strings['article']} 1." if doc.numbering == "articles" else "I. ") in text
        assert "Test Platform" in text and context["profile_hash"] in text
        assert re.search(rf"{re.escape(strings['page'])} 1 {re.escape(strings['of'])} \d+", text), doc.filename
        body = paragraphs(xml(docx, "word/document.xml"))
        clause_headings = [(s, t, lvl) for s, t, lvl in body if s == "Heading3"]
        assert len(clause_headings) == len(doc.clauses)
        for (_, heading, level), clause in zip(clause_headings, doc.clauses, strict=True):
            # a real list item (w:numPr), so Word renumbers it: level 2 of the article list, or "§ N" in a list of its own
            assert level == ("1" if doc.numbering == "articles" else "0"), heading
            assert not heading.startswith(clause.number), f"typed number in {heading!r}"
        assert [s for s, _, _ in body if s == "Heading1"] == ["Heading1"]  # the title
        assert all(lvl == "0" for s, _, lvl in body if s == "Heading2" and lvl is not None)


def test_docx_styles_fields_numbering_and_metadata(tmp_path):
    profile = valid_profile(CATALOG, "gb", "registered-society")
    context = {**template_context(profile, CATALOG), "build": "review"}
    rules = next(d for d in render_documents(profile, CATALOG, context) if d.filename == "rules")
    path = write_documents([rules], tmp_path, CATALOG, context, formats=("docx",))[0]
    styles = xml(path, "word/styles.xml")
    for name in ("heading 1", "heading 2", "heading 3"):
        assert f'w:name="{name}"' in styles
    numbering = xml(path, "word/numbering.xml")
    assert 'w:lvlText w:val="Article %1."' in numbering and 'w:lvlText w:val="%1.%2"' in numbering
    footer = "".join(xml(path, n) for n in zipfile.ZipFile(path).namelist() if n.startswith("word/footer"))
    assert " PAGE " in footer and " NUMPAGES " in footer and context["profile_hash"] in footer
    assert "A template to be reviewed by a lawyer" in footer
    document = xml(path, "word/document.xml")
    assert 'w:name="c_quorum"' in document  # each clause heading is a bookmark…
    refs = re.findall(r"REF (c_\w+) \\w \\h", document)  # …that ref() links point to, so Word renumbers them
    assert refs and all(f'w:name="{name}"' in document for name in refs)
    core = xml(path, "docProps/core.xml")
    assert f"{context['document_date']}T12:00:00Z" in core and "coopkit" in core
    with zipfile.ZipFile(path) as archive:
        assert {i.date_time for i in archive.infolist()} == {(*map(int, str(context["document_date"]).split("-")), 12, 0, 0)}
        assert "docProps/thumbnail.jpeg" not in archive.namelist()


# The order of w:pPr's children in the OOXML schema (CT_PPrBase, as python-docx keeps it): Word asks to
# "repair" a file whose paragraph properties come in another order, even when LibreOffice reads it.
PPR_ORDER = ("pStyle keepNext keepLines pageBreakBefore framePr widowControl numPr suppressLineNumbers pBdr shd tabs "
             "suppressAutoHyphens kinsoku wordWrap overflowPunct topLinePunct autoSpaceDE autoSpaceDN bidi "
             "adjustRightInd snapToGrid spacing ind contextualSpacing mirrorIndents suppressOverlap jc textDirection "
             "textAlignment textboxTightWrap outlineLvl divId cnfStyle rPr sectPr pPrChange").split()


def ppr_order_problems(path: Path) -> list[str]:
    from lxml import etree

    problems = []
    with zipfile.ZipFile(path) as archive:
        for part in ("word/document.xml", "word/styles.xml", "word/numbering.xml"):
            for ppr in etree.fromstring(archive.read(part)).iter(f"{W}pPr"):
                tags = [c.tag.split("}")[1] for c in ppr]
                known = [PPR_ORDER.index(t) for t in tags if t in PPR_ORDER]
                if known != sorted(known):
                    problems.append(f"{part}: {tags}")
    return problems


def test_paragraph_properties_follow_the_schema_order_in_documents_handbook_and_redline(tmp_path):
    profile = valid_profile(CATALOG, "gb", "registered-society")
    context = {**template_context(profile, CATALOG), "build": "review"}
    docs = render_documents(profile, CATALOG, context)
    written = write_documents(docs, tmp_path, CATALOG, context, formats=("docx",))
    from coopkit.amend import ClauseChange, redline_docx_writer
    from coopkit.wordprocessing import DocxMeta

    change = ClauseChange("board", "The Board", "6.1", "6.2", [[("=", "of "), ("-", "3"), ("+", "5"), ("=", " directors")]],
                          "Article 6")
    redline = tmp_path / "redline.docx"
    redline_docx_writer("Redline", [change], {"redline_intro": "intro"}, context["document_date"])(
        redline, DocxMeta(title="t", language="en", date=context["document_date"], author="a", provenance="p"))
    for path in [*written, redline]:
        assert ppr_order_problems(path) == [], path.name


def test_docx_bytes_are_the_same_on_every_run(tmp_path):
    profile = valid_profile(CATALOG, "de", CATALOG.jurisdiction("de").forms[0].id)
    context = {**template_context(profile, CATALOG), "build": "final"}
    docs = render_documents(profile, CATALOG, context, build="final")
    first = write_documents(docs, tmp_path / "a", CATALOG, context, formats=("docx",))
    second = write_documents(docs, tmp_path / "b", CATALOG, context, formats=("docx",))
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]


def test_cli_format_docx_writes_only_word_files_and_the_handbook_docx_opens(tmp_path):
    done = run_coopkit("legal", "--answers", str(EXAMPLE), "-o", str(tmp_path / "legal"), "--format", "docx")
    assert done.returncode == 0, done.stderr
    names = sorted(p.name for p in (tmp_path / "legal").iterdir())
    assert names and all(n.endswith(".docx") for n in names) and "rules.docx" in names
    done = run_coopkit("handbook", "--answers", str(EXAMPLE), "-o", str(tmp_path / "hb"), "--format", "docx",
                       "--format", "pdf")
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in (tmp_path / "hb").iterdir()) == ["handbook.docx", "handbook.pdf"]
    pdf = soffice_pdf([tmp_path / "hb" / "handbook.docx"], tmp_path / "lo")[0]
    text = " ".join(pdf_text(pdf).split())
    chapters = [(t, lvl) for s, t, lvl in paragraphs(xml(tmp_path / "hb" / "handbook.docx", "word/document.xml"))
                if s == "Heading1"]
    assert chapters and all(lvl == "0" and not t[0].isdigit() for t, lvl in chapters), chapters[:3]
    # Word's numbering prints "1 <first chapter>", "2 <second>"…
    assert "Pedal Power Couriers" in text and "Page 1 of" in text
    assert f"1 {chapters[0][0]}" in text and f"2 {chapters[1][0]}" in text
    bad = run_coopkit("legal", "--answers", str(EXAMPLE), "-o", str(tmp_path / "x"), "--format", "odt")
    assert bad.returncode == 2 and "odt" in bad.stderr


@pytest.mark.parametrize("text", ["plain", " edge spaces ", "a\ttab", "a\rreturn"])
@pytest.mark.parametrize("bold, italic, mono", [(False, False, False), (True, False, False), (True, True, True)])
def test_runs_are_the_xml_python_docx_writes(text, bold, italic, mono):
    """The writer builds runs with the element tree for speed; each is the XML python-docx's add_run writes."""
    from docx import Document as new_document
    from lxml import etree

    from coopkit.wordprocessing import _BodyWriter

    expected, built = new_document().add_paragraph(), new_document().add_paragraph()
    run = expected.add_run(text)
    if bold:
        run.bold = True
    if italic:
        run.italic = True
    if mono:
        run.font.name = "DejaVu Sans Mono"
    _BodyWriter._run(built, text, bold, italic, mono)
    assert etree.tostring(built._p) == etree.tostring(expected._p)
