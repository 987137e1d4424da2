"""The clause engine: documents as ordered clauses kept as data, numbered after their conditions.

A document (`legal/jurisdictions/<id>/documents/<doc>.yml`) lists articles, each a list of clause
ids. A clause is a Markdown file with front matter (`id`, `title`, `covers`, `when`, `note`), looked
up first in the jurisdiction (`clauses/<language>/`) and then in the shared `legal/clauses/<language>/`.
Numbers are computed once the `when` conditions have dropped what does not apply, so
`{{ ref('quorum') }}` always prints the final number, as a link.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from ._yaml import cached_read, cached_yaml, read_yaml_file
from .catalog import Catalog, Jurisdiction, LegalForm
from .errors import DataError
from .render import Markup, markdown_env, md_escape, render_string, respell, split_front_matter


class ArticleSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    title: dict[str, str]
    clauses: list[str]


class DocumentSpec(BaseModel):
    """A document of a legal form, as declared in data."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str
    kind: str  # rules | agreement | minutes
    title: dict[str, str]  # per language; may use {{ full_name }}, {{ member_class.label }}
    filename: str  # base name; per-class documents get "-<class id>"
    per_class: bool = False
    signatures: str = "none"  # founders | member | none: who signs in the final build
    # articles: "Article 2" headings, clauses 2.1, 2.2…; sections: "II." headings, clauses "§ 5" numbered
    # straight through the document (the German Satzung style)
    numbering: Literal["articles", "sections"] = "articles"
    articles: list[ArticleSpec]


@dataclass
class Clause:
    id: str
    title: str
    body: str
    path: Path
    covers: list[str] = field(default_factory=list)
    when: str = ""
    note: str = ""


@dataclass
class RenderedClause:
    clause: Clause
    number: str
    title: str
    body: str
    note: str = ""


@dataclass
class RenderedDocument:
    spec: DocumentSpec
    language: str
    title: str
    filename: str  # without extension
    markdown: str
    clauses: list[RenderedClause]
    covered: set[str]
    unconfirmed: list[str]
    build: str = "review"
    member_class: str | None = None
    translation_of: str | None = None  # the official language, when this is a convenience translation
    numbering: str = "articles"
    families: list[tuple[str, str, str]] = field(default_factory=list)  # (id, title, cite) a rules document needs


def clause_dirs(catalog: Catalog, jurisdiction: Jurisdiction, language: str, overlay: Path | None = None) -> list[Path]:
    """Where clauses are looked up, most specific first."""
    dirs = []
    if overlay:
        dirs.append(overlay / "clauses" / language)
    dirs += [catalog.legal / "jurisdictions" / jurisdiction.id / "clauses" / language,
             catalog.legal / "clauses" / language]
    return [d for d in dirs if d.is_dir()]


def _clause_file(path: Path) -> tuple[dict, str]:
    """A clause file's front matter and body."""
    return split_front_matter(path.read_text(encoding="utf-8"), str(path))


def load_clause(dirs: list[Path], clause_id: str, document: str) -> Clause:
    for folder in dirs:
        path = folder / f"{clause_id}.md"
        if path.is_file():
            meta, body = cached_read(path, _clause_file)  # about a hundred clauses a document, read once each
            if meta.get("id") != clause_id:
                raise DataError(f"{path}: front matter id {meta.get('id')!r} must equal the file name {clause_id!r}.")
            unknown = set(meta) - {"id", "title", "covers", "when", "note"}
            if unknown:
                raise DataError(f"{path}: unknown front-matter keys {sorted(unknown)}.")
            if "title" not in meta:
                raise DataError(f"{path}: front matter needs a title.")
            return Clause(id=clause_id, title=str(meta["title"]), body=body, path=path,
                          covers=list(meta.get("covers") or []), when=str(meta.get("when") or ""),
                          note=str(meta.get("note") or "").strip())
    looked = ", ".join(str(d) for d in dirs)
    raise DataError(f"{document}: clause {clause_id!r} not found (looked in {looked}).")


def load_terms(dirs: list[Path]) -> dict[str, dict]:
    terms: dict[str, dict] = {}
    for folder in reversed(dirs):  # shared first, specific last wins
        path = folder / "_terms.yml"
        if path.is_file():
            terms.update(cached_yaml(path))
    return terms


