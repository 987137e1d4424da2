"""Word (.docx) versions of the documents, from the same HTML the PDF is printed from.

The Markdown → HTML body of a document is walked element by element into python-docx: headings get
Word's own "Heading 1–3" styles, articles and clauses get a real multilevel list (w:numPr) so Word
renumbers them when a lawyer inserts a clause, `ref()` links become REF fields to the clause's
bookmark, and the footer carries the provenance line and "Page X of Y" as PAGE / NUMPAGES fields.
Bytes are deterministic: fixed core-property dates and fixed dates on every zip entry.
"""
from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docx import Document as new_document
from docx.document import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Pt, RGBColor
from docx.text.paragraph import Paragraph
from lxml import html as lxml_html

from .incremental import atomic_write

AUTHOR = "coopkit"
NOTE_STYLE = "Review Note"
MARK_STYLE = "Notice"


@dataclass
class DocxMeta:
    """What a .docx needs beside its body: title, language, date and the footer's words."""

    title: str
    language: str
    date: dt.date
    author: str  # the co-op's full name
    provenance: str  # the footer line: name — title, coopkit version, profile hash, date, notice
    page_word: str = "Page"
    of_word: str = "of"
    header: str = ""  # the review / draft mark, printed at the top of every page
    notices: list[str] = field(default_factory=list)  # paragraphs before the body (template notice…)
    article_word: str = ""  # "Article": numbered articles (Heading 2) and clauses (Heading 3)
    clause_numbers: dict[str, str] = field(default_factory=dict)  # clause id → "2.3" as typed in the HTML
    numbering: str = "articles"  # or "sections": parts "II.", clauses "§ 5" counted through the document
    chapter_numbers: bool = False  # the handbook: number its chapters (Heading 1)
    cover: str = ""  # a title paragraph before the notices (the handbook's cover)


def zip_date(date: dt.date) -> tuple[int, int, int, int, int, int]:
    return (max(date.year, 1980), date.month, date.day, 12, 0, 0)


def deterministic_zip(data: bytes, date: dt.date) -> bytes:
    """The same archive with every entry dated `date` (python-docx stamps entries with the time of saving)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename == "docProps/thumbnail.jpeg":  # python-docx's stock thumbnail, not this document
                continue
            entry = zipfile.ZipInfo(info.filename, date_time=zip_date(date))
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.create_system = 0
            entry.external_attr = 0o644 << 16
            body = source.read(info.filename)
            if info.filename in ("[Content_Types].xml", "_rels/.rels"):
                body = re.sub(rb'<(Override|Relationship)[^>]*thumbnail[^>]*/>', b"", body)
            target.writestr(entry, body)
    return out.getvalue()


def save_docx(document: Document, out: Path, date: dt.date) -> Path:
    """Write atomically (a temporary file beside `out`, then renamed) with deterministic bytes."""
    buffer = io.BytesIO()
    document.save(buffer)
    atomic_write(out, deterministic_zip(buffer.getvalue(), date))
    return out


def base_document(meta: DocxMeta) -> Document:
    """A document with coopkit's styles, core properties, header mark and footer."""
    document = new_document()
    props = document.core_properties
    moment = dt.datetime.combine(meta.date, dt.time(12))
    # core properties hold at most 255 characters (python-docx refuses more; a long name and title can)
    props.title, props.author, props.last_modified_by = meta.title[:255], meta.author[:255], AUTHOR
    props.created = props.modified = props.last_printed = moment
    props.revision, props.language, props.comments = 1, meta.language, meta.provenance[:255]
    props.subject = props.keywords = props.category = props.identifier = props.version = ""
    props.content_status = ""
    styles = document.styles
    styles["Normal"].font.name = "DejaVu Serif"
    styles["Normal"].font.size = Pt(10.5)
    if NOTE_STYLE not in [s.name for s in styles]:
        note = styles.add_style(NOTE_STYLE, WD_STYLE_TYPE.PARAGRAPH)
        note.base_style = styles["Normal"]
        note.font.size = Pt(9)
        note.font.color.rgb = RGBColor(0x33, 0x44, 0x66)
        # w:shd before w:ind, as the schema orders them (Word asks to repair a file that does not)
        note.element.get_or_add_pPr().append(parse_xml(
            f'<w:shd {nsdecls("w")} w:val="clear" w:color="auto" w:fill="EEF2F8"/>'))
        note.paragraph_format.left_indent = Pt(18)
        mark = styles.add_style(MARK_STYLE, WD_STYLE_TYPE.PARAGRAPH)
        mark.base_style = styles["Normal"]
        mark.font.size = Pt(9)
        mark.font.italic = True
    for name in ("Heading 1", "Heading 2", "Heading 3"):
        styles[name].font.name = "DejaVu Sans"
    _header_footer(document, meta)
    if meta.cover:
        document.add_paragraph(meta.cover, style="Title")
    for text in meta.notices:
        document.add_paragraph(text, style=MARK_STYLE)
    return document


