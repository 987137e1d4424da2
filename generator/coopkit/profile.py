"""The co-op profile (`coop.yml`): the model, layered defaults, law-driven checks, load and save.

Field names are a public contract (see the spec); descriptions double as the comments written into
coop.yml and as the JSON Schema's help for editors.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import unicodedata
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field, ValidationError, field_validator, model_validator

from ._yaml import read_yaml_file
from .catalog import Catalog, Check, LegalForm, _in_language
from .errors import Problem, ProfileError

SCHEMA_VERSION = 1
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


class Founder(_Section):
    name: str = Field(description="full name of the founding member (a person or an organisation)")
    email: EmailStr | None = Field(default=None, description="contact address for notices")
    member_class: str = Field(default="worker", description="the id of one of member_classes")
    shares: int = Field(default=1, ge=1, description="shares subscribed at the founding meeting")

    @field_validator("name")
    @classmethod
    def _name(cls, v: str) -> str:
        return _plain_text(v, "the founder's name", MAX_NAME_LENGTH)


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
    def _adds_to_100(self) -> "Surplus":
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
    registered_office: str = Field(default="", description="address of the registered office")
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

    @field_validator("region", "registered_office")
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
    def _classes_consistent(self) -> "Profile":
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


# ---------------------------------------------------------------------------------------------
# Layering answers


def set_path(data: dict, dotted: str, value: Any) -> None:
    """Set `a.b.c` in nested dicts (lists by index: founders.0.name)."""
    keys = dotted.split(".")
    node: Any = data
    for key in keys[:-1]:
        if isinstance(node, list):
            node = node[int(key)]
        else:
            node = node.setdefault(key, {})
            if node is None:
                raise KeyError(dotted)
    last = keys[-1]
    if isinstance(node, list):
        node[int(last)] = value
    else:
        node[last] = value


def get_path(data: Any, dotted: str, default: Any = None) -> Any:
    node = data
    for key in dotted.split("."):
        if isinstance(node, dict) and key in node:
            node = node[key]
        elif isinstance(node, list) and key.isdigit() and int(key) < len(node):
            node = node[int(key)]
        else:
            return default
    return node


def deep_merge(base: dict, top: dict) -> dict:
    """`top` over `base`, recursing into mappings; lists and scalars are replaced whole."""
    merged = dict(base)
    for key, value in top.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def expand_dotted(flat: dict[str, Any]) -> dict:
    nested: dict = {}
    for key, value in flat.items():
        set_path(nested, key, value)
    return nested


def layered_defaults(answers: dict, catalog: Catalog) -> dict:
    """Defaults for these answers: sector < jurisdiction and legal form (the question defaults
    live in the model). Needs `sector` and `jurisdiction` to be known; unknown ids raise UsageError."""
    layers: dict = {}
    sector = catalog.sector(answers["sector"]) if answers.get("sector") else None
    jurisdiction = catalog.jurisdiction(answers["jurisdiction"]) if answers.get("jurisdiction") else None
    if sector:
        layers = deep_merge(layers, expand_dotted(sector.defaults))
        layers.setdefault("coop_type", sector.default_coop_type)
    if jurisdiction:
        form = jurisdiction.form(answers.get("legal_form"))
        layers = deep_merge(
            layers,
            {"legal_form": form.id, "language": (form.languages or jurisdiction.official_languages)[0],
             "capital": {"currency": jurisdiction.currency}},
        )
        layers = deep_merge(layers, expand_dotted(form.defaults))
    return layers


def resolve(answers: dict, catalog: Catalog) -> dict:
    """The answers with every default filled in, ready for validation."""
    data = deep_merge(layered_defaults(answers, catalog), answers)
    if not data.get("member_classes") and data.get("sector") in catalog.sector_ids:
        sector = catalog.sector(data["sector"])
        coop_type = data.get("coop_type") or sector.default_coop_type
        language = data.get("language")
        data["member_classes"] = [
            {**c.model_dump(exclude={"types", "labels", "descriptions", "i18n"}),
             "label": _in_language(c.labels, language) or c.label,
             "description": _in_language(c.descriptions, language) or c.description}
            for c in sector.classes_for(coop_type)
        ]
    classes = data.get("member_classes") or []
    if isinstance(classes, list) and classes and isinstance(classes[0], dict):
        first = classes[0].get("id")
        for founder in data.get("founders") or []:
            if isinstance(founder, dict):
                founder.setdefault("member_class", first)
    return data


# ---------------------------------------------------------------------------------------------
# Validation


def _pydantic_problems(exc: ValidationError) -> list[Problem]:
    problems = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"] if p not in ("function-after[_adds_to_100()]",))
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            msg = "is not a field of coop.yml (check the spelling; `coopkit schema` lists the fields)"
        elif err["type"] == "missing":
            msg = "is missing"
        elif err["type"] == "value_error" and "email" in msg:
            msg = f"is not a valid email address: {msg}"
        elif err["type"] == "literal_error":
            msg = f"is {err.get('input')!r}; {msg}"
        elif "input" in err and not isinstance(err["input"], (dict, list)):
            msg = f"is {err['input']!r}; {msg}"
        problems.append(Problem(loc or "(profile)", msg))
    return problems


def validate(data: dict, catalog: Catalog, *, source: str = "the profile", draft: bool = False,
             law: bool = True) -> Profile:
    """Validate resolved answers against the model and (unless `law` is false, as for `coopkit
    check`, which reports them instead) the law of their legal form."""
    if not isinstance(data, dict):
        raise ProfileError([Problem("(profile)", "should be a mapping of fields")], source)
    problems: list[Problem] = []
    for key, lookup in (("sector", catalog.sector_ids), ("jurisdiction", catalog.jurisdiction_ids)):
        value = data.get(key)
        if isinstance(value, str) and value not in lookup:
            problems.append(Problem(key, f"{value!r} is not known", f"Choose one of: {', '.join(lookup)}"))
    if problems:
        raise ProfileError(problems, source)
    try:
        profile = Profile.model_validate(data)
    except ValidationError as exc:
        raise ProfileError(_pydantic_problems(exc), source) from None
    if not law:
        return profile
    blocking = [p for p in law_problems(profile, catalog) if not (draft and p.draftable)]
    if blocking:
        raise ProfileError(blocking, source)
    return profile


def computed_fields(profile: Profile) -> dict[str, Any]:
    """Values the law's checks can name besides the profile's own fields."""
    data = profile.model_dump(mode="json")
    voting = [c for c in profile.member_classes if c.voting]
    data.update(
        founders_count=len(profile.founders),
        voting_classes_count=len(voting),
        member_classes_count=len(profile.member_classes),
        name_length=len(profile.name),
    )
    return data


_COMPUTED = {  # values checks can name that are not fields: shown as the field a founder edits
    "founders_count": ("founders", "lists {} founders"),
    "member_classes_count": ("member_classes", "lists {} classes"),
    "voting_classes_count": ("member_classes", "has {} voting classes"),
    "name_length": ("name", "is {} characters long"),
}


def _expand(values: dict, field: str) -> list[tuple[str, Any]]:
    """(path, value) pairs for a check's field; `member_classes.*.vote_weight_percent` checks each item."""
    if "*" not in field:
        return [(field, get_path(values, field))]
    head, _, tail = field.partition(".*.")
    items = get_path(values, head) or []
    return [(f"{head}.{i}.{tail}", get_path(item, tail)) for i, item in enumerate(items)]


