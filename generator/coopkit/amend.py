"""Amending the rules: after an edit of coop.yml, the redline, the special resolution and the notice.

`legal/.profile.yml` is the profile the documents in `legal/` were made from (written by `new` and
`render`, swapped in with them). `amend` renders the rules from it and from the edited coop.yml
with the same coopkit, so the only differences are the founders' edits; it diffs them clause by
clause (matched by clause id, numbers old → new) and then word by word (difflib), and writes
`legal/amendments/<date>/`: the redline (HTML, PDF, DOCX with w:ins / w:del tracked changes), the
special resolution with the majority and notice the rules in force require, and a notice of meeting.
"""
from __future__ import annotations

import datetime as dt
import difflib
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Any

from lxml import html as lxml_html

from .catalog import Catalog
from .context import template_context
from .errors import DestinationError, UsageError
from .legal import RenderedDocument
from .papers import document_languages, fixed_date, paper_strings, render_template, write_paper
from .render import format_pct, long_date, markdown_to_html

SNAPSHOT = ".profile.yml"
AMENDMENTS = "amendments"
REDLINE_CSS = """
ins { color: #0a5a2a; text-decoration: underline; background: #e6f4ea; }
del { color: #9b1c1c; text-decoration: line-through; background: #fbe9e9; }
.moved { color: #555; font-size: 0.9em; }
"""


# -- the snapshot the documents were made from ----------------------------------------------------
def write_snapshot(legal_dir: Path, profile_yaml: str) -> Path:
    """Remember the profile the documents in `legal_dir` come from (called by new and render)."""
    path = legal_dir / SNAPSHOT
    legal_dir.mkdir(parents=True, exist_ok=True)
    path.write_text(profile_yaml, encoding="utf-8")
    return path


def keep_amendments(old_legal: Path, new_legal: Path) -> None:
    """`render` replaces legal/ as a whole; the co-op's amendment history moves into the new folder."""
    if (old_legal / AMENDMENTS).is_dir() and not (new_legal / AMENDMENTS).exists():
        shutil.copytree(old_legal / AMENDMENTS, new_legal / AMENDMENTS)


# -- diff ----------------------------------------------------------------------------------------
_TOKEN = re.compile(r"\w+|[^\w\s]+|\s+")


def block_texts(markdown: str) -> list[str]:
    """A clause body as the reader sees it: one string per paragraph, list item or table row."""
    html = markdown_to_html(markdown)
    if not html.strip():
        return []
    root = lxml_html.fromstring(f"<div>{html}</div>")
    blocks: list[str] = []

    def walk(el: Any, prefix: str = "") -> None:
        for child in el:
            tag = child.tag if isinstance(child.tag, str) else ""
            if tag in ("ul", "ol"):
                for n, li in enumerate(child.findall("li"), 1):
                    nested = [c for c in li if c.tag in ("ul", "ol")]
                    for c in nested:
                        li.remove(c)
                    blocks.append(f"{prefix}{f'{n}.' if tag == 'ol' else '–'} {' '.join(li.text_content().split())}")
                    for c in nested:
                        wrapper = lxml_html.Element("div")
                        wrapper.append(c)
                        walk(wrapper, prefix + "    ")
            elif tag == "table":
                for tr in child.iter("tr"):
                    blocks.append(" | ".join(" ".join(td.text_content().split()) for td in tr if td.tag in ("td", "th")))
            elif tag in ("div", "blockquote"):
                walk(child, prefix)
            elif tag:
                text = " ".join(child.text_content().split())
                if text:
                    blocks.append(prefix + text)

    walk(root)
    return blocks


def word_diff(old: list[str], new: list[str]) -> list[list[tuple[str, str]]]:
    """Paragraphs of (op, text) segments, op '=' kept, '-' deleted, '+' inserted: a word-level diff
    of the two bodies, paragraph breaks included."""
    def tokens(blocks: list[str]) -> list[str]:
        out: list[str] = []
        for i, block in enumerate(blocks):
            if i:
                out.append("\n")
            out += _TOKEN.findall(block)
        return out

    a, b = tokens(old), tokens(new)
    paragraphs: list[list[tuple[str, str]]] = [[]]

    def emit(op: str, items: list[str]) -> None:
        for token in items:
            if token == "\n":
                paragraphs.append([])
                continue
            current = paragraphs[-1]
            if current and current[-1][0] == op:
                current[-1] = (op, current[-1][1] + token)
            else:
                current.append((op, token))

    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            emit("=", a[i1:i2])
        else:
            emit("-", a[i1:i2])
            emit("+", b[j1:j2])
    return paragraphs


