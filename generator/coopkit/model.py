"""The co-op profile model (`coop.yml`'s fields): pydantic sections and the `Profile`.

Field names are a public contract (see the spec); descriptions double as the comments written into
coop.yml and as the JSON Schema's help for editors.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import unicodedata
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field, field_validator, model_validator

from .deps import WHOLE, note, recording

SCHEMA_VERSION: Literal[1] = 1
MAX_NAME_LENGTH = 160  # Companies House and most registrars refuse longer names

CoopType = Literal["worker", "multi-stakeholder", "consumer", "producer"]


def _plain_text(value: str, field: str, max_length: int, multiline: bool = False) -> str:
    value = unicodedata.normalize("NFC", value).strip()
    if not value:
        raise ValueError(f"{field} is empty")
    bad = [c for c in value if unicodedata.category(c) == "Cc" and not (multiline and c in "\n\t")]
    if bad:
        raise ValueError(f"contains a control character ({bad[0]!r}); type it as plain text")
    if len(value) > max_length:
        raise ValueError(f"is {len(value)} characters long; at most {max_length} are allowed")
    return value


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True, coerce_numbers_to_str=True)

    def __getattribute__(self, name: str) -> Any:
        """Reads of fields are recorded while a step renders (deps.py): the step's real inputs."""
        if name[0] != "_" and recording():
            prefix = _PATHS.get(type(self))
            if prefix is not None:
                if name in type(self).model_fields:
                    if prefix == "" and name in _SECTIONS:  # on the way to a leaf: not a read yet
                        return super().__getattribute__(name)
                    note(name if prefix == "" else prefix if prefix in _LISTS else f"{prefix}.{name}")
                elif name in _WHOLE_READERS:
                    note(prefix or WHOLE)
        return super().__getattribute__(name)


class Founder(_Section):
    name: str = Field(description="full name of the founding member (a person or an organisation)")
    email: EmailStr | None = Field(default=None, description="contact address for notices")
    member_class: str = Field(default="worker", description="the id of one of member_classes")
    shares: int = Field(default=1, ge=1, description="shares subscribed at the founding meeting")
    address: str = Field(default="", description="postal address, where a filing lists the founders (incorporators, directors)")

    @field_validator("name")
    @classmethod
    def _name(cls, v: str) -> str:
        return _plain_text(v, "the founder's name", MAX_NAME_LENGTH)

    @field_validator("address")
    @classmethod
    def _address(cls, v: str) -> str:
        return _plain_text(v, "the address", 300) if v.strip() else ""


class MemberClass(_Section):
    id: str = Field(pattern=r"^[a-z][a-z0-9_-]{0,30}$", description="lowercase id")
    label: str = Field(description="the sector's word for them")
    description: str = Field(default="", description="who belongs to this class")
    voting: bool = Field(default=True, description="whether members of this class vote")
    share_price: float = Field(default=1, gt=0, description="price of one share, in capital.currency")
    min_shares: int = Field(default=1, ge=1, description="shares a member must hold")
    vote_weight_percent: float | None = Field(
        default=None, ge=0, le=100,
        description="share of all votes this class carries when governance.class_weighted_voting is on",
    )

    @field_validator("label")
    @classmethod
    def _label(cls, v: str) -> str:
        return _plain_text(v, "the label", 60)


class Capital(_Section):
    currency: str = Field(default="GBP", pattern=r"^[A-Z]{3}$", description="ISO 4217 code; default from the jurisdiction")
    max_shares_per_member: int = Field(default=100, ge=1, description="most shares one member may hold")
    interest_cap_percent: float = Field(default=3, ge=0, le=100, description="interest on share capital; must not exceed the statutory cap")