def document_spec(catalog: Catalog, jurisdiction: Jurisdiction, doc_id: str) -> DocumentSpec:
    path = catalog.legal / "jurisdictions" / jurisdiction.id / "documents" / f"{doc_id}.yml"
    if not path.is_file():
        raise DataError(f"{jurisdiction.id}: document {doc_id!r} is listed for a form but {path} is missing.")
    try:
        return DocumentSpec.model_validate(read_yaml_file(path))
    except ValidationError as exc:
        raise DataError(f"{path}: {exc.errors()[0]['loc']}: {exc.errors()[0]['msg']}") from None


def document_languages(jurisdiction: Jurisdiction, form: LegalForm, language: str) -> list[tuple[str, str | None]]:
    """(language, translation_of) pairs: the document language, then an English convenience
    translation when the document language is not English."""
    pairs: list[tuple[str, str | None]] = [(language, None)]
    if not language.startswith("en"):
        pairs.append(("en", language))
    return pairs


class _Recorder:
    """Collects what rendering a document uses: defined terms and unconfirmed facts."""

    def __init__(self, terms: dict[str, dict], form: LegalForm, build: str, strings: dict):
        self.strings = strings
        self.terms = terms
        self.form = form
        self.build = build
        self.used_terms: dict[str, None] = {}
        self.unconfirmed: dict[str, None] = {}

    def term(self, term_id: str, plural: bool = False) -> Markup:
        if term_id not in self.terms:
            raise DataError(f"term {term_id!r} is not defined in any _terms.yml")
        self.used_terms[term_id] = None
        entry = self.terms[term_id]
        word = entry.get("plural", entry["word"] + "s") if plural else entry["word"]
        return Markup(md_escape(word))

    def fact(self, fact_id: str) -> Any:
        fact = self.form.facts.get(fact_id)
        if fact is None:
            raise DataError(f"fact {fact_id!r} is not in the jurisdiction data of {self.form.id}")
        if not fact.confirmed:
            self.flag(f"{fact.text} ({fact.cite})")
        return fact.value

    def flag(self, text: str) -> Markup:
        """Mark something to confirm with a lawyer; shown inline in review builds."""
        self.unconfirmed[text] = None
        return Markup(f" **[{self.strings['to_confirm']}]**" if self.build == "review" else "")