@dataclass
class ClauseChange:
    clause_id: str
    title: str
    old_number: str | None  # None: a new clause
    new_number: str | None  # None: a clause taken out
    paragraphs: list[list[tuple[str, str]]] = field(default_factory=list)
    article: str = ""

    @property
    def status(self) -> str:
        if self.old_number is None:
            return "added"
        if self.new_number is None:
            return "removed"
        if any(op != "=" for para in self.paragraphs for op, _ in para):
            return "changed"
        return "renumbered" if self.old_number != self.new_number else "same"

    def edits(self, context_words: int = 4) -> list[tuple[str, str]]:
        """(before, after) snippets of each change with a few words either side, for the resolution."""
        out = []
        for para in self.paragraphs:
            for i, (op, _) in enumerate(para):
                if op == "=" or (i and para[i - 1][0] != "="):
                    continue
                j = i
                while j < len(para) and para[j][0] != "=":
                    j += 1
                before_ctx = _last_words(para[i - 1][1], context_words) if i else ""
                after_ctx = _first_words(para[j][1], context_words) if j < len(para) else ""
                old = "".join(t for o, t in para[i:j] if o == "-")
                new = "".join(t for o, t in para[i:j] if o == "+")
                out.append((f"{before_ctx}{old}{after_ctx}".strip(), f"{before_ctx}{new}{after_ctx}".strip()))
        return out


def _last_words(text: str, n: int) -> str:
    parts = re.split(r"(\s+)", text)
    return "".join(parts[-(2 * n):]) if len(parts) > 2 * n else text


def _first_words(text: str, n: int) -> str:
    parts = re.split(r"(\s+)", text)
    return "".join(parts[:2 * n]) if len(parts) > 2 * n else text


def _articles(doc: RenderedDocument) -> dict[str, str]:
    """Article number → its heading as printed, from the document's Markdown."""
    found = re.findall(r"^## (.+?) \{#article-(\d+)\}$", doc.markdown, flags=re.M)
    return {number: heading for heading, number in found}


def clause_changes(old: RenderedDocument, new: RenderedDocument) -> list[ClauseChange]:
    """Every clause of either version in reading order, with its numbers and word-level changes."""
    old_by_id = {c.clause.id: c for c in old.clauses}
    new_by_id = {c.clause.id: c for c in new.clauses}
    old_ids, new_ids = list(old_by_id), list(new_by_id)
    articles_old, articles_new = _articles(old), _articles(new)
    out: list[ClauseChange] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old_ids, new_ids, autojunk=False).get_opcodes():
        pairs: list[tuple[str | None, str | None]]
        if tag == "equal":
            pairs = [(old_ids[i], new_ids[j]) for i, j in zip(range(i1, i2), range(j1, j2), strict=True)]
        else:
            pairs = [(cid, None) for cid in old_ids[i1:i2] if cid not in new_by_id] + \
                    [(new_by_id[cid].clause.id if cid in old_by_id else None, cid) for cid in new_ids[j1:j2]]
        for old_id, new_id in pairs:
            before = old_by_id.get(old_id) if old_id else None
            after = new_by_id.get(new_id) if new_id else None
            shown = after or before
            assert shown is not None
            article_number = shown.number.split(".")[0]
            out.append(ClauseChange(
                clause_id=shown.clause.id, title=shown.title,
                old_number=before.number if before else None, new_number=after.number if after else None,
                paragraphs=word_diff(block_texts(before.body) if before else [], block_texts(after.body) if after else []),
                article=(articles_new if after else articles_old).get(article_number, "")))
    return out


# -- outputs -------------------------------------------------------------------------------------
def _segments_html(segments: list[tuple[str, str]]) -> str:
    tags = {"=": "{}", "+": "<ins>{}</ins>", "-": "<del>{}</del>"}
    return "".join(tags[op].format(escape(text)) for op, text in segments)


def _heading_segments(change: ClauseChange) -> list[tuple[str, str]]:
    if change.status == "added":
        return [("+", f"{change.new_number} {change.title}")]
    if change.status == "removed":
        return [("-", f"{change.old_number} {change.title}")]
    if change.old_number != change.new_number:
        return [("-", change.old_number or ""), ("+", change.new_number or ""), ("=", f" {change.title}")]
    return [("=", f"{change.new_number} {change.title}")]