def _header_footer(document: Document, meta: DocxMeta) -> None:
    section = document.sections[0]
    if meta.header:
        section.header.paragraphs[0].text = meta.header
        section.header.paragraphs[0].style = document.styles["Header"]
    footer = section.footer.paragraphs[0]
    footer.style = document.styles["Footer"]
    run = footer.add_run(meta.provenance)
    run.font.size = Pt(8)
    pages = section.footer.add_paragraph(style=document.styles["Footer"])
    pages.add_run(f"{meta.page_word} ")
    add_field(pages, "PAGE", "1")
    pages.add_run(f" {meta.of_word} ")
    add_field(pages, "NUMPAGES", "1")


def add_field(paragraph: Paragraph, instruction: str, shown: str) -> None:
    """A complex field (begin / instruction / separate / cached result / end), which Word and
    LibreOffice both update: PAGE, NUMPAGES, REF."""
    p = paragraph._p
    for xml in (f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="begin"/></w:r>',
                f'<w:r {nsdecls("w")}><w:instrText xml:space="preserve"> {instruction} </w:instrText></w:r>',
                f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="separate"/></w:r>',
                f'<w:r {nsdecls("w")}><w:t xml:space="preserve">{_xml_text(shown)}</w:t></w:r>',
                f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="end"/></w:r>'):
        p.append(parse_xml(xml))


def _xml_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def bookmark_name(anchor: str) -> str:
    """Word bookmark names: a letter first, letters, digits and underscores, at most 40 characters."""
    return ("c_" + re.sub(r"\W", "_", anchor))[:40]


def _numbering(document: Document, levels: list[tuple[str, str]]) -> int:
    """A new multilevel list definition (levels: (format, text) such as ("decimal", "%1.%2")) and a
    list instance of it; returns the instance's numId."""
    numbering = document.part.numbering_part.element
    ids = [int(a.get(qn("w:abstractNumId"))) for a in numbering.findall(qn("w:abstractNum"))]
    abstract_id = max(ids, default=0) + 1
    lvls = "".join(
        f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/><w:suff w:val="space"/>'
        f'<w:lvlText w:val="{_xml_text(text)}"/><w:lvlJc w:val="left"/>'
        f'<w:pPr><w:ind w:left="{360 * i if fmt != "decimal-list" else 360}" w:hanging="0"/></w:pPr></w:lvl>'
        for i, (fmt, text) in enumerate(levels))
    abstract = parse_xml(f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{abstract_id}">'
                         f'<w:multiLevelType w:val="multilevel"/>{lvls}</w:abstractNum>')
    first_num = numbering.find(qn("w:num"))
    if first_num is not None:
        first_num.addprevious(abstract)
    else:
        numbering.append(abstract)
    num = numbering.add_num(abstract_id)
    return int(num.numId)


def _list_numbering(document: Document, start: int = 1) -> int:
    """A fresh "1. 2. 3." list that starts again at `start` (each ordered list of the HTML)."""
    numbering = document.part.numbering_part.element
    key = "_coopkit_ol"
    abstract_id = getattr(document, key, None)
    if abstract_id is None:
        num_id = _numbering(document, [("decimal", "%1."), ("lowerLetter", "%2)"), ("lowerRoman", "%3.")])
        abstract_id = int(numbering.num_having_numId(num_id).abstractNumId.val)
        setattr(document, key, abstract_id)
    num = numbering.add_num(abstract_id)
    num.add_lvlOverride(ilvl=0).add_startOverride(start)
    return int(num.numId)


def set_numbering(paragraph: Paragraph, num_id: int, level: int) -> None:
    num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
    num_pr.get_or_add_ilvl().val = level
    num_pr.get_or_add_numId().val = num_id


_SECT_PR = qn("w:sectPr")


class _BodyWriter:
    """Walks the HTML of a document body into the python-docx document."""

    def __init__(self, document: Document, meta: DocxMeta):
        self.document = document
        self.meta = meta
        sections = meta.numbering == "sections"  # parts "II." and, in a list of their own, clauses "§ 5"
        levels = [("upperRoman", "%1.")] if sections else [("decimal", f"{meta.article_word} %1."), ("decimal", "%1.%2")]
        self.clause_num = _numbering(document, levels) if meta.article_word else 0
        self.section_num = _numbering(document, [("decimal", "§\u00a0%1")]) if meta.article_word and sections else 0
        self.chapter_num = _numbering(document, [("decimal", "%1")]) if meta.chapter_numbers else 0
        self.bookmark_id = 0
        self._style_ids: dict[str, str | None] = {}

    def paragraph(self, style: str | None = None, text: str = "") -> Paragraph:
        """A new paragraph of `style` at the end of the body, as `Document.add_paragraph` makes it.

        Built here with the element tree: python-docx looks a style up by scanning every style of the
        document (twice) for each paragraph, and finds where the paragraph and its properties go with
        an XPath query each time. The style id is looked up once per name; a new paragraph goes just
        before the section properties (the body's last child), its properties first."""
        p = OxmlElement("w:p")
        if style:
            if style not in self._style_ids:
                self._style_ids[style] = self.document.styles.get_style_id(style, WD_STYLE_TYPE.PARAGRAPH)
            style_id = self._style_ids[style]
            if style_id:
                properties, style_element = OxmlElement("w:pPr"), OxmlElement("w:pStyle")
                style_element.set(qn("w:val"), style_id)
                properties.append(style_element)
                p.append(properties)
        body = self.document.element.body
        section = body.find(_SECT_PR)
        if section is not None:
            section.addprevious(p)
        else:
            body.append(p)
        paragraph = Paragraph(p, self.document._body)
        if text:
            paragraph.add_run(text)
        return paragraph

    # blocks -------------------------------------------------------------------------------------
    def block(self, el: Any, style: str | None = None, list_level: int = 0) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        classes = (el.get("class") or "").split()
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self.heading(el, int(tag[1]))
        elif tag == "p":
            paragraph = self.paragraph(style)
            self.inline(paragraph, el)
        elif tag in ("ul", "ol"):
            self.listing(el, ordered=tag == "ol", level=list_level)
        elif tag == "table":
            self.table(el)
        elif tag == "blockquote":
            for child in el:
                self.block(child, style="Quote")
        elif tag == "div" and "admonition" in classes:
            for child in el:
                child_classes = (child.get("class") or "").split()
                paragraph = self.paragraph(NOTE_STYLE)
                if "admonition-title" in child_classes:
                    paragraph.add_run(child.text_content().strip()).bold = True
                else:
                    self.inline(paragraph, child)
        elif tag == "dl":
            for child in el:
                paragraph = self.paragraph(style)
                if child.tag == "dt":
                    paragraph.add_run(child.text_content().strip()).bold = True
                else:
                    paragraph.paragraph_format.left_indent = Pt(18)
                    self.inline(paragraph, child)
        elif tag == "pre":
            paragraph = self.paragraph("No Spacing")
            run = paragraph.add_run(el.text_content())
            run.font.name = "DejaVu Sans Mono"
        elif tag == "svg":
            self.svg(el)
        elif tag in ("div", "section", "main", "article", "footer", "header"):
            for child in el:
                self.block(child, style=style, list_level=list_level)
        elif tag == "hr":
            self.paragraph()
        elif tag in ("nav", "style", "script", ""):
            return
        else:  # inline content at block level
            paragraph = self.paragraph(style)
            self.inline(paragraph, el, own=True)

    def heading(self, el: Any, level: int) -> None:
        anchor = el.get("id") or ""
        text = el.text_content().strip()
        paragraph = self.paragraph(f"Heading {min(level, 3)}")
        number = None
        if self.clause_num and level == 2 and re.fullmatch(r"article-\d+", anchor):
            number = 0
            typed = r"[IVXLCDM]+\." if self.meta.numbering == "sections" else rf"{re.escape(self.meta.article_word)}\s+\d+\."
            text = re.sub(rf"^{typed}\s*", "", text)
        elif self.clause_num and level == 3 and anchor in self.meta.clause_numbers:
            number = 1
            text = text.removeprefix(self.meta.clause_numbers[anchor]).strip()
        elif self.chapter_num and level == 1 and anchor.startswith("ch-"):
            for span in el.find_class("chapter-num"):
                text = text.removeprefix(span.text_content().strip()).strip()
            set_numbering(paragraph, self.chapter_num, 0)
        if number is not None:
            set_numbering(paragraph, *((self.section_num, 0) if number and self.section_num else (self.clause_num, number)))
        if anchor:
            self._bookmark(paragraph, anchor, text)
        else:
            paragraph.add_run(text)

    def _bookmark(self, paragraph: Paragraph, anchor: str, text: str) -> None:
        self.bookmark_id += 1
        name = bookmark_name(anchor)
        p = paragraph._p
        p.append(parse_xml(f'<w:bookmarkStart {nsdecls("w")} w:id="{self.bookmark_id}" w:name="{name}"/>'))
        paragraph.add_run(text)
        p.append(parse_xml(f'<w:bookmarkEnd {nsdecls("w")} w:id="{self.bookmark_id}"/>'))

    def listing(self, el: Any, *, ordered: bool, level: int) -> None:
        num_id = _list_numbering(self.document, int(el.get("start") or 1)) if ordered else 0
        for item in el:
            if item.tag != "li":
                continue
            style = f"List Bullet{'' if level == 0 else f' {min(level + 1, 3)}'}" if not ordered else "List Paragraph"
            paragraph = self.paragraph(style)
            if ordered:
                set_numbering(paragraph, num_id, min(level, 2))
            nested = [c for c in item if c.tag in ("ul", "ol")]
            blocks = [c for c in item if c.tag == "p"]
            if blocks:  # a "loose" list: <li><p>…</p></li>
                self.inline(paragraph, blocks[0])
                for extra in blocks[1:]:
                    self.inline(self.paragraph("List Continue"), extra)
            else:
                self.inline(paragraph, item, skip={"ul", "ol"})
            for child in nested:
                self.listing(child, ordered=child.tag == "ol", level=level + 1)

    def table(self, el: Any) -> None:
        rows = [tr for tr in el.iter("tr")]
        if not rows:
            return
        width = max(len([c for c in tr if c.tag in ("td", "th")]) for tr in rows)
        table = self.document.add_table(rows=len(rows), cols=width)
        if "Table Grid" not in self._style_ids:  # as `table.style = ...`, whose lookup scans every style each time
            self._style_ids["Table Grid"] = self.document.styles.get_style_id(self.document.styles["Table Grid"],
                                                                              WD_STYLE_TYPE.TABLE)
        table._tbl.tblStyle_val = self._style_ids["Table Grid"]
        for tr, row in zip(rows, table.rows, strict=True):  # row by row: table.cell() rebuilds the whole grid each call
            docx_cells = row.cells
            for c, cell in enumerate(c for c in tr if c.tag in ("td", "th")):
                self.inline(docx_cells[c].paragraphs[0], cell, bold=cell.tag == "th")
        self.paragraph()

    def svg(self, el: Any) -> None:
        """Charts stay in the PDF and HTML; the .docx gets their title and description as text."""
        words = [t.text_content().strip() for t in el if isinstance(t.tag, str) and t.tag in ("title", "desc")]
        if words:
            self.paragraph("Caption", " — ".join(w for w in words if w))

    # inline -------------------------------------------------------------------------------------
    def inline(self, paragraph: Paragraph, el: Any, *, bold: bool = False, italic: bool = False, mono: bool = False,
               own: bool = False, skip: frozenset[str] | set[str] = frozenset()) -> None:
        if own:
            self._inline_element(paragraph, el, bold, italic, mono)
            if el.tail:
                self._run(paragraph, el.tail, bold, italic, mono)
            return
        if el.text:
            self._run(paragraph, el.text, bold, italic, mono)
        for child in el:
            if isinstance(child.tag, str) and child.tag in skip:
                continue
            self._inline_element(paragraph, child, bold, italic, mono)
            if child.tail:
                self._run(paragraph, child.tail, bold, italic, mono)

    def _inline_element(self, paragraph: Paragraph, el: Any, bold: bool, italic: bool, mono: bool) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag in ("strong", "b"):
            self.inline(paragraph, el, bold=True, italic=italic, mono=mono)
        elif tag in ("em", "i"):
            self.inline(paragraph, el, bold=bold, italic=True, mono=mono)
        elif tag == "code":
            self.inline(paragraph, el, bold=bold, italic=italic, mono=True)
        elif tag == "br":
            paragraph.add_run().add_break()
        elif tag == "a":
            self.link(paragraph, el, bold, italic)
        elif tag == "sup":
            paragraph.add_run(el.text_content()).font.superscript = True
        elif tag == "img":
            self._run(paragraph, el.get("alt") or "", bold, italic, mono)
        elif tag in ("svg", "p", "ul", "ol", "table", "div"):
            return
        elif tag:
            self.inline(paragraph, el, bold=bold, italic=italic, mono=mono)

    def link(self, paragraph: Paragraph, el: Any, bold: bool, italic: bool) -> None:
        href = el.get("href") or ""
        text = el.text_content()
        target = href[1:] if href.startswith("#") else ""
        if target and target in self.meta.clause_numbers and text.strip() == self.meta.clause_numbers[target]:
            add_field(paragraph, f"REF {bookmark_name(target)} \\w \\h", text)  # Word renumbers the reference
            return
        self._run(paragraph, text, bold, italic, False)
        if href and not href.startswith("#") and href != text and not href.startswith("mailto:"):
            self._run(paragraph, f" ({href})", bold, italic, False)

    @staticmethod
    def _run(paragraph: Paragraph, text: str, bold: bool, italic: bool, mono: bool) -> None:
        """A run of `text` at the end of `paragraph`, as python-docx's `add_run` and its bold, italic and
        font name setters make it (`<w:rPr>` with rFonts, b, i in the schema's order, then the text), built
        with the element tree: python-docx finds each property's place with an XPath query and reads the
        text character by character (about a third of writing a Word file)."""
        text = re.sub(r"\s*\n\s*", " ", text)
        if not text:
            return
        r = OxmlElement("w:r")
        if bold or italic or mono:
            properties = OxmlElement("w:rPr")
            if mono:
                fonts = OxmlElement("w:rFonts")
                fonts.set(qn("w:ascii"), "DejaVu Sans Mono")
                fonts.set(qn("w:hAnsi"), "DejaVu Sans Mono")
                properties.append(fonts)
            if bold:
                properties.append(OxmlElement("w:b"))
            if italic:
                properties.append(OxmlElement("w:i"))
            r.append(properties)
        if "\t" in text or "\r" in text:
            r.text = text  # python-docx's reader: tabs and returns become <w:tab/> and <w:br/>
        else:
            r.add_t(text)  # one <w:t>, keeping its edge spaces
        paragraph._p.append(r)


def html_to_docx(body_html: str, meta: DocxMeta, out: Path, *, skip_first_h1: bool = False) -> Path:
    """Convert an HTML body (fragment or page) into `out`."""
    document = base_document(meta)
    writer = _BodyWriter(document, meta)
    root = lxml_html.fromstring(f"<div>{body_html}</div>") if "<html" not in body_html[:200] else \
        lxml_html.document_fromstring(body_html.encode("utf-8"))
    main = root.find(".//main") if root.find(".//main") is not None else root.find(".//body")
    for child in (main if main is not None else root):
        writer.block(child)
    return save_docx(document, out, meta.date)


__all__ = ["DocxMeta", "html_to_docx", "base_document", "save_docx", "deterministic_zip", "add_field",
           "set_numbering", "bookmark_name", "AUTHOR"]


def legal_meta(*, title: str, language: str, context: dict, strings: dict, build: str,
               translation_notice: str = "", numbered: dict[str, str] | None = None,
               numbering: str = "articles") -> DocxMeta:
    """The DocxMeta of a legal document, with the same words as its PDF's running footer."""
    mark = strings["draft_mark"] if context.get("draft") else strings["review_mark"] if build == "review" else ""
    notices = [m for m in ((f"{strings['draft_mark']} — {strings['draft_notice']}" if context.get("draft") else mark),
                           translation_notice, strings["template_notice"]) if m]
    provenance = (f"{context['full_name']} — {title}. {strings['made_with']} {context['coopkit_version']}, "
                  f"{strings['profile']} {context['profile_hash']}, {context['document_date']}. "
                  f"{strings['template_notice']}")
    return DocxMeta(title=title, language=language, date=context["document_date"], author=context["full_name"],
                    provenance=provenance, page_word=strings["page"], of_word=strings["of"], header=mark,
                    notices=notices, article_word=strings["article"] if numbered is not None else "",
                    clause_numbers=numbered or {}, numbering=numbering)


def write_document_docx(doc: Any, out: Path, context: dict, strings: dict) -> Path:
    """A rendered legal document (legal.RenderedDocument) as .docx, numbered like its PDF."""
    from .render import markdown_to_html

    translation_notice = ""
    if doc.translation_of:
        names = strings.get("language_names", {})
        translation_notice = strings["translation_notice"].format(language=names.get(doc.translation_of, doc.translation_of))
    meta = legal_meta(title=doc.title, language=doc.language, context=context, strings=strings, build=doc.build,
                      translation_notice=translation_notice, numbered={c.clause.id: c.number for c in doc.clauses},
                      numbering=doc.numbering)
    return html_to_docx(markdown_to_html(doc.markdown), meta, out)


def write_handbook_docx(html: str, out: Path, context: dict, language: str) -> Path:
    """The handbook page (cover, chapters) as .docx: chapters numbered, charts as their captions."""
    page = lxml_html.document_fromstring(html.encode("utf-8"))

    def text(css_class: str) -> str:
        found = page.find_class(css_class)
        return found[0].text_content().strip() if found else ""

    title = text("run-title")
    notice = text("cover-notice")
    provenance = f"{context['full_name']} — {title}. {text('run-provenance')}"
    facts = [f"{dt_.text_content().strip()}: {dd.text_content().strip()}"
             for dl in page.find_class("cover-facts") for dt_, dd in zip(dl.findall("dt"), dl.findall("dd"), strict=False)]
    meta = DocxMeta(title=f"{title} — {context['full_name']}", language=language, date=context["document_date"],
                    author=context["full_name"], provenance=provenance, page_word=text("run-page") or "Page",
                    of_word=text("run-of") or "of", notices=[n for n in (text("cover-sub"), *facts, notice) if n],
                    chapter_numbers=True, cover=f"{title}: {context['full_name']}")
    return html_to_docx(html, meta, out)


__all__ += ["legal_meta", "write_document_docx", "write_handbook_docx"]