def build_document(
    catalog: Catalog, jurisdiction: Jurisdiction, form: LegalForm, spec: DocumentSpec, context: dict,
    *, language: str, build: str, overlay: Path | None = None, member_class: dict | None = None,
    translation_of: str | None = None, drop: frozenset[str] = frozenset(),
) -> RenderedDocument:
    """Render one document: evaluate conditions, number, render clauses, assemble Markdown."""
    where = f"{jurisdiction.id}/{spec.id} ({language})"
    dirs = clause_dirs(catalog, jurisdiction, language, overlay)
    env = markdown_env(dirs)
    strings = load_strings(catalog, language)
    form = form.localized(language)  # the form's prose (facts, matters, registrar) in this language
    locale = document_locale(jurisdiction, language)
    spelling = load_spelling(catalog, language, locale)
    terms = {t: {k: respell(v, spelling) if isinstance(v, str) else v for k, v in entry.items()}
             for t, entry in load_terms(dirs).items()}
    recorder = _Recorder(terms, form, build, strings)
    base = {**context, "language": language, "locale": locale, "strings": strings, "vocab": context["sector"].vocabulary_for(language),
            "form": form, "jurisdiction": jurisdiction.localized(language), "build": build, "member_class": member_class,
            "term": recorder.term, "fact": recorder.fact, "to_confirm": recorder.flag}

    # 1. conditions, then numbers
    numbered: list[tuple[str, str, list[tuple[str, Clause]]]] = []
    for article in spec.articles:
        kept = []
        for clause_id in article.clauses:
            if clause_id in drop:
                continue
            clause = _respelled(load_clause(dirs, clause_id, where), spelling)
            if clause.when and not _truthy(env, clause.when, base, str(clause.path)):
                continue
            kept.append(clause)
        if kept:
            n = len(numbered) + 1
            first = sum(len(items) for _, _, items in numbered) + 1
            numbered.append((str(n), respell(_title(article.title, language, where), spelling),
                             [(_clause_number(spec.numbering, n, i, first), c) for i, c in enumerate(kept)]))
    numbers = {c.id: num for _, _, items in numbered for num, c in items}

    def ref(clause_id: str) -> Markup:
        if clause_id not in numbers:
            raise DataError(f"{where}: ref({clause_id!r}) points to a clause that is not in this document")
        return Markup(f"[{numbers[clause_id]}](#{clause_id})")

    def has(clause_id: str) -> bool:
        return clause_id in numbers

    base.update(ref=ref, has_clause=has)
    title = render_string(markdown_env(dirs, plain=True), respell(_title(spec.title, language, where), spelling), base,
                          where + " title")
    base["document_title"] = title

    # 2. render bodies (definitions last, once every other clause has declared its terms)
    rendered: dict[str, RenderedClause] = {}
    order = [(n, c) for _, _, items in numbered for n, c in items]
    for number, clause in sorted(order, key=lambda item: item[1].id == "definitions"):
        ctx = {**base, "used_terms": _definitions(env, recorder, base, where)} \
            if clause.id == "definitions" else base
        body = render_string(env, clause.body, ctx, str(clause.path)).strip()
        heading = render_string(env, clause.title, ctx, str(clause.path) + " title")
        note = render_string(env, clause.note, ctx, str(clause.path) + " note").strip() if build == "review" else ""
        rendered[clause.id] = RenderedClause(clause, number, heading, body, note)

    # 3. assemble Markdown
    out = [f"# {md_escape(title)}", ""]
    matter_titles = {m.id: m for m in form.matters}
    coverage = _coverage_table(form, rendered, strings, annex=build == "final") \
        if spec.kind == "rules" and form.matters else []
    for number, article_title, items in numbered:
        if build == "final" and coverage and all(c.id.endswith(("signature", "signatures")) for _, c in items):
            out, coverage = out + coverage, []  # final build: the table is an annex the signatures cover
        label = f"{_roman(int(number))}." if spec.numbering == "sections" else f"{strings['article']} {number}."
        out += [f"## {label} {article_title} {{#article-{number}}}", ""]
        for num, clause in items:
            item = rendered[clause.id]
            out += [f"### {num} {item.title} {{#{clause.id}}}", "", item.body, ""]
            if build == "review" and (item.note or clause.covers):
                out += _note(item, matter_titles, strings, recorder)
    covered = {m for item in rendered.values() for m in item.clause.covers}
    out += coverage
    if build == "review" and recorder.unconfirmed:
        out += [f"## {strings['points_to_confirm']} {{#to-confirm}}", "", strings["points_to_confirm_intro"], ""]
        out += [f"- {md_escape(text)}" for text in recorder.unconfirmed] + [""]
    elif recorder.unconfirmed:  # final build: never dropped silently, but on a cover sheet before the title
        out = [f"## {strings['cover_sheet_title']} {{#to-confirm .cover-sheet}}", "", strings["cover_sheet_intro"], "",
               *[f"- {md_escape(text)}" for text in recorder.unconfirmed], "", *out]
    families = [(f["id"], f["title"], f.get("cite", "")) for f in load_families(catalog)
                if not f.get("when") or _truthy(env, f["when"], base, "legal/clauses/families.yml")] \
        if spec.kind == "rules" else []
    filename = spec.filename + (f"-{member_class['id']}" if member_class else "")
    if translation_of:
        filename += f".{language}"
    return RenderedDocument(spec, language, title, filename, "\n".join(out).rstrip() + "\n",
                            [rendered[c.id] for _, c in order], covered, list(recorder.unconfirmed),
                            build, member_class["id"] if member_class else None, translation_of, spec.numbering,
                            families)


def _clause_number(style: str, article: int, index: int, first: int) -> str:
    """The number a clause is printed and referred to by: "2.3", or "§ 7" (non-breaking space) counted
    through the whole document."""
    return f"§\u00a0{first + index}" if style == "sections" else f"{article}.{index + 1}"