def _breaks(check: Check, value: Any) -> bool:
    if value is None:
        return False
    if check.min is not None and value < check.min:
        return True
    if check.max is not None and value > check.max:
        return True
    if check.equals is not None and value != check.equals:
        return True
    return check.one_of is not None and value not in check.one_of


def law_problems(profile: Profile, catalog: Catalog) -> list[Problem]:
    """Every way the profile breaks the law of its form, each with the statute cited."""
    jurisdiction = catalog.jurisdiction(profile.jurisdiction)
    form: LegalForm = jurisdiction.form(profile.legal_form)
    values = computed_fields(profile)
    problems = []
    if profile.coop_type not in form.coop_types:
        problems.append(Problem(
            "coop_type", f"is {profile.coop_type!r}, which a {form.name} cannot be here",
            f"Choose one of: {', '.join(form.coop_types)}, or another legal form", form.statute,
        ))
    if profile.governance.class_weighted_voting and not form.class_weighted_voting:
        rule = form.facts.get("one_member_one_vote")
        problems.append(Problem(
            "governance.class_weighted_voting",
            f"is true, but the law of a {form.name} requires one member, one vote",
            "Set it to false", rule.cite if rule else form.statute,
        ))
    if profile.governance.class_weighted_voting:
        weights = [c.vote_weight_percent for c in profile.member_classes if c.voting]
        if any(w is None for w in weights) or abs(sum(w or 0 for w in weights) - 100) > 1e-9:
            problems.append(Problem(
                "member_classes.vote_weight_percent",
                "must be set for every voting class and add up to 100 when class_weighted_voting is true",
                "Give each voting class a vote_weight_percent",
            ))
    for check in form.checks:
        for path, value in _expand(values, check.field):
            if not _breaks(check, value):
                continue
            field, said = _COMPUTED.get(path, (path, "is {}"))
            shown = f"{value:g}" if isinstance(value, float) else repr(value) if isinstance(value, str) else value
            cite = check.cite + ("" if check.confirmed else "; UNCONFIRMED, confirm with a lawyer")
            problems.append(Problem(
                field, f"{said.format(shown)}, but the law requires {check.rule}",
                check.fix, cite, draftable=check.draftable,
            ))
    return problems


