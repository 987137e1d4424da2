"""Writing the legal documents: Markdown from the clause engine, then HTML and PDF."""
from __future__ import annotations

from pathlib import Path

from .catalog import Catalog
from .legal import RenderedDocument, build_document, document_languages, document_spec
from .pdf import write_pdf
from .profile import Profile
from .render import Markup, html_env, markdown_to_html

FORMATS = ("md", "html", "pdf", "docx")


def render_documents(profile: Profile, catalog: Catalog, context: dict, *, build: str = "review",
                     overlay: Path | None = None, drop: frozenset[str] = frozenset()) -> list[RenderedDocument]:
    """Every document of the profile's legal form, in its language (and an English translation)."""
    jurisdiction = catalog.jurisdiction(profile.jurisdiction)
    form = jurisdiction.form(profile.legal_form)
    rendered = []
    for language, translation_of in document_languages(jurisdiction, form, profile.language or "en"):
        for doc_id in form.documents:
            spec = document_spec(catalog, jurisdiction, doc_id)
            classes = [c.model_dump() for c in profile.member_classes] if spec.per_class else [None]
            for member_class in classes:
                rendered.append(build_document(
                    catalog, jurisdiction, form, spec, context, language=language, build=build,
                    overlay=overlay, member_class=member_class, translation_of=translation_of, drop=drop,
                ))
    return rendered


def render_rules(profile: Profile, catalog: Catalog, context: dict, *, build: str = "final",
                 overlay: Path | None = None) -> list[RenderedDocument]:
    """Only the rules-kind documents, in the document language (for the platform and `check`)."""
    jurisdiction = catalog.jurisdiction(profile.jurisdiction)
    form = jurisdiction.form(profile.legal_form)
    specs = [document_spec(catalog, jurisdiction, doc_id) for doc_id in form.documents]
    return [build_document(catalog, jurisdiction, form, spec, {**context, "build": build},
                           language=profile.language or "en", build=build, overlay=overlay)
            for spec in specs if spec.kind == "rules"]


def document_html(doc: RenderedDocument, catalog: Catalog, context: dict, overlay: Path | None = None) -> str:
    from .legal import load_strings

    strings = load_strings(catalog, doc.language)
    search = [overlay, catalog.legal] if overlay else [catalog.legal]
    css = "\n".join(p.read_text(encoding="utf-8") for p in _stylesheets(catalog, overlay))
    notice = ""
    if doc.translation_of:
        names: dict = strings.get("language_names") or {}  # type: ignore[assignment]
        notice = strings["translation_notice"].format(language=names.get(doc.translation_of, doc.translation_of))
    env = html_env([p for p in search if p])
    return env.get_template("layout.html").render(
        {**context, "build": doc.build}, title=doc.title, language=doc.language, strings=strings, translation_of=doc.translation_of, translation_notice=notice,
        body=Markup(markdown_to_html(doc.markdown)), css=Markup(css),
    )


def _stylesheets(catalog: Catalog, overlay: Path | None) -> list[Path]:
    sheets = [catalog.legal / "print.css"]
    if overlay and (overlay / "legal.css").is_file():
        sheets.append(overlay / "legal.css")
    return sheets


def write_documents(docs: list[RenderedDocument], out_dir: Path, catalog: Catalog, context: dict,
                    *, overlay: Path | None = None, formats: tuple[str, ...] = FORMATS,
                    on_written=None) -> list[Path]:
    """Write each document as .md, .html, .pdf and .docx into `out_dir`; returns the paths written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    fonts = catalog.handbook / "fonts"
    for doc in docs:
        base = out_dir / doc.filename
        if "md" in formats:
            path = base.with_name(doc.filename + ".md")
            path.write_text(doc.markdown, encoding="utf-8")
            written.append(path)
        html = document_html(doc, catalog, context, overlay)
        if "html" in formats:
            path = base.with_name(doc.filename + ".html")
            path.write_text(html, encoding="utf-8")
            written.append(path)
        if "pdf" in formats:
            path = base.with_name(doc.filename + ".pdf")
            write_pdf(html, path, base_url=catalog.legal, stylesheets=[fonts / "fonts.css"],
                      date=context["document_date"], allowed_roots=[catalog.root] + ([overlay] if overlay else []))
            written.append(path)
        if "docx" in formats:  # Word, with tracked-change-friendly styles and numbering (wordprocessing.py)
            from .legal import load_strings
            from .wordprocessing import write_document_docx

            written.append(write_document_docx(doc, base.with_name(doc.filename + ".docx"), context,
                                               load_strings(catalog, doc.language)))
        if on_written:
            on_written(doc)
    return written


__all__ = ["render_documents", "render_rules", "write_documents", "document_html"]
