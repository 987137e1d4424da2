"""The catalog: jurisdictions, legal forms, sectors and documents, discovered from the data folders.

Adding a jurisdiction or a sector is adding data files; nothing here changes. Every data file is
validated on load, and a broken one is reported with its path.
"""
from __future__ import annotations

import datetime as dt
import re
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ._yaml import read_yaml_file
from .errors import DataError, UsageError
from .law_rules import Rule


def default_data_root() -> Path:
    """The packaged data (inside a wheel) or, in a source checkout, the repository's top level."""
    packaged = Path(__file__).parent / "_data"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2]


class _Data(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    # Text of this item in other languages: {"pt-BR": {"title": "...", "description": "..."}}. Only
    # prose; numbers, dates and citations are the same in every language.
    i18n: dict[str, dict[str, str]] = {}

    def localized(self, language: str | None):
        """A copy with its prose (and its parts' prose) in `language` where the data has it."""
        updates: dict[str, Any] = {}
        for name in type(self).model_fields:
            value = getattr(self, name)
            if isinstance(value, _Data):
                updates[name] = value.localized(language)
            elif isinstance(value, list) and value and isinstance(value[0], _Data):
                updates[name] = [item.localized(language) for item in value]
            elif isinstance(value, dict) and value and isinstance(next(iter(value.values())), _Data):
                updates[name] = {k: v.localized(language) for k, v in value.items()}
        updates.update(_in_language(self.i18n, language) or {})
        return self.model_copy(update=updates) if updates else self


class Cited(_Data):
    """A legal fact or limit with the source that establishes it."""

    cite: str
    url: str = ""
    confirmed: bool = True  # false: shown to the reader as "to confirm with a lawyer"


class Fact(Cited):
    value: Any
    text: str = ""  # the fact in plain words, for documents and the handbook


class Check(Cited):
    """A limit the law puts on a profile field. Exactly one of min / max / equals / one_of."""

    field: str
    rule: str  # the limit in words: "at least 3 founding members"
    min: float | None = None
    max: float | None = None
    equals: Any = None
    one_of: list[Any] | None = None
    fix: str = ""
    draftable: bool = False  # --draft lets a profile through that breaks this one


class Matter(Cited):
    """A matter the statute requires the rules to cover."""

    id: str
    title: str


class Fee(Cited):
    amount: float
    currency: str
    date_read: dt.date  # fees change: the day the figure was read from its source
    note: str = ""


class Step(_Data):
    id: str
    title: str
    description: str
    documents: list[str] = []  # ids of documents coopkit writes that this step needs
    fee: Fee | None = None
    duration_days: int = 0  # calendar days the step typically takes
    cite: str = ""
    url: str = ""
    confirmed: bool = True


class Membership(Cited):
    name: str
    description: str


class Registration(_Data):
    registrar: str
    registrar_url: str = ""
    steps: list[Step]
    compulsory_memberships: list[Membership] = []


class Suffix(Cited):
    text: str
    alternatives: list[str] = []  # other accepted endings, e.g. "Cyfyngedig" or "Ltd"
    anywhere: bool = False  # the law asks for the words somewhere in the name, not at its end


class LegalForm(_Data):
    id: str
    name: str
    statute: str
    description: str
    suffix: Suffix | None = None
    coop_types: list[str]
    documents: list[str]
    vocabulary: dict[str, str] = {}
    defaults: dict[str, Any] = {}
    facts: dict[str, Fact] = {}
    checks: list[Check] = []
    rules: list[Rule] = []  # cross-field limits (law_rules.py; legal/jurisdictions/README.md)
    matters: list[Matter] = []
    registration: Registration
    class_weighted_voting: Cited | None = None  # present when the law allows it; absent: refused
    share_capital: bool = True  # false for forms without shares (a company limited by guarantee)
    languages: list[str] = []  # document languages; default: the jurisdiction's official ones

    def full_name(self, name: str) -> str:
        """The name with the form's suffix, added once (never twice, whatever the case)."""
        if not self.suffix:
            return name
        endings = [self.suffix.text, *self.suffix.alternatives]
        lowered = name.casefold().rstrip(" .")
        for ending in endings:
            words = ending.casefold().strip(" .–-")
            if lowered.endswith(ending.casefold().rstrip(" .")) or (
                    self.suffix.anywhere and re.search(rf"(?<!\w){re.escape(words)}(?!\w)", lowered)):
                return name
        return f"{name} {self.suffix.text}"


class Jurisdiction(_Data):
    id: str
    name: str
    official_languages: list[str]
    # Babel locale of documents in the official language: en_US respells the English clauses
    # (legal/clauses/en/_spelling.yml) and writes US dates; empty: the language's own conventions
    locale: str = ""
    currency: str
    reviewed: dt.date
    summary: str = ""
    forms: list[LegalForm]
    path: Path | None = Field(default=None, exclude=True)

    def form(self, form_id: str | None) -> LegalForm:
        if form_id is None:
            return self.forms[0]
        for form in self.forms:
            if form.id == form_id:
                return form
        valid = ", ".join(f.id for f in self.forms)
        raise UsageError(
            f"legal_form: {form_id!r} is not a legal form of {self.id} ({self.name}). "
            f"Choose one of: {valid}."
        )


class Vocabulary(_Data):
    worker: str
    workers: str
    customer: str
    customers: str
    unit: str
    units: str
    listing: str
    listings: str
    booking: str
    bookings: str


class SectorClass(_Data):
    id: str
    label: str
    description: str
    labels: dict[str, str] = {}  # the label in other languages, by language tag
    descriptions: dict[str, str] = {}
    types: list[Literal["worker", "multi-stakeholder", "consumer", "producer"]]
    voting: bool = True
    share_price: float = 1
    min_shares: int = 1
    vote_weight_percent: float | None = None


class Example(_Data):
    name: str
    place: str
    url: str
    sentence: str


class Sector(_Data):
    id: str
    name: str
    description: str
    vocabulary: Vocabulary
    default_coop_type: Literal["worker", "multi-stakeholder", "consumer", "producer"]
    member_classes: list[SectorClass]
    examples: list[Example]
    defaults: dict[str, Any] = {}
    path: Path | None = Field(default=None, exclude=True)

    translations: dict[str, Vocabulary] = {}  # the vocabulary in other languages, by language tag

    def classes_for(self, coop_type: str) -> list[SectorClass]:
        return [c for c in self.member_classes if coop_type in c.types]

    def vocabulary_for(self, language: str | None) -> Vocabulary:
        """The sector's words in a language (pt-BR, then pt), else in English."""
        return _in_language(self.translations, language) or self.vocabulary


def _in_language(options: dict, language: str | None):
    language = language or "en"
    for key in (language, language.split("-")[0]):
        if key in options:
            return options[key]
    return None


class Catalog:
    """Everything coopkit knows, read lazily from a data root (the packaged data by default)."""

    def __init__(self, root: Path | None = None):
        self.root = Path(root) if root else default_data_root()
        self._jurisdictions: dict[str, Jurisdiction] = {}
        self._sectors: dict[str, Sector] = {}

    @property
    def templates(self) -> Path:
        return self.root / "templates"

    @property
    def legal(self) -> Path:
        return self.root / "legal"

    @property
    def handbook(self) -> Path:
        return self.root / "handbook"

    @cached_property
    def jurisdiction_ids(self) -> list[str]:
        return sorted(p.parent.name for p in (self.legal / "jurisdictions").glob("*/jurisdiction.yml"))

    @cached_property
    def sector_ids(self) -> list[str]:
        return sorted(p.stem for p in (self.templates / "sectors").glob("*.yml"))

    @property
    def jurisdictions(self) -> dict[str, Jurisdiction]:
        """Every jurisdiction, loaded (for listings and tests; commands load only the one they need)."""
        return {i: self.jurisdiction(i) for i in self.jurisdiction_ids}

    @property
    def sectors(self) -> dict[str, Sector]:
        return {i: self.sector(i) for i in self.sector_ids}

    def jurisdiction(self, jurisdiction_id: str) -> Jurisdiction:
        if jurisdiction_id not in self._jurisdictions:
            if jurisdiction_id not in self.jurisdiction_ids:
                raise UsageError(
                    f"jurisdiction: {jurisdiction_id!r} is not a known jurisdiction. Choose one of: "
                    f"{', '.join(self.jurisdiction_ids)} (see `coopkit list jurisdictions`)."
                )
            path = self.legal / "jurisdictions" / jurisdiction_id / "jurisdiction.yml"
            item = _load(Jurisdiction, path)
            if item.id != jurisdiction_id:
                raise DataError(f"{path}: id {item.id!r} must equal its folder name {jurisdiction_id!r}.")
            self._jurisdictions[jurisdiction_id] = item
        return self._jurisdictions[jurisdiction_id]

    def sector(self, sector_id: str) -> Sector:
        if sector_id not in self._sectors:
            if sector_id not in self.sector_ids:
                raise UsageError(
                    f"sector: {sector_id!r} is not a known sector. Choose one of: "
                    f"{', '.join(self.sector_ids)} (see `coopkit list sectors`)."
                )
            path = self.templates / "sectors" / f"{sector_id}.yml"
            item = _load(Sector, path)
            if item.id != sector_id:
                raise DataError(f"{path}: id {item.id!r} must equal its file name {sector_id!r}.")
            self._sectors[sector_id] = item
        return self._sectors[sector_id]


def _load(model: type[BaseModel], path: Path):
    data = read_yaml_file(path)
    try:
        return model.model_validate({**data, "path": path})
    except ValidationError as exc:
        details = "; ".join(
            f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors()[:5]
        )
        raise DataError(f"{path}: {details}") from None
