"""The signing pack of the final build: one PDF per signatory (each founder, director and officer)
listing what they sign — the legal documents and the filing papers — with a signature page for each.

Who signs a document: its spec's `signatures` (founders: every founder; member: the founders of the
agreement's member class), else by kind (minutes: the chair and the secretary; rules and filing
documents: every founder). Who signs a filing paper: its roles in filing.yml.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .catalog import Catalog
from .filing import load_filing, people, pick
from .legal import _title
from .papers import paper_strings, write_paper
from .pdf import PdfJob
from .render import markdown_env, md_escape, render_string

SIGNING_CSS = """
.signature-page { break-before: page; }
"""


def _class_id(doc: Any) -> str | None:
    member_class = getattr(doc, "member_class", None)
    return member_class.get("id") if isinstance(member_class, dict) else member_class


def document_title(doc: Any, context: dict, catalog: Catalog) -> str:
    """The document's title as printed (a Planned document has none yet: rendered from its spec)."""
    if getattr(doc, "title", ""):
        return str(doc.title)
    source = _title(doc.spec.title, doc.language, doc.spec.id)
    member_class = getattr(doc, "member_class", None)
    return render_string(markdown_env([catalog.legal], plain=True), source,
                         {**context, "member_class": member_class if isinstance(member_class, dict) else None},
                         f"{doc.spec.id} title")


def document_signers(doc: Any, profile: Any) -> list[tuple[str, str]]:
    """(name, role key) of everyone who signs `doc`."""
    who = doc.spec.signatures
    founders = [f.name for f in profile.founders]
    if who == "member":
        class_id = _class_id(doc)
        return [(f.name, "member") for f in profile.founders if f.member_class == class_id]
    if who == "founders" or (who == "none" and doc.spec.kind in ("rules", "filing")):
        return [(name, "founder") for name in founders]
    if doc.spec.kind == "minutes":
        return [(name, "chair") for name in people(profile, "chair")] + \
               [(name, "secretary") for name in people(profile, "secretary")]
    return []


def signing_plan(profile: Any, catalog: Catalog, context: dict, documents: list) -> dict[str, list[tuple[str, str, str]]]:
    """Signatory → [(what, role keys joined by ",", file or office)] in the order of the founding steps.
    A filing paper that is one of coopkit's documents (the signed rules, the minutes) is merged into
    that document's line: one signature page, every capacity named, and where it goes."""
    language = profile.language or "en"
    entries: dict[str, dict[str, dict[str, Any]]] = {f.name: {} for f in profile.founders}
    by_spec: dict[str, list[str]] = {}
    for doc in documents:
        if getattr(doc, "translation_of", None) or doc.language != language:
            continue
        by_spec.setdefault(doc.spec.id, []).append(doc.filename)
        for name, role in document_signers(doc, profile):
            line = entries.setdefault(name, {}).setdefault(
                doc.filename, {"what": document_title(doc, context, catalog), "roles": [], "where": f"{doc.filename}.pdf"})
            _add(line["roles"], role)
    filing = load_filing(catalog, profile.jurisdiction)
    form_id = profile.legal_form or catalog.jurisdiction(profile.jurisdiction).forms[0].id
    for paper in filing.forms[form_id].papers if form_id in filing.forms else []:
        goes_to = pick(paper.goes_to, language)
        for role in paper.signs:
            key_role = {"each-director": "declarant", "directors": "director", "secretary": "secretary",
                        "chair": "chair", "board-chair": "director"}.get(role, "founder")
            for name in people(profile, role):
                mine = entries.setdefault(name, {})
                files = [f for spec_id in paper.documents for f in by_spec.get(spec_id, []) if f in mine]
                for filename in files or [f"paper:{paper.id}"]:
                    line = mine.setdefault(filename, {"what": pick(paper.title, language), "roles": [], "where": goes_to})
                    _add(line["roles"], key_role)
                    if files:
                        line["where"] = f"{filename}.pdf → {goes_to}"
    return {name: [(line["what"], ",".join(line["roles"]), line["where"]) for line in lines.values()]
            for name, lines in entries.items() if lines}


def _add(roles: list[str], role: str) -> None:
    if role not in roles:
        roles.append(role)


def write_signing_pack(out_dir: Path, profile: Any, catalog: Catalog, context: dict, documents: list, *,
                       pdf: Callable[[PdfJob], Any] | None = None) -> list[Path]:
    """`out_dir`/<n>-<name>.pdf for each signatory, in the document language."""
    language = profile.language or "en"
    words = paper_strings(catalog, language)
    written: list[Path] = []
    for n, (person, items) in enumerate(signing_plan(profile, catalog, context, documents).items(), 1):
        roles = {keys: ", ".join(words.get(f"signing_role_{k}", words["roles"].get(k, k)) for k in keys.split(","))
                 for _, keys, _ in items}
        lines = [f"# {md_escape(words['signing_title'].format(person=person))}", "",
                 md_escape(words["signing_intro"].format(person=person, name=context["full_name"])), "",
                 f"| # | {words['signing_document']} | {words['signing_as']} | {words['where_it_goes']} |",
                 "|---|---|---|---|"]
        lines += [f"| {i} | {md_escape(what)} | {md_escape(roles[key])} | {md_escape(where)} |"
                  for i, (what, key, where) in enumerate(items, 1)]
        for i, (what, key, _) in enumerate(items, 1):
            lines += ["", f"## {i}. {words['signing_page']}: {md_escape(what)} {{: .signature-page }}", "",
                      f"**{md_escape(context['full_name'])}** — {md_escape(what)}", "",
                      "| | |", "|---|---|",
                      f"| {words['name']} | {md_escape(person)} |",
                      f"| {words['signing_as']} | {md_escape(roles[key])} |",
                      f"| {words['place_date']} | ______________________________ |",
                      f"| {words['signature']} | ______________________________ |"]
        written += write_paper(out_dir / f"{n:02d}-{_slug(person)}",
                               title=words["signing_title"].format(person=person), language=language,
                               context=context, catalog=catalog, markdown="\n".join(lines) + "\n", build="final",
                               formats=("pdf",), extra_css=SIGNING_CSS, pdf=pdf)
    return written


def _slug(text: str) -> str:
    """'Tomás Ó Briain' → 'tomas-o-briain' (accents folded, so file names stay readable everywhere)."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", folded.casefold()).strip("-")[:40] or "signatory"


__all__ = ["write_signing_pack", "signing_plan", "document_signers"]