def _body_paragraphs(change: ClauseChange) -> list[list[tuple[str, str]]]:
    if change.status == "added":
        return [[("+", "".join(t for _, t in para))] for para in change.paragraphs]
    if change.status == "removed":
        return [[("-", "".join(t for _, t in para))] for para in change.paragraphs]
    return change.paragraphs


def redline_html(title: str, changes: list[ClauseChange], words: dict) -> str:
    parts = [f"<h1>{escape(title)}</h1>", f"<p><em>{escape(words['redline_intro'])}</em></p>"]
    article = None
    for change in changes:
        if change.article != article:
            article = change.article
            parts.append(f"<h2>{escape(article)}</h2>")
        parts.append(f'<h3 id="{escape(change.clause_id)}">{_segments_html(_heading_segments(change))}</h3>')
        for para in _body_paragraphs(change):
            parts.append(f"<p>{_segments_html(para)}</p>")
    return "\n".join(parts)


def redline_docx_writer(title: str, changes: list[ClauseChange], words: dict, date: dt.date):
    """A function writing the redline as .docx with Word tracked changes (author coopkit, fixed date)."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    from .wordprocessing import AUTHOR, base_document, save_docx

    stamp = f"{date.isoformat()}T00:00:00Z"

    def write(path: Path, meta) -> Path:
        document = base_document(meta)
        counter = iter(range(1, 1_000_000))

        def paragraph(segments: list[tuple[str, str]], style: str) -> None:
            p = document.add_paragraph(style=style)._p
            for op, text in segments:
                safe = escape(text, quote=False)
                if op == "=":
                    p.append(parse_xml(f'<w:r {nsdecls("w")}><w:t xml:space="preserve">{safe}</w:t></w:r>'))
                elif op == "+":
                    p.append(parse_xml(f'<w:ins {nsdecls("w")} w:id="{next(counter)}" w:author="{AUTHOR}" '
                                       f'w:date="{stamp}"><w:r><w:t xml:space="preserve">{safe}</w:t></w:r></w:ins>'))
                else:
                    p.append(parse_xml(f'<w:del {nsdecls("w")} w:id="{next(counter)}" w:author="{AUTHOR}" '
                                       f'w:date="{stamp}"><w:r><w:delText xml:space="preserve">{safe}</w:delText>'
                                       f'</w:r></w:del>'))

        paragraph([("=", title)], "Heading 1")
        document.add_paragraph(words["redline_intro"], style="Notice")
        article = None
        for change in changes:
            if change.article != article:
                article = change.article
                paragraph([("=", article)], "Heading 2")
            paragraph(_heading_segments(change), "Heading 3")
            for para in _body_paragraphs(change):
                paragraph(para, "Normal")
        return save_docx(document, path, date)

    return write


def amend(dest: str | Path, *, date: str | dt.date | None = None, force: bool = False,
          catalog: Catalog | None = None) -> list[Path]:
    """Write DEST/legal/amendments/<date>/ for the edits of DEST/coop.yml since the documents were made.
    Returns the files written; an empty list when the edits do not change the rules (nothing written)."""
    from .documents import render_rules
    from .profile import load_answers, resolve, validate

    catalog = catalog or Catalog()
    dest = Path(dest)
    legal_dir = dest / "legal"
    snapshot = legal_dir / SNAPSHOT
    if not (dest / "coop.yml").is_file():
        raise UsageError(f"{dest} has no coop.yml; run `coopkit new {dest}` first.")
    if not snapshot.is_file():
        raise UsageError(f"{snapshot} is missing, so coopkit cannot tell what the rules in force say. Run "
                         f"`coopkit render {dest}` with the coop.yml the rules were adopted from, then edit coop.yml "
                         f"and run `coopkit amend {dest}` again.")
    day = fixed_date(date)
    old = validate(resolve(load_answers(snapshot), catalog), catalog, source=str(snapshot), law=False)
    new = validate(resolve(load_answers(dest / "coop.yml"), catalog), catalog, source=str(dest / "coop.yml"), draft=True)
    if (old.jurisdiction, old.legal_form) != (new.jurisdiction, new.legal_form):
        raise UsageError(f"coop.yml changes the jurisdiction or legal form ({old.jurisdiction}/{old.legal_form} → "
                         f"{new.jurisdiction}/{new.legal_form}); that is a conversion, not an amendment of the rules. "
                         "Ask a lawyer; coopkit cannot draft it.")
    if (old.language or "en") != (new.language or "en"):
        raise UsageError("coop.yml changes the documents' language; an amendment keeps the language of the rules in "
                         f"force ({old.language}). Set language back to {old.language}.")
    old_ctx = {**template_context(old, catalog), "document_date": day}
    new_ctx = {**template_context(new, catalog), "document_date": day}
    old_rules = render_rules(old, catalog, old_ctx, build="review")[0]
    new_rules = render_rules(new, catalog, new_ctx, build="review")[0]
    changes = clause_changes(old_rules, new_rules)
    if all(c.status == "same" for c in changes):
        return []
    out = legal_dir / AMENDMENTS / day.isoformat()
    if out.exists() and not force:
        raise DestinationError(f"{out} exists (an amendment of the same date); nothing was written. "
                               "Pass --force to replace it, or --date to date this one differently.")
    stage = Path(tempfile.mkdtemp(prefix=f".{day.isoformat()}.coopkit-", dir=out.parent if out.parent.is_dir()
                                  else _mkdirs(out.parent)))
    try:
        written = _write_amendment(stage, catalog, old, new, old_ctx, new_ctx, old_rules, changes, day)
        if out.exists():
            shutil.rmtree(out)
        os.chmod(stage, 0o755)
        os.replace(stage, out)
    finally:
        if stage.exists():
            shutil.rmtree(stage, ignore_errors=True)
    return [out / p.relative_to(stage) for p in written]


def _mkdirs(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


def _write_amendment(stage: Path, catalog: Catalog, old, new, old_ctx: dict, new_ctx: dict,
                     old_rules: RenderedDocument, changes: list[ClauseChange], day: dt.date) -> list[Path]:
    language = old.language or "en"
    words = paper_strings(catalog, language)
    title = words["redline_title"].format(document=old_rules.title)
    written = write_paper(stage / f"{old_rules.filename}-redline", title=title, language=language, context=new_ctx,
                          catalog=catalog, body_html=redline_html(title, changes, words), build="review",
                          formats=("html", "pdf", "docx"), extra_css=REDLINE_CSS,
                          docx_writer=redline_docx_writer(title, changes, words, day))
    from .filing import load_filing

    filing = load_filing(catalog, old.jurisdiction)
    form_id = old.legal_form or catalog.jurisdiction(old.jurisdiction).forms[0].id
    gov = old.governance
    amendment_clause = next((c.number for c in old_rules.clauses if c.clause.id == "amendment"), "")
    meeting = day + dt.timedelta(days=int(gov.notice_days) + 1)
    for lang, translation_of in document_languages(language):
        w = paper_strings(catalog, lang)
        facts = filing.amendment_for(form_id, lang)
        statutory = facts.get("majority")
        required = max(float(gov.special_majority_percent), float(statutory["value"]) if statutory else 0.0)
        ctx = {**old_ctx, "coop": old.model_dump(mode="json"), "s": w, "language": lang,
               "rules_title": old_rules.title, "changes": [c for c in changes if c.status != "same"],
               "majority": format_pct(required, lang), "profile_majority": format_pct(gov.special_majority_percent, lang),
               "statutory": statutory, "notice_days": gov.notice_days, "quorum": format_pct(gov.quorum_percent, lang),
               "amendment_clause": amendment_clause, "notice_date": long_date(day, lang),
               "meeting_date": long_date(meeting, lang), "registrar": facts["registrar"],
               "registration": facts["registration"], "new_hash": new.digest()}
        suffix = f".{lang}" if translation_of else ""
        for name, key in (("special-resolution", "resolution_title"), ("notice-of-meeting", "notice_title")):
            markdown = render_template(catalog, f"{name}.md", ctx)
            written += write_paper(stage / f"{name}{suffix}", title=w[key].format(name=old_ctx["full_name"]),
                                   language=lang, context=new_ctx, catalog=catalog, markdown=markdown,
                                   build="final", translation_of=translation_of)
    return written


__all__ = ["amend", "write_snapshot", "keep_amendments", "clause_changes", "word_diff", "block_texts",
           "ClauseChange", "SNAPSHOT"]
