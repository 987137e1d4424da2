"""Filing packs: what the registrar needs, filled from the profile, and a checklist of every paper.

`legal/jurisdictions/<id>/filing.yml` declares, per legal form, the papers a registration needs —
who signs each, where it goes, the registration step whose fee it pays (fees and the date they
were read stay in jurisdiction.yml), the profile fields a form asks for, and declarations each
director signs — plus how an amendment of the rules is registered. Every fact carries its citation;
unconfirmed ones say `confirmed: false` and are flagged to the reader. Text is per language
(`{pt-BR: …, en: …}`); the pack is written in the document language and, when that is not English,
in English too.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from ._yaml import read_yaml_file
from .catalog import Catalog, Fee, LegalForm
from .errors import DataError
from .papers import document_languages, paper_strings, render_template, write_paper
from .pdf import PdfJob
from .render import Markup, format_money, markdown_env, md_escape, render_string

ROLES = ("founders", "directors", "secretary", "chair", "three-founders", "each-director", "notary", "lawyer",
         "organizers", "board-chair")
FIELDS = ("name", "legal_form", "registered_office", "region", "objects", "founders", "directors", "secretary",
          "member_classes", "capital", "board_size", "financial_year", "email", "sector", "date", "registrar",
          "members_count", "duration", "registered_agent")

Text = dict[str, str]


def pick(text: Text, language: str) -> str:
    """The text in `language`, its base language, or English."""
    for key in (language, language.split("-")[0], "en"):
        if key in text:
            return text[key]
    return next(iter(text.values()), "")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CitedText(_Model):
    text: Text
    cite: str
    url: str = ""
    confirmed: bool = True


class Majority(CitedText):
    value: float  # the statutory minimum share for a rule change, in percent


class Amendment(_Model):
    registrar: Text
    registration: CitedText  # where and how an amendment is registered, and when it takes effect
    majority: Majority | None = None


class Paper(_Model):
    id: str
    title: Text
    description: Text
    signs: list[str]  # roles (ROLES) or free words in `signs_text`
    goes_to: Text
    documents: list[str] = []  # ids of coopkit documents that go with it
    step: str = ""  # the registration step in jurisdiction.yml whose fee it pays
    fields: list[str] = []  # profile fields the registrar's form asks for (FIELDS): a filled sheet is written
    per: str = ""  # "director": one declaration per director
    declaration: Text = {}  # sandboxed template of the declaration (person, full_name, coop)
    table: dict[str, list[str]] = {}  # columns of a blank table to fill in (per language), e.g. the acts done
    cite: str
    url: str = ""
    confirmed: bool = True


class FormFiling(_Model):
    papers: list[Paper]
    amendment: Amendment | None = None
    note: Text = {}


class Filing(_Model):
    jurisdiction: str
    reviewed: dt.date
    amendment: Amendment
    forms: dict[str, FormFiling]

    def amendment_for(self, form_id: str, language: str = "en") -> dict[str, Any]:
        chosen = self.forms[form_id].amendment if form_id in self.forms and self.forms[form_id].amendment else \
            self.amendment
        assert chosen is not None
        out: dict[str, Any] = {"registrar": pick(chosen.registrar, language),
                               "registration": {"text": pick(chosen.registration.text, language),
                                                "cite": chosen.registration.cite, "url": chosen.registration.url,
                                                "confirmed": chosen.registration.confirmed},
                               "majority": None}
        if chosen.majority:
            out["majority"] = {"value": chosen.majority.value, "text": pick(chosen.majority.text, language),
                               "cite": chosen.majority.cite, "confirmed": chosen.majority.confirmed}
        return out


@cache
def _load(path: Path, mtime: float) -> Filing:
    try:
        filing = Filing.model_validate(read_yaml_file(path))
    except ValidationError as exc:
        error = exc.errors()[0]
        raise DataError(f"{path}: {'.'.join(map(str, error['loc']))}: {error['msg']}") from None
    for form_id, form in filing.forms.items():
        for paper in form.papers:
            unknown = [r for r in paper.signs if r not in ROLES]
            bad = [f for f in paper.fields if f not in FIELDS]
            if unknown or bad:
                raise DataError(f"{path}: forms.{form_id}.papers.{paper.id}: unknown "
                                f"{'roles ' + str(unknown) if unknown else 'fields ' + str(bad)}; "
                                f"roles are {', '.join(ROLES)}; fields are {', '.join(FIELDS)}.")
            if "en" not in paper.title or "en" not in paper.goes_to or "en" not in paper.description:
                raise DataError(f"{path}: forms.{form_id}.papers.{paper.id}: title, description and goes_to need "
                                "an English text (en) beside the official language.")
    return filing


def load_filing(catalog: Catalog, jurisdiction_id: str) -> Filing:
    path = catalog.legal / "jurisdictions" / jurisdiction_id / "filing.yml"
    if not path.is_file():
        raise DataError(f"{path} is missing: every jurisdiction declares its filing pack and how amendments are "
                        "registered (see legal/jurisdictions/README.md).")
    return _load(path, path.stat().st_mtime)


# -- the people who sign ---------------------------------------------------------------------------
def people(profile: Any, role: str) -> list[str]:
    """The names behind a role, as the founding minutes appoint them (board: the first board_size
    founders; secretary: the second founder; chair: the first)."""
    names = [f.name for f in profile.founders]
    directors = names[: int(profile.governance.board_size)]
    secretary = names[1] if len(names) > 1 else names[:1]
    match role:
        case "founders" | "organizers":
            return names
        case "directors" | "each-director":
            return directors
        case "secretary":
            return [secretary] if isinstance(secretary, str) else list(secretary)
        case "chair" | "board-chair":
            return names[:1]
        case "three-founders":
            return names[:3]
    return []


def signers_text(profile: Any, roles: list[str], words: dict) -> str:
    if not roles:
        return str(words["issued"])
    parts = []
    for role in roles:
        label = words["roles"].get(role, role)
        names = people(profile, role)
        parts.append(f"{label}: {', '.join(names)}" if names else label)
    return "; ".join(parts)


# -- filled fields -------------------------------------------------------------------------------
def field_values(profile: Any, context: dict, form: LegalForm, words: dict, language: str) -> dict[str, str]:
    coop = profile
    currency = coop.capital.currency
    classes = "; ".join(
        f"{c.label} ({c.id}): {format_money(c.share_price, currency, language)} × {c.min_shares}"
        for c in coop.member_classes)
    return {
        "name": context["full_name"],
        "legal_form": form.name,
        "registered_office": coop.registered_office or words["to_fill"],
        "region": coop.region or words["to_fill"],
        "objects": " ".join((coop.purpose or "").split()) or words["to_fill"],
        "founders": "; ".join(", ".join(x for x in (f.name, getattr(f, "address", ""), f.email or "") if x)
                              for f in coop.founders),
        "registered_agent": getattr(coop, "registered_agent", "") or words["to_fill"],
        "directors": ", ".join(people(coop, "directors")),
        "secretary": ", ".join(people(coop, "secretary")),
        "member_classes": classes,
        "capital": classes if form.share_capital else words["no_share_capital"],
        "board_size": str(coop.governance.board_size),
        "financial_year": words["to_fill"],
        "email": coop.founders[0].email if coop.founders and coop.founders[0].email else words["to_fill"],
        "sector": context["sector"].name,
        "date": str(context["document_date"]),
        "registrar": form.registration.registrar,
        "members_count": str(len(coop.founders)),
        "duration": words["indefinite"],
    }


def _fee(form: LegalForm, paper: Paper) -> Fee | None:
    return next((s.fee for s in form.registration.steps if s.id == paper.step and s.fee), None)


def fee_text(fee: Fee | None, words: dict, language: str) -> Markup:
    if fee is None:
        return Markup(md_escape(words["no_fee"]))
    text = words["fee_read"].format(amount=format_money(fee.amount, fee.currency, language),
                                    date=fee.date_read.isoformat(), cite=fee.cite)
    if fee.note:
        text += f" — {' '.join(fee.note.split())}"
    return Markup(md_escape(text) + (f" **[{words['to_confirm']}]**" if not fee.confirmed else ""))


def checklist_rows(profile: Any, context: dict, form: LegalForm, filing: FormFiling, words: dict,
                   language: str, documents: dict[str, str]) -> list[dict[str, str]]:
    rows = []
    for paper in filing.papers:
        attached = ", ".join(documents.get(d, d) for d in paper.documents)
        rows.append({
            "id": paper.id,
            "title": pick(paper.title, language),
            "description": pick(paper.description, language) + (f" ({words['with']}: {attached})" if attached else ""),
            "signs": signers_text(profile, paper.signs, words),
            "goes_to": pick(paper.goes_to, language),
            "fee": fee_text(_fee(form, paper), words, language),
            "cite": paper.cite + (f" — {words['to_confirm']}" if not paper.confirmed else ""),
            "sheet": "yes" if paper.fields or paper.per else "",
        })
    return rows


def write_filing_pack(out_dir: Path, profile: Any, catalog: Catalog, context: dict, *,
                      documents: list | None = None, pdf: Callable[[PdfJob], Any] | None = None) -> list[Path]:
    """`out_dir`/checklist.* and a filled sheet per paper that has a registrar's form, in the document
    language and (when that is not English) in English."""
    jurisdiction = catalog.jurisdiction(profile.jurisdiction)
    form = jurisdiction.form(profile.legal_form)
    filing = load_filing(catalog, jurisdiction.id)
    if form.id not in filing.forms:
        raise DataError(f"legal/jurisdictions/{jurisdiction.id}/filing.yml has no papers for the form {form.id!r}.")
    pack = filing.forms[form.id]
    written: list[Path] = []
    for language, translation_of in document_languages(profile.language or "en"):
        words = paper_strings(catalog, language)
        local_form = form.localized(language)
        suffix = f".{language}" if translation_of else ""
        names = {d.spec.id: d.filename for d in documents or [] if d.language == language}
        rows = checklist_rows(profile, context, local_form, pack, words, language, names)
        values = field_values(profile, context, local_form, words, language)
        amendment = filing.amendment_for(form.id, language)
        ctx = {**context, "s": words, "language": language, "rows": rows, "form": local_form,
               "title": words["checklist_title"].format(name=context["full_name"]),
               "registrar": local_form.registration.registrar, "note": pick(pack.note, language) if pack.note else "",
               "amendment": amendment, "reviewed": filing.reviewed.isoformat(),
               "jurisdiction": jurisdiction.localized(language)}
        written += write_paper(out_dir / f"checklist{suffix}", title=words["checklist_title"].format(name=context["full_name"]),
                               language=language, context=context, catalog=catalog,
                               markdown=render_template(catalog, "checklist.md", ctx), build="final",
                               formats=("md", "html", "pdf", "docx"), translation_of=translation_of, pdf=pdf)
        for paper in pack.papers:
            if paper.fields:
                columns = paper.table.get(language) or paper.table.get(language.split("-")[0]) or paper.table.get("en", [])
                sheet = {**ctx, "paper": _paper_ctx(paper, language, local_form, words, profile),
                         "fields": [(words["fields"][f], values[f]) for f in paper.fields], "columns": columns}
                written += write_paper(out_dir / f"{paper.id}{suffix}", title=pick(paper.title, language),
                                       language=language, context=context, catalog=catalog,
                                       markdown=render_template(catalog, "form-sheet.md", sheet), build="final",
                                       formats=("html", "pdf", "docx"), translation_of=translation_of, pdf=pdf)
            if paper.per == "director":
                for n, person in enumerate(people(profile, "directors"), 1):
                    text = _declaration(paper, language, person, context, profile, catalog)
                    sheet = {**ctx, "paper": _paper_ctx(paper, language, local_form, words, profile),
                             "person": person, "declaration": text}
                    written += write_paper(out_dir / f"{paper.id}-{n}-{_slug(person)}{suffix}",
                                           title=f"{pick(paper.title, language)} — {person}", language=language,
                                           context=context, catalog=catalog,
                                           markdown=render_template(catalog, "declaration.md", sheet), build="final",
                                           formats=("html", "pdf", "docx"), translation_of=translation_of, pdf=pdf)
    return written


def _paper_ctx(paper: Paper, language: str, form: LegalForm, words: dict, profile: Any) -> dict[str, str]:
    return {"id": paper.id, "title": pick(paper.title, language), "description": pick(paper.description, language),
            "goes_to": pick(paper.goes_to, language), "signs": signers_text(profile, paper.signs, words),
            "cite": paper.cite, "confirmed": "yes" if paper.confirmed else "",
            "fee": fee_text(_fee(form, paper), words, language)}


def _declaration(paper: Paper, language: str, person: str, context: dict, profile: Any, catalog: Catalog) -> str:
    """The declaration's own text: a sandboxed template from filing.yml, the person's name a value."""
    source = pick(paper.declaration, language)
    env = markdown_env([catalog.legal / "filing" / "templates"])
    return render_string(env, source, {**context, "person": person, "coop": profile.model_dump(mode="json")},
                         f"filing.yml {paper.id} declaration ({language})")


def _slug(text: str) -> str:
    from .signing import _slug as slug

    return slug(text)


__all__ = ["write_filing_pack", "load_filing", "people", "signers_text", "pick", "Filing", "md_escape"]


def write_legal_packs(stage: Path, profile: Any, catalog: Catalog, context: dict, documents: list, *,
                      build: str, pdf: Callable[[PdfJob], Any] | None = None) -> list[Path]:
    """Everything `legal/` holds beside the documents: the profile they were made from (for `amend`),
    the filing pack, and in the final build the signing pack. Returns the paths written under `stage`."""
    from .amend import write_snapshot
    from .profile import dump_profile
    from .signing import write_signing_pack

    legal = stage / "legal"
    written = [write_snapshot(legal, dump_profile(profile))]
    written += write_filing_pack(legal / "filing", profile, catalog, context, documents=documents, pdf=pdf)
    if build == "final":
        written += write_signing_pack(legal / "signing", profile, catalog, context, documents, pdf=pdf)
    return written


def pack_step(work: Any) -> list[str]:
    """The same, as a step of the pipeline (steps.py): DEST-relative paths of the files written."""
    run = work.run
    paths = write_legal_packs(work.stage, run.profile, run.catalog, dict(run.context), list(work.planned),
                              build=run.build, pdf=work.pool.submit)
    return [p.relative_to(work.stage).as_posix() for p in paths]


__all__ += ["write_legal_packs", "pack_step"]
