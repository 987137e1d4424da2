"""The lawyer's linter: what a careful reader would circle in the rendered documents.

It reads each document's Markdown (in memory after rendering, or the `.md` files `coopkit new`
wrote), clause by clause, and reports, naming the document and the clause: a placeholder left in
square brackets, template code (`{{`, `{%`), a Python `None`, doubled punctuation, a value glued to
the next word, a percentage written in another locale's format or a near miss of a number in
coop.yml, and a member-class label without a translation into the document's language.
`coopkit check` lists the findings; `coopkit new`/`legal`/`render` refuse to write documents with any.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .catalog import Catalog, _in_language
from .errors import Problem, RenderError
from .model import Profile
from .render import format_pct, md_escape

_HEADING = re.compile(r"^(#{1,3}) (.*?)(?: \{#[\w-]+\})?\s*$")
_PLACEHOLDER = re.compile(r"(?<![\\!\]])\[(?!\^)([^\]\[\n]{1,80})\](?![(\[:])")
# a Jinja string literal such as `or '[county]'` reaches Markdown escaped; placeholders start in lower case
_ESCAPED_PLACEHOLDER = re.compile(r"\\\[([a-zà-ÿ][^\]\[\n]{0,80}?)\\\]")
_TEMPLATE = re.compile(r"\{\{|\}\}|\{%|%\}")
_NONE = re.compile(r"\bNone\b(?! [a-zà-ÿ])")
_DOUBLED = re.compile(r"(?<![.])\.\.(?![.])|[,，][,，]|;;|(?<!:)::(?!:)|,\.(?!\d)|\s[,.](?=\s|$)")
_GLUED_PERCENT = re.compile(r"\d(?:[.,]\d+)?\s?%[^\W\d_]|[^\W\d_]\d+(?:[.,]\d+)?\s?%")
_PERCENT = re.compile(r"(?<![\w.,])(\d{1,3}(?:[.,]\d{1,2})?)(\s?|\u00a0|\u202f)%")
_LINK = re.compile(r"\[([^\]\n]*)\]\([^)]*\)")
_URL = re.compile(r"https?://\S+")
_CODE = re.compile(r"`[^`]*`")


@dataclass(frozen=True)
class Finding:
    document: str  # file name without extension, e.g. "estatuto-social.en"
    clause: str  # "3.2 Quorum", or the document's title / the heading above
    kind: str
    excerpt: str
    fix: str

    def as_problem(self) -> Problem:
        return Problem(f"legal/{self.document}.md, {self.clause}", f"{self.kind}: “{self.excerpt}”", self.fix)


def _sections(markdown: str) -> Iterable[tuple[str, str]]:
    """(heading, text) pieces: each clause (### N.M Title) with its body, notes included."""
    heading, lines = "title", list[str]()
    for line in markdown.splitlines():
        match = _HEADING.match(line)
        if match:
            if lines:
                yield heading, "\n".join(lines)
            heading, lines = match.group(2).replace("\\", ""), [line]
        else:
            lines.append(line)
    if lines:
        yield heading, "\n".join(lines)


def _excerpt(text: str, start: int, end: int) -> str:
    left = max(0, start - 30)
    return " ".join(text[left:end + 30].split())


def _parse_number(text: str) -> float | None:
    try:
        return float(text.replace(",", "."))
    except ValueError:
        return None


def _strings(value: object) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _masker(profile: Profile):
    """The founders' own words are data, never a finding: `{{ 7*7 }}` or `../` in a name is theirs."""
    values = sorted({form for v in _strings(profile.model_dump(mode="json")) if len(v.strip()) >= 3
                     for form in (v, md_escape(v))}, key=len, reverse=True)
    pattern = re.compile("|".join(re.escape(v) for v in values)) if values else None
    return (lambda text: pattern.sub("\u2026", text)) if pattern else (lambda text: text)


def profile_numbers(profile: Profile) -> dict[str, float]:
    """The percentages coop.yml fixes, by field."""
    g, s, c = profile.governance, profile.surplus, profile.capital
    return {"governance.quorum_percent": g.quorum_percent,
            "governance.ordinary_majority_percent": g.ordinary_majority_percent,
            "governance.special_majority_percent": g.special_majority_percent,
            "surplus.reserve_percent": s.reserve_percent, "surplus.education_percent": s.education_percent,
            "surplus.patronage_percent": s.patronage_percent, "surplus.community_percent": s.community_percent,
            "capital.interest_cap_percent": c.interest_cap_percent,
            "platform.commission_percent": profile.platform.commission_percent}


def lint_markdown(document: str, markdown: str, language: str, profile: Profile, *,
                  to_confirm: Iterable[str] = ("to confirm",)) -> list[Finding]:
    """Every finding in one document's Markdown."""
    allowed = {t.casefold() for t in to_confirm}
    numbers = profile_numbers(profile)
    # values of several words (or with a digit): a single word such as "Ben" is also the start of "Benefit"
    glued_values = sorted(v for v in {profile.name, profile.region, profile.registered_office,
                                      *[f.name for f in profile.founders]}
                          if v and len(v) > 2 and (" " in v.strip() or any(c.isdigit() for c in v)))
    findings: list[Finding] = []
    mask = _masker(profile)

    def add(clause: str, kind: str, text: str, match: re.Match, fix: str) -> None:
        findings.append(Finding(document, clause, kind, _excerpt(text, match.start(), match.end()), fix))

    for clause, raw in _sections(markdown):
        raw_text = _URL.sub("", _CODE.sub("", _LINK.sub(r"\1", raw)))
        text = mask(raw_text)
        for match in [*_PLACEHOLDER.finditer(text), *_ESCAPED_PLACEHOLDER.finditer(text)]:
            inner = match.group(1).strip(" *")
            if inner.casefold() in allowed or re.fullmatch(r"[\d.]+", inner):
                continue
            add(clause, "a placeholder in square brackets", text, match,
                "Give the missing answer in coop.yml (the interview asks for it), or fix the clause so it cannot print one")
        for match in _TEMPLATE.finditer(text):
            add(clause, "template code left in the text", text, match, "Fix the clause's Jinja (a bug in coopkit's data)")
        for match in _NONE.finditer(text):
            add(clause, "a missing value printed as None", text, match,
                "Give the missing answer in coop.yml, or make the clause leave it out")
        for match in _DOUBLED.finditer(text.replace("|", " ")):
            add(clause, "doubled or misplaced punctuation", text.replace("|", " "), match,
                "Fix the clause (a value that already ends with a full stop needs the `sentence` filter)")
        for match in _GLUED_PERCENT.finditer(text):
            add(clause, "a value glued to the next word", text, match, "Put a space between the value and the word")
        for value in glued_values:
            escaped = re.escape(value.replace("[", "\\[").replace("]", "\\]"))
            for match in re.finditer(rf"(?<=[^\W\d_]){escaped}(?!\w)|(?<!\w){escaped}(?=[^\W\d_])", raw_text):
                add(clause, "a value glued to the next word", raw_text, match, "Put a space between the value and the word")
        for match in _PERCENT.finditer(text):
            number = _parse_number(match.group(1))
            if number is None:
                continue
            expected = format_pct(number, language)
            written = match.group(0)
            if written.replace("\u00a0", " ").replace("\u202f", " ") != expected.replace("\u00a0", " ").replace(
                    "\u202f", " "):
                shown = expected.replace("\u00a0", " ").replace("\u202f", " ")
                add(clause, f"a percentage not written as {language} writes it ({shown})", text, match,
                    "Format the number with the `pct` filter in the document's language")
            for field, target in numbers.items():
                if number != round(target, 2) and abs(number - target) < 1 and round(target, 2) != round(number, 2):
                    if number == round(target) and not float(target).is_integer():
                        add(clause, f"a number that differs from coop.yml ({field} is {target:g})", text, match,
                            f"Print {field} exactly, with the `pct` filter")
    return findings


def label_findings(profile: Profile, catalog: Catalog, language: str, document: str) -> list[Finding]:
    """A member class still labelled with the sector's English word in a document in another language."""
    if language.startswith("en") or profile.sector not in catalog.sector_ids:
        return []
    sector = {c.id: c for c in catalog.sector(profile.sector).member_classes}
    findings = []
    for cls in profile.member_classes:
        known = sector.get(cls.id)
        translated = _in_language(known.labels, language) if known else None
        if known and cls.label == known.label and translated != cls.label:
            fix = (f"Set member_classes label of {cls.id!r} to {translated!r} in coop.yml" if translated else
                   f"Add labels: {{{language}: ...}} to class {cls.id!r} in templates/sectors/{profile.sector}.yml, "
                   f"or set the label in coop.yml")
            findings.append(Finding(document, "member classes", f"a member-class label with no {language} translation",
                                    cls.label, fix))
    return findings


def _strings_to_confirm(catalog: Catalog, language: str) -> set[str]:
    from .legal import load_strings

    return {load_strings(catalog, language)["to_confirm"], load_strings(catalog, "en")["to_confirm"]}


def lint_documents(docs, profile: Profile, catalog: Catalog) -> list[Finding]:
    """Findings in rendered documents (`legal.RenderedDocument`s)."""
    findings: list[Finding] = []
    for doc in docs:
        findings += lint_markdown(doc.filename, doc.markdown, doc.language, profile,
                                  to_confirm=_strings_to_confirm(catalog, doc.language))
        if not doc.translation_of:
            findings += label_findings(profile, catalog, doc.language, doc.filename)
    return _unique(findings)


def lint_folder(folder: Path, profile: Profile, catalog: Catalog) -> list[Finding]:
    """Findings in the `.md` documents `coopkit new` wrote into DEST/legal."""
    findings: list[Finding] = []
    official = profile.language or "en"
    for path in sorted(Path(folder).glob("*.md")):
        document = path.name[:-3]
        language = "en" if document.endswith(".en") else official
        findings += lint_markdown(document, path.read_text(encoding="utf-8"), language, profile,
                                  to_confirm=_strings_to_confirm(catalog, language))
        if language == official:
            findings += label_findings(profile, catalog, language, document)
    return _unique(findings)


def _unique(findings: list[Finding]) -> list[Finding]:
    return list(dict.fromkeys(findings))


def refuse_findings(findings: list[Finding], *, draft: bool = False) -> None:
    """Stop the build before anything is written (in a --draft build a placeholder may stay)."""
    blocking = [f for f in findings if not (draft and f.kind == "a placeholder in square brackets")]
    if blocking:
        listed = "\n".join(f"  - {f.as_problem()}" for f in blocking[:40])
        more = f"\n  ... and {len(blocking) - 40} more" if len(blocking) > 40 else ""
        raise RenderError(f"the documents have {len(blocking)} problem{'s' if len(blocking) != 1 else ''} a lawyer "
                          f"would circle; nothing was written:\n{listed}{more}")


__all__ = ["Finding", "lint_markdown", "lint_documents", "lint_folder", "label_findings", "refuse_findings"]