class Governance(_Section):
    board_size: int = Field(default=3, ge=1, le=50, description="directors / committee members")
    board_term_years: int = Field(default=2, ge=1, le=10, description="years between board elections")
    quorum_percent: float = Field(default=25, gt=0, le=100, description="of voting members, for a general meeting")
    ordinary_majority_percent: float = Field(default=50, ge=50, lt=100, description='"more than" this share of votes cast passes an ordinary resolution')
    special_majority_percent: float = Field(default=75, gt=50, le=100, description="at least this share for rule changes, dissolution...")
    decision_method: Literal["majority", "consent"] = Field(default="majority", description="majority | consent")
    notice_days: int = Field(default=14, ge=1, le=90, description="notice of general meetings, in days")
    agm_month: int = Field(default=6, ge=1, le=12, description="month of the annual general meeting")
    class_weighted_voting: bool = Field(default=False, description="votes weighted by member class (multi-stakeholder; where the law allows it)")
    admission_by: Literal["board", "general_meeting"] = Field(default="board", description="who admits new members: board | general_meeting")


class Surplus(_Section):
    reserve_percent: float = Field(default=20, ge=0, le=100, description="must be >= the statutory minimum of the jurisdiction")
    education_percent: float = Field(default=5, ge=0, le=100, description="education / co-operative development fund")
    patronage_percent: float = Field(default=60, ge=0, le=100, description="returned to members in proportion to patronage")
    community_percent: float = Field(default=15, ge=0, le=100, description="for the community the co-op serves")
    patronage_basis: Literal["hours", "revenue", "transactions"] = Field(default="hours", description="hours | revenue | transactions")

    @model_validator(mode="after")
    def _adds_to_100(self) -> Surplus:
        total = self.reserve_percent + self.education_percent + self.patronage_percent + self.community_percent
        if abs(total - 100) > 1e-9:
            raise ValueError(
                f"the four shares add up to {total:g}, not 100 (reserve {self.reserve_percent:g} + "
                f"education {self.education_percent:g} + patronage {self.patronage_percent:g} + "
                f"community {self.community_percent:g}); change them so they add up to 100"
            )
        return self


class SweatEquity(_Section):
    enabled: bool = Field(default=True, description="count pre-revenue work (the Loomio handbook approach)")
    hourly_value: float = Field(default=15, ge=0, description="value of one hour, in capital.currency")
    founder_risk_multiplier: float = Field(default=1.5, ge=1, le=5, description="for unpaid work before revenue")
    paid_work_discount: float = Field(default=0.6, ge=0, le=1, description="factor for work that was also paid")


class Platform(_Section):
    commission_percent: float = Field(default=10, ge=0, le=50, description="the co-op's share of each transaction")
    timezone: str = Field(default="Europe/London", description="IANA time zone of the platform")
    languages: list[str] = Field(default_factory=lambda: ["en"], description="interface languages")

    @field_validator("timezone")
    @classmethod
    def _tz(cls, v: str) -> str:
        import zoneinfo

        try:
            zoneinfo.ZoneInfo(v)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"{v!r} is not an IANA time zone (e.g. Europe/London, America/Sao_Paulo)") from None
        return v


class Dissolution(_Section):
    asset_lock: bool = Field(default=True, description="residual assets go to another co-op / fund, never to members")
    beneficiary: str = Field(
        default="another co-operative or a co-operative development fund chosen by the final general meeting",
        description="who receives residual assets",
    )


class Incubator(_Section):
    name: str = Field(description="the incubator or accelerator that helped")
    contact: str = Field(default="", description="an email or web address")
    logo: str | None = Field(default=None, description="path to a logo (PNG or SVG), relative to coop.yml")
    overlay: str | None = Field(default=None, description="folder with the incubator's chapters, clauses and CSS")