def _roman(n: int) -> str:
    out = ""
    for value, letters in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"),
                           (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out, n = out + letters, n - value
    return out


def document_locale(jurisdiction: Jurisdiction, language: str) -> str:
    """The jurisdiction's locale (en_US, de_DE…) for documents in its own language; else the language itself."""
    own = jurisdiction.locale
    return own if own and own.replace("_", "-").split("-")[0] == language.split("-")[0] else language


def load_spelling(catalog: Catalog, language: str, locale: str) -> dict[str, str]:
    """Word respellings for this locale (legal/clauses/<language>/_spelling.yml), e.g. British → American."""
    path = catalog.legal / "clauses" / language.split("-")[0] / "_spelling.yml"
    return {str(k).lower(): str(v) for k, v in (cached_yaml(path).get(locale) or {}).items()} \
        if path.is_file() else {}


def _respelled(clause: Clause, spelling: dict[str, str]) -> Clause:
    if not spelling:
        return clause
    return Clause(id=clause.id, title=respell(clause.title, spelling), body=respell(clause.body, spelling),
                  path=clause.path, covers=clause.covers, when=clause.when, note=respell(clause.note, spelling))


def _definitions(env, recorder: _Recorder, context: dict, where: str) -> list[tuple[str, dict]]:
    """The terms the document used (the statute first, then alphabetically), with their definitions rendered."""
    # the statute first, since other definitions cite it; then alphabetically
    used = sorted(recorder.used_terms, key=lambda t: (t != "act", recorder.terms[t]["word"].casefold()))
    return [(t, {"word": recorder.terms[t]["word"],
                 "definition": Markup(render_string(env, recorder.terms[t]["definition"], context, where + f" term {t}"))})
            for t in used]


def _truthy(env, expression: str, context: dict, where: str) -> bool:
    return render_string(env, "{{ 'yes' if (" + expression + ") else '' }}", context, where + " when") == "yes"


def _title(titles: dict[str, str], language: str, where: str) -> str:
    for key in (language, language.split("-")[0], "en"):
        if key in titles:
            return titles[key]
    raise DataError(f"{where}: no title in {language}")


def load_strings(catalog: Catalog, language: str) -> dict[str, str]:
    """The words the engine and the layout print themselves ("Article", "Page", the notices...),
    from `legal/clauses/<language>/_strings.yml`, falling back to English key by key."""
    strings = dict(cached_yaml(catalog.legal / "clauses" / "en" / "_strings.yml"))
    for key in (language.split("-")[0], language):
        path = catalog.legal / "clauses" / key / "_strings.yml"
        if key != "en" and path.is_file():
            strings.update(cached_yaml(path))
    return strings


def _note(item: RenderedClause, matters: dict, strings: dict, recorder: _Recorder) -> list[str]:
    """The review build's box under a clause: why it is there, and the statutory matters it covers."""
    why, covers, confirm = strings["why"], strings["covers"], strings["confirm"]
    lines = [f'!!! note "{why}"']
    if item.note:
        lines += ["    " + line for line in item.note.splitlines()] + [""]
    for matter_id in item.clause.covers:
        matter = matters.get(matter_id)
        if matter is None:
            continue
        flag = f" — **{confirm}**" if not matter.confirmed else ""
        if not matter.confirmed:
            recorder.unconfirmed[f"{matter.title} ({matter.cite})"] = None
        lines.append(f"    {covers}: {md_escape(matter.title)} ({md_escape(matter.cite)}){flag}  ")
    return lines + [""]


def _coverage_table(form: LegalForm, rendered: dict[str, RenderedClause], strings: dict,
                    annex: bool = False) -> list[str]:
    heading = f"{strings['annex']}: {strings['coverage_title']}" if annex else strings["coverage_title"]
    lines = [f"## {heading} {{#coverage}}", "", strings["coverage_intro"], "",
             f"| {strings['matter']} | {strings['clauses']} |", "|---|---|"]
    for matter in form.matters:
        where = ", ".join(f"[{r.number}](#{r.clause.id})" for r in rendered.values() if matter.id in r.clause.covers)
        lines.append(f"| {md_escape(matter.title)} ({md_escape(matter.cite)}) | {where or '—'} |")
    return lines + [""]


def coverage_problems(form: LegalForm, documents: list[RenderedDocument]) -> list[tuple[str, str, str]]:
    """(matter id, title, citation) for every statutory matter no included clause covers, then every clause
    family (legal/clauses/families.yml) a rules document needs and lacks, in either language."""
    rules = [d for d in documents if d.spec.kind == "rules"]
    covered = set().union(*(d.covered for d in rules if not d.translation_of)) if rules else set()
    problems = [(m.id, m.title, m.cite) for m in form.matters if m.id not in covered]
    for doc in rules:
        problems += [(fid, f"{title} ({doc.filename})", cite) for fid, title, cite in doc.families
                     if fid not in doc.covered and (fid, f"{title} ({doc.filename})", cite) not in problems]
    return problems


def load_families(catalog: Catalog) -> list[dict[str, str]]:
    """The clause families every rules document must include (legal/clauses/families.yml)."""
    path = catalog.legal / "clauses" / "families.yml"
    return [{"id": fid, **entry} for fid, entry in read_yaml_file(path).items()] if path.is_file() else []