# ---------------------------------------------------------------------------------------------
# Load and save


def load_answers(path: Path) -> dict:
    """Read an answers file / coop.yml as raw answers (validated later, with the other layers)."""
    return read_yaml_file(Path(path))


def _scalar(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, (dt.date,)):
        return value.isoformat()
    text = str(value)
    if re.fullmatch(r"[A-Za-z][A-Za-z0-9 _./@'-]*", text) and text.lower() not in {
        "yes", "no", "on", "off", "true", "false", "null", "y", "n", "~"
    } and not text.endswith(" ") and ": " not in text and " #" not in text:
        return text
    return json.dumps(text, ensure_ascii=False)


def _emit(model: type[BaseModel], data: dict, indent: int, out: list[str], comments: bool = True) -> None:
    """Write `data` as YAML in the model's field order, each field with its description as a comment
    (list items after the first skip the comments: they would only repeat them)."""
    pad = " " * indent
    for name, info in model.model_fields.items():
        value = data.get(name)
        note = f"  # {info.description}" if comments and info.description else ""
        sub = _submodel(info.annotation)
        if sub is not None and isinstance(value, dict):
            out.append(f"{pad}{name}:{note}")
            _emit(sub, value, indent + 2, out, comments)
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            item_model = _submodel(_list_item(info.annotation))
            out.append(f"{pad}{name}:{note}")
            for number, item in enumerate(value):
                lines: list[str] = []
                _emit(item_model, item, indent + 4, lines, comments and number == 0)
                lines[0] = f"{pad}  - " + lines[0].lstrip()
                out.extend(lines)
        elif isinstance(value, list):
            out.append(f"{pad}{name}: [{', '.join(_scalar(v) for v in value)}]{note}")
        else:
            out.append(f"{pad}{name}: {_scalar(value)}{note}")


def _submodel(annotation: Any) -> type[BaseModel] | None:
    import typing

    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        if isinstance(arg, type) and issubclass(arg, BaseModel):
            return arg
    return None


def _list_item(annotation: Any) -> Any:
    import typing

    args = typing.get_args(annotation)
    return args[0] if args else None


def dump_profile(profile: Profile) -> str:
    """coop.yml text: every field in the order of the spec, each with its comment."""
    out = [
        "# coop.yml — the co-op's profile, written by coopkit. Edit it, then run `coopkit render`.",
        "# Every field is explained beside it; `coopkit schema` prints the JSON Schema for editors.",
    ]
    _emit(Profile, profile.model_dump(mode="json"), 0, out)
    return "\n".join(out) + "\n"


def save_profile(profile: Profile, path: Path) -> None:
    Path(path).write_text(dump_profile(profile), encoding="utf-8")


def json_schema() -> dict:
    schema = Profile.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://coopkit.org/schema/coop.schema.json"
    return schema