class Profile(_Section):
    """A platform co-operative, as its founders describe it."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True, coerce_numbers_to_str=True,
                              title="coopkit co-op profile (coop.yml)")

    schema_version: Literal[1] = Field(default=SCHEMA_VERSION, description="version of this file's format")
    name: str = Field(description="the co-op's name, without the legal-form suffix")
    purpose: str = Field(
        default="To run a fair, democratic platform owned and governed by the people who work on it and use it.",
        description="the objects clause, in the founders' words",
    )
    sector: str = Field(description="a sector id (coopkit list sectors)")
    region: str = Field(default="", description="city or region served")
    jurisdiction: str = Field(description="a jurisdiction id (coopkit list jurisdictions)")
    legal_form: str | None = Field(default=None, description="a form of that jurisdiction; default: its first form")
    coop_type: CoopType = Field(default="worker", description="worker | multi-stakeholder | consumer | producer")
    language: str | None = Field(default=None, description="language of the documents; default: the jurisdiction's official one")
    handbook_language: str | None = Field(default=None, description="language of the handbook (coopkit list handbook languages: en, pt-BR, es, ca, de, fr, it, nl, da); default: the documents' language")
    registered_office: str = Field(default="", description="address of the registered office")
    registered_office_area: str = Field(default="", description="county, province or municipality of the registered office, where a filing names it (New York: county; Canada: province; Ontario: municipality)")
    registered_agent: str = Field(default="", description="US forms: the person or company named to receive legal papers at the registered office")
    document_date: dt.date | None = Field(default=None, description="date printed on the documents (YYYY-MM-DD); set at `coopkit new`")
    founders: list[Founder] = Field(default_factory=list, description="at least the jurisdiction's minimum (a --draft run may have fewer)")
    member_classes: list[MemberClass] = Field(default_factory=list, description="default: from coop_type and sector")
    capital: Capital = Field(default_factory=Capital)
    governance: Governance = Field(default_factory=Governance)
    surplus: Surplus = Field(default_factory=Surplus)
    sweat_equity: SweatEquity = Field(default_factory=SweatEquity)
    platform: Platform = Field(default_factory=Platform)
    dissolution: Dissolution = Field(default_factory=Dissolution)
    incubator: Incubator | None = Field(default=None, description="optional: who helped; shown on the handbook cover")
    platform_template: str | None = Field(default=None, description="optional: path of an incubator's own copier or cookiecutter template")

    @field_validator("name")
    @classmethod
    def _name(cls, v: str) -> str:
        return _plain_text(v, "the name", MAX_NAME_LENGTH)

    @field_validator("purpose")
    @classmethod
    def _purpose(cls, v: str) -> str:
        return _plain_text(v, "the purpose", 2000, multiline=True)

    @field_validator("region", "registered_office", "registered_office_area", "registered_agent")
    @classmethod
    def _short_text(cls, v: str) -> str:
        return _plain_text(v, "it", 300) if v.strip() else ""

    @field_validator("sector", "jurisdiction", "legal_form")
    @classmethod
    def _identifier(cls, v: str | None) -> str | None:
        if v is not None and not re.fullmatch(r"[a-z][a-z0-9-]{0,40}", v):
            raise ValueError(f"{v!r} is not an id (lowercase letters, digits and '-')")
        return v

    @model_validator(mode="after")
    def _classes_consistent(self) -> Profile:
        ids = [c.id for c in self.member_classes]
        if len(set(ids)) != len(ids):
            raise ValueError("member_classes: two classes share an id; give each class its own id")
        if self.member_classes:
            for i, founder in enumerate(self.founders):
                if founder.member_class not in ids:
                    raise ValueError(
                        f"founders[{i}].member_class is {founder.member_class!r}, which is not one of "
                        f"member_classes ({', '.join(ids)})"
                    )
        return self

    # ---- derived values used by documents, the platform and checks ----
    def member_class(self, class_id: str) -> MemberClass:
        return next(c for c in self.member_classes if c.id == class_id)

    def canonical_json(self) -> str:
        return json.dumps(self.model_dump(mode="json"), sort_keys=True, ensure_ascii=False, separators=(",", ":"))

    def digest(self) -> str:
        """The profile hash printed on every document: the first 12 hex digits of its sha256."""
        return hashlib.sha256(self.canonical_json().encode()).hexdigest()[:12]


_LISTS = {"founders", "member_classes"}  # an item's field is recorded as the whole list
_SECTIONS = {"capital", "governance", "surplus", "sweat_equity", "platform", "dissolution"}  # never None
_WHOLE_READERS = {"model_dump", "model_dump_json", "canonical_json", "digest"}
_PATHS: dict[type, str] = {
    Profile: "", Founder: "founders", MemberClass: "member_classes", Capital: "capital", Governance: "governance",
    Surplus: "surplus", SweatEquity: "sweat_equity", Platform: "platform", Dissolution: "dissolution",
    Incubator: "incubator",
}


def json_schema() -> dict:
    schema = Profile.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://coopkit.org/schema/coop.schema.json"
    return schema
