"""The handbook: the co-op's own step-by-step guide, as one HTML page and a print-quality PDF.

Chapters are data (`handbook/chapters/<language>/NN-<id>.md`: front matter, then Markdown with
sandboxed Jinja). This module only works out the co-op's numbers (quorum examples, the meeting
calendar, the capital plan, the surplus and sweat-equity worked examples, the timeline), hands
them to the chapters, and assembles cover, contents and chapters into `handbook/layout.html`.
Every language uses the same numbers and the same ids; only the words differ.
"""
from __future__ import annotations

import base64
import datetime as dt
import functools
import html as html_lib
import math
import re
import secrets
import sys
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction
from pathlib import Path

from ._yaml import cached_yaml
from .catalog import Catalog
from .charts import Bar, Span, cash_chart, surplus_chart, timeline_chart
from .errors import DataError, UsageError
from .handbook_plan import business, check_consistency, compliance, regional_registrar, sample_surplus, work
from .pdf import PdfJob
from .profile import Profile
from .render import (
    Markup,
    format_money,
    format_num,
    format_pct,
    html_env,
    long_date,
    markdown_env,
    markdown_to_html,
    md_escape,
    month_name,
    render_string,
    split_front_matter,
)

CENT = Decimal("0.01")


# ── language and number formats ──────────────────────────────────────────────────────────────

def languages(catalog: Catalog | None = None) -> tuple[str, ...]:
    """The handbook's languages: every `handbook/chapters/<lang>` that has its `handbook/i18n/<lang>`."""
    root = (catalog or Catalog()).handbook
    chapters = root / "chapters"
    return tuple(sorted(p.name for p in chapters.iterdir() if p.is_dir() and (root / "i18n" / p.name).is_dir()))


LANGUAGES = languages()


def _match(language: str, available: tuple[str, ...]) -> str | None:
    """pt-BR → pt-BR; pt → pt-BR; ca-ES → ca: the exact tag, else the same base language."""
    lowered = {a.lower(): a for a in available}
    if language.lower() in lowered:
        return lowered[language.lower()]
    base = language.split("-")[0].lower()
    return next((a for a in available if a.split("-")[0].lower() == base), None)


def missing_language(profile: Profile, catalog: Catalog) -> str | None:
    """The documents' language when the handbook has no translation into it (it falls back to English)."""
    language = profile.language or catalog.jurisdiction(profile.jurisdiction).official_languages[0]
    return None if _match(language, languages(catalog)) else language


def handbook_language(profile: Profile, catalog: Catalog, override: str | None = None) -> str:
    """The documents' language (profile.language, else the jurisdiction's official one) when the
    handbook exists in it; English otherwise, with a warning on stderr and on the cover."""
    available = languages(catalog)
    for chosen, where in ((override, "--language"), (profile.handbook_language, "handbook_language")):
        if not chosen:
            continue
        found = _match(chosen, available)
        if not found:
            raise UsageError(f"{where} {chosen!r}: the handbook is written in {', '.join(available)}. "
                             f"Choose one of them, or add handbook/chapters/{chosen}/ and handbook/i18n/{chosen}/.")
        return found
    language = profile.language or catalog.jurisdiction(profile.jurisdiction).official_languages[0]
    found = _match(language, available)
    if found:
        return found
    sys.stderr.write(f"coopkit: warning: the handbook has no {language!r} translation (it has "
                     f"{', '.join(available)}), so it is written in English; the legal documents stay in "
                     f"{language!r}. Add handbook/chapters/{language}/ and handbook/i18n/{language}/ to fix this.\n")
    return "en"


def num(value, places: int = 2, language: str = "en") -> str:
    return format_num(value, places, language)


def pct(value, language: str = "en") -> str:
    return format_pct(value, language)


def money(value, currency: str, language: str = "en") -> str:
    """Amounts as a reader of that language writes them: £1,234.50 · R$ 1.234,50 · 1.234,50 €."""
    return format_money(value, currency, language)


# ── data files ───────────────────────────────────────────────────────────────────────────────

@dataclass
class Chapter:
    id: str
    order: str
    title: str
    source: str
    path: Path
    css_class: str = ""
    number: int = 0


def overlay_dirs(profile: Profile, overlay: Path | None, profile_dir: Path | None) -> list[Path]:
    """The incubator's overlay from the profile, then the one given on the command line (which wins)."""
    dirs = []
    if profile.incubator and profile.incubator.overlay:
        dirs.append((profile_dir or Path.cwd()) / profile.incubator.overlay)
    if overlay:
        dirs.append(Path(overlay))
    for folder in dirs:
        if not folder.is_dir():
            raise DataError(f"overlay {folder} is not a folder (chapters/<language>/*.md, handbook.css, logo.png).")
    return dirs


def load_chapters(catalog: Catalog, language: str, overlays: list[Path]) -> list[Chapter]:
    """The packaged chapters, replaced by id or extended by each overlay's, in file-name order."""
    found: dict[str, Chapter] = {}
    for folder in [catalog.handbook / "chapters" / language] + [o / "chapters" / language for o in overlays]:
        for path in sorted(folder.glob("*.md")) if folder.is_dir() else []:
            match = re.fullmatch(r"(\d+)-([a-z0-9-]+)\.md", path.name)
            if not match:
                raise DataError(f"{path}: a chapter file is named NN-<id>.md (e.g. 03-registration.md).")
            meta, body = split_front_matter(path.read_text(encoding="utf-8"), str(path))
            if meta.get("id") != match[2] or "title" not in meta:
                raise DataError(f"{path}: front matter needs `id: {match[2]}` and a `title`.")
            found[match[2]] = Chapter(match[2], match[1], str(meta["title"]), body, path,
                                      str(meta.get("class") or ""))
    if not found:
        raise DataError(f"no handbook chapters in {catalog.handbook / 'chapters' / language}.")
    chapters = sorted(found.values(), key=lambda c: (int(c.order), c.id))
    for number, chapter in enumerate(chapters, 1):
        chapter.number = number
    return chapters


def load_words(catalog: Catalog, language: str) -> dict:
    """strings.yml, glossary.yml, coops.yml and examples.yml of a language, each key falling back to English."""
    words: dict = {}
    for name in ("strings", "glossary", "coops", "examples"):
        english = cached_yaml(catalog.handbook / "i18n" / "en" / f"{name}.yml")
        path = catalog.handbook / "i18n" / language / f"{name}.yml"
        own = cached_yaml(path) if language != "en" and path.is_file() else {}
        words[name] = {**english, **own} if isinstance(english, dict) else own or english
    return words


def law_notice(jurisdiction, form, language: str, strings: dict) -> str:
    """Said on the cover when the handbook's language is neither the law's nor English and the
    jurisdiction's data has no translation into it (a handbook_language chosen apart from the
    documents'): the registration chapter then shows that data in the words it is written in."""
    official = jurisdiction.official_languages[0]
    steps = form.registration.steps
    if _match(language, (official, "en")) or (steps and all(_in(s.i18n, language) for s in steps)):
        return ""
    from babel import Locale
    from babel.lists import format_list

    from .i18n import babel_locale

    here = babel_locale(language)
    names = [str(Locale.parse(babel_locale(tag)).get_language_name(here)) for tag in dict.fromkeys(["en", official])]
    return str(strings["law_language"]).format(jurisdiction=jurisdiction.name,
                                               language=str(Locale.parse(here).get_language_name(here)),
                                               available=format_list(names, locale=here))


# ── coopkit's own words in the co-op's profile ───────────────────────────────────────────────

def _same(a: object, b: object) -> bool:
    return isinstance(a, str) and isinstance(b, str) and a.strip().rstrip(".").casefold() == b.strip().rstrip(".").casefold()


def _in(options: dict, language: str):
    return options.get(language) or options.get(language.split("-")[0])


def own_words(ctx: dict, catalog: Catalog, language: str) -> dict:
    """The purpose, the member classes and the sector's examples as the handbook prints them.

    The purpose and the class names the founders kept from coopkit's defaults were written in the
    documents' language (a French SCIC's "Salariés"); a handbook in another language prints coopkit's
    own words for them in its language instead. Whatever the founders wrote themselves is printed as
    they wrote it."""
    coop, sector, strings = ctx["coop"], ctx["sector"], ctx["words"]["strings"]
    jurisdiction = catalog.jurisdiction(coop["jurisdiction"])
    purpose = coop["purpose"]
    defaults = [str(f.defaults.get("purpose")) for f in jurisdiction.forms if f.defaults.get("purpose")]
    defaults += [str(w.get("default_purpose")) for w in
                 (cached_yaml(p) for p in sorted((catalog.handbook / "i18n").glob("*/strings.yml"))) if w.get("default_purpose")]
    if strings.get("default_purpose") and any(_same(purpose, d) for d in defaults):
        purpose = strings["default_purpose"]

    own_path = catalog.handbook / "i18n" / language / "strings.yml"
    form_classes = (cached_yaml(own_path).get("form_classes") or {}) if own_path.is_file() else {}
    sector_classes = {c.id: c for c in sector.member_classes}
    classes = []
    for c in coop["member_classes"]:
        label, description = c["label"], c["description"]
        known = sector_classes.get(c["id"])
        if known is not None:
            if any(_same(label, w) for w in (known.label, *known.labels.values())):
                label = known.label if language == "en" else _in(known.labels, language) or label
            if any(_same(description, w) for w in (known.description, *known.descriptions.values())):
                description = known.description if language == "en" else _in(known.descriptions, language) or description
        for form in jurisdiction.forms:
            for default in form.defaults.get("member_classes") or []:
                words = form_classes.get(f"{jurisdiction.id}/{form.id}/{default['id']}")
                if default["id"] == c["id"] and words and _same(c["label"], default.get("label")):
                    label = words["label"]
                    if _same(c["description"], default.get("description")):
                        description = words["description"]
        classes.append({**c, "label": label, "description": description})

    translated = ctx["words"]["examples"].get(sector.id) or {}
    examples = []
    for example in sector.examples:
        own = {"place": example.place, "sentence": example.sentence} if language == "en" else \
            translated.get(example.name) or {}
        examples.append({"name": example.name, "url": example.url, "place": own.get("place"),
                         "sentence": own.get("sentence")})
    labels = {c["id"]: c["label"] for c in classes}
    profile_label = ctx["class_label"]  # a founder's class the profile does not list: the profile's own answer

    def class_label(class_id: str) -> str:
        return labels[class_id] if class_id in labels else profile_label(class_id)

    return {"purpose": purpose, "member_classes": classes, "sector_examples": examples, "class_label": class_label,
            "voting_classes": [c for c in classes if c["voting"]]}


# ── the co-op's numbers ──────────────────────────────────────────────────────────────────────

def quorum(members: int, percent: float) -> int:
    """Fewest voting members present for a quorum: at least `percent` of them (and at least one)."""
    return max(1, math.ceil(Fraction(members) * Fraction(str(percent)) / 100))


def ordinary_needed(cast: int, percent: float) -> int:
    """Fewest FOR votes that are MORE THAN `percent` of the votes cast."""
    return math.floor(Fraction(cast) * Fraction(str(percent)) / 100) + 1


def special_needed(cast: int, percent: float) -> int:
    """Fewest FOR votes that are AT LEAST `percent` of the votes cast."""
    return math.ceil(Fraction(cast) * Fraction(str(percent)) / 100)


def largest_remainder(total: Decimal, weights: list[Fraction]) -> list[Decimal]:
    """Split `total` by `weights` (summing to 1) into cents that add up exactly: each part rounded
    down, the cents left over going to the largest remainders (the platform's own ledger rule)."""
    cents = int(total * 100)
    exact = [Fraction(cents) * w for w in weights]
    floors = [int(e) for e in exact]
    order = sorted(range(len(exact)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in order[: cents - sum(floors)]:
        floors[i] += 1
    return [Decimal(c) / 100 for c in floors]


def _nth_weekday(year: int, month: int, weekday: int, nth: int) -> dt.date:
    first = dt.date(year, month, 1)
    return first + dt.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (nth - 1))


def _add_months(day: dt.date, months: int) -> tuple[int, int]:
    index = day.month - 1 + months
    return day.year + index // 12, index % 12 + 1


def meeting_calendar(start: dt.date, agm_month: int, notice_days: int) -> list[dict]:
    """The first twelve months: a board meeting each month (first Tuesday), the AGM on the third
    Saturday of `agm_month`, and members' general meetings each quarter that is not the AGM's."""
    agm_offset = next(m for m in range(1, 13) if _add_months(start, m)[1] == agm_month)
    general = {agm_offset: "agm"}
    for offset in (3, 6, 9, 12):
        if all(abs(offset - taken) > 1 for taken in general):
            general[offset] = "general"
    rows = [{"month": (start.year, start.month), "kind": "founding", "date": start, "notice_by": None,
             "board": None}]
    for offset in range(1, 13):
        year, month = _add_months(start, offset)
        kind = general.get(offset)
        meeting = _nth_weekday(year, month, 5, 3) if kind else None
        rows.append({"month": (year, month), "kind": kind, "date": meeting,
                     "notice_by": meeting - dt.timedelta(days=notice_days) if meeting else None,
                     "board": _nth_weekday(year, month, 1, 1)})
    return rows


def _sample_patronage(basis: str, count: int) -> list[Decimal]:
    table: dict[str, list] = {"hours": [420, 385, 310, 262, 198, 150, 96, 64],
               "revenue": ["18250.00", "14730.50", "11020.25", "9640.00", "6210.75", "4100.00", "2590.40", "1200.00"],
               "transactions": [612, 540, 433, 377, 298, 180, 121, 75]}
    samples = table[basis]
    return [Decimal(str(samples[i % len(samples)])) for i in range(count)]


def figures(profile: Profile, context: dict, words: dict, language: str, documents: list | None) -> dict:
    """Everything the chapters print that takes arithmetic: worked out once, for every language."""
    gov, cap, strings = profile.governance, profile.capital, words["strings"]
    form = context["form"]
    classes = profile.member_classes
    voting_ids = {c.id for c in classes if c.voting}
    founders_voting = sum(1 for f in profile.founders if f.member_class in voting_ids)
    sizes = sorted({n for n in (founders_voting, 12, 30, 100) if n > 0})
    votes = [{"members": n, "quorum": quorum(n, gov.quorum_percent),
              "ordinary": ordinary_needed(n, gov.ordinary_majority_percent),
              "special": special_needed(n, gov.special_majority_percent)} for n in sizes]
    for v in votes:  # when only the quorum turns up and everyone present votes
        v["quorum_ordinary"] = ordinary_needed(v["quorum"], gov.ordinary_majority_percent)
        v["quorum_special"] = special_needed(v["quorum"], gov.special_majority_percent)

    # capital plan: member classes × founders
    sector = context["sector"]

    class_words = {c["id"]: c["label"] for c in context.get("member_classes", [])}

    def label(c) -> str:  # the class's word in the handbook's language (own_words)
        return class_words.get(c.id, c.label)

    plan: list[dict] = []
    for c in classes:
        holders = [f for f in profile.founders if f.member_class == c.id]
        shares = sum(f.shares for f in holders)
        plan.append({"id": c.id, "label": label(c), "voting": c.voting, "price": c.share_price,
                     "min_shares": c.min_shares, "founders": len(holders), "shares": shares,
                     "capital": shares * c.share_price, "min_holding": c.min_shares * c.share_price,
                     "max_holding": cap.max_shares_per_member * c.share_price,
                     "at_10": 10 * c.min_shares * c.share_price, "at_50": 50 * c.min_shares * c.share_price})
    capital_total = sum(row["capital"] for row in plan)

    # registration fees in the co-op's currency, and the business model they go into
    fees: dict[str, Decimal] = {}
    for step in form.registration.steps:
        if step.fee:
            fees[step.fee.currency] = fees.get(step.fee.currency, Decimal(0)) + Decimal(str(step.fee.amount))
    root = context["_handbook_root"]
    plan_figures = business(profile, root, Decimal(str(capital_total)), fees.get(cap.currency, Decimal(0)))
    surplus_amount = sample_surplus(plan_figures, Decimal(str(capital_total)))

    # the surplus, split exactly to the cent; patronage only for the classes that can earn it
    split = profile.surplus
    earning = patronage_classes(profile, sector)
    funds = [("reserve", split.reserve_percent), ("education", split.education_percent),
             ("community", split.community_percent)]
    founders = [f for f in profile.founders or [] if f.member_class in earning]
    quantities = _sample_patronage(split.patronage_basis, len(founders))
    total_quantity = sum(quantities) or Decimal(1)
    weights = [Fraction(str(p)) / 100 for _, p in funds]
    weights += [Fraction(str(split.patronage_percent)) / 100 * Fraction(q) / Fraction(total_quantity)
                for q in quantities]
    if not founders:
        weights.append(Fraction(str(split.patronage_percent)) / 100)
    amounts = largest_remainder(surplus_amount, weights)
    fund_rows: list[dict] = [{"id": key, "label": strings["funds"][key], "percent": p, "amount": a}
                 for (key, p), a in zip(funds, amounts, strict=False)]
    patronage_rows: list[dict] = [{"name": f.name, "class_id": f.member_class, "quantity": q, "amount": a}
                      for f, q, a in zip(founders, quantities, amounts[len(funds):], strict=False)]
    patronage_pool = sum((r["amount"] for r in patronage_rows), Decimal(0)) if founders else amounts[-1]

    # sweat equity: one founder's first year, valued the platform's way (Decimal, half-even)
    se = profile.sweat_equity
    hourly, risk, discount = (Decimal(str(v)) for v in (se.hourly_value, se.founder_risk_multiplier,
                                                         se.paid_work_discount))
    lines = []
    for key, hours, pre, paid in (("unpaid_pre", 300, True, False), ("paid_pre", 120, True, True),
                                  ("unpaid_post", 80, False, False), ("paid_post", 200, False, True)):
        value = Decimal(hours) * hourly * (risk if pre else 1) * (discount if paid else 1)
        lines.append({"id": key, "label": strings["sweat_lines"][key], "hours": hours,
                      "factor": (risk if pre else 1) * (discount if paid else 1),
                      "value": value.quantize(CENT, rounding=ROUND_HALF_EVEN)})
    sweat_total = sum((line["value"] for line in lines), Decimal(0))
    first = profile.founders[0] if profile.founders else None
    first_class = next((c for c in classes if first and c.id == first.member_class), classes[0] if classes else None)
    first_price = Decimal(str(first_class.share_price)) if first_class else Decimal(1)
    founder_shares = first.shares if first else 0
    worth = int(sweat_total // first_price) if first_price else 0
    room = max(0, cap.max_shares_per_member - founder_shares)  # the per-member maximum still applies
    sweat_shares = min(worth, room)
    sweat_rest = sweat_total - sweat_shares * first_price

    # registration and launch: the timeline
    steps, day = [], 0
    files = _document_files(documents)
    for step in form.registration.steps:
        steps.append({"step": step, "start": day, "end": day + step.duration_days,
                      "files": [f for doc in step.documents for f in files.get(doc, [f"{doc}.pdf"])]})
        day += step.duration_days
    registered_day = day
    launch = []
    for phase in cached_yaml(root / "plan.yml")["launch"]:
        launch.append({"id": phase["id"], "title": strings["launch"][phase["id"]], "start": day,
                       "end": day + phase["days"], "days": phase["days"]})
        day += phase["days"]
    spans = [Span(s["step"].title, s["start"], s["step"].duration_days, 0) for s in steps]
    spans += [Span(p["title"], p["start"], p["days"], 1) for p in launch]
    registered = context["document_date"] + dt.timedelta(days=registered_day)

    f_money = lambda v: money(v, cap.currency, language)  # noqa: E731
    charts = {
        "surplus": surplus_chart(
            [Bar(r["label"], r["percent"], f"{pct(r['percent'], language)} · {f_money(r['amount'])}") for r in fund_rows]
            + [Bar(strings["funds"]["patronage"], split.patronage_percent,
                   f"{pct(split.patronage_percent, language)} · {f_money(patronage_pool)}")],
            title=strings["charts"]["surplus"].format(amount=f_money(surplus_amount))),
        "timeline": timeline_chart(spans, title=strings["charts"]["timeline"],
                                   axis_label=strings["charts"]["axis"], week=strings["charts"]["week"]),
        "cash": cash_chart([Bar(str(r["month"]), float(r["cash"]),
                                f_money(r["cash"])) for r in plan_figures["budget"]],
                           title=strings["charts"]["cash"], axis_label=strings["charts"]["months"]),
    }
    return {
        "founders_voting": founders_voting, "votes": votes,
        "example": next((v for v in votes if v["members"] == 12), votes[0]),
        "calendar": meeting_calendar(context["document_date"], gov.agm_month, gov.notice_days),
        "capital_plan": plan, "capital_total": capital_total,
        "sample_surplus": surplus_amount, "fund_rows": fund_rows, "patronage_rows": patronage_rows,
        "patronage_pool": patronage_pool, "patronage_total": sum(quantities, Decimal(0)),
        "patronage_classes": earning,
        "patronage_labels": [row["label"] for row in plan if row["id"] in earning],
        "sweat_lines": lines, "sweat_total": sweat_total, "sweat_worth": worth,
        "sweat_shares": sweat_shares, "sweat_rest": sweat_rest, "sweat_founder_shares": founder_shares,
        "sweat_capped": worth > room,
        "first_class": first_class, "first_class_label": label(first_class) if first_class else "",
        "show_interest": cap.interest_cap_percent > 0,
        "steps": steps, "registered_day": registered_day, "registered_date": registered,
        "launch": launch, "total_days": day,
        "fees": sorted(fees.items()), "to_confirm": unconfirmed(form),
        "business": plan_figures, "work": work(profile, root, language),
        "compliance": compliance(profile, form.id, root, registered, language),
        "regional_registrar": regional_registrar(profile, root, language),
        "_charts": charts,
    }


def patronage_classes(profile: Profile, sector) -> set[str]:
    """The member classes whose members can earn patronage on the co-op's basis: those who do the
    work (hours, or the orders they fulfil), or — in a consumer co-op trading on revenue or
    transactions — those who buy. Non-voting supporters never do."""
    types = {c.id: set(c.types) for c in sector.member_classes}
    out = set()
    for c in profile.member_classes:
        if not c.voting:
            continue
        kinds = types.get(c.id)
        if kinds is None:  # a class of the co-op's own: it earns unless the basis is hours and it is the buyers'
            out.add(c.id)
        elif kinds & {"worker", "producer"} and "consumer" not in kinds:
            out.add(c.id)
        elif profile.coop_type == "consumer" and profile.surplus.patronage_basis != "hours":
            out.add(c.id)
    return out


def _document_files(documents: list | None) -> dict[str, list[str]]:
    files: dict[str, list[str]] = {}
    for doc in documents or []:
        if not doc.translation_of:
            files.setdefault(doc.spec.id, []).append(f"legal/{doc.filename}.pdf")
    return files


def unconfirmed(form) -> list[dict]:
    """Every fact, fee, step, membership or limit of the legal form the research could not confirm."""
    seen, out = set(), []

    def add(text: str, cite: str) -> None:
        if (text, cite) not in seen:
            seen.add((text, cite))
            out.append({"text": text, "cite": cite})

    for fact in form.facts.values():
        if not fact.confirmed:
            add(fact.text or str(fact.value), fact.cite)
    for step in form.registration.steps:
        if not step.confirmed:
            add(step.title, step.cite)
        if step.fee and not step.fee.confirmed:
            add(f"{step.title}: {step.fee.amount:g} {step.fee.currency}", step.fee.cite)
    for membership in form.registration.compulsory_memberships:
        if not membership.confirmed:
            add(membership.name, membership.cite)
    for check in form.checks:
        if not check.confirmed:
            add(check.rule, check.cite)
    return out


# ── assembly ─────────────────────────────────────────────────────────────────────────────────

_ID = re.compile(r'\bid="([^"]+)"')
_H2 = re.compile(r'<h2 id="([^"]+)">(.*?)</h2>', re.S)
_TAG = re.compile(r"<[^>]+>")


def _scope_ids(html: str, prefix: str) -> str:
    """Headings of different chapters may share a slug ("worked example"): prefix them per chapter."""
    ids = set(_ID.findall(html))
    html = _ID.sub(lambda m: f'id="{prefix}-{m[1]}"', html)
    return re.sub(r'href="#([^"]+)"', lambda m: f'href="#{prefix}-{m[1]}"' if m[1] in ids else m[0], html)


def render_chapters(chapters: list[Chapter], catalog: Catalog, context: dict, overlays: list[Path]) -> list[dict]:
    language = context["language"]
    search = [o / "chapters" / language for o in reversed(overlays)] + [
        catalog.handbook / "chapters" / language, catalog.handbook / "partials"]
    env = markdown_env([p for p in search if p.is_dir()])
    env.filters.update(
        num=lambda v, places=2: num(v, places, language),
        pct=lambda v: pct(v, language),
        money=lambda v, currency=None: money(v, currency or context["coop"]["capital"]["currency"], language),
        long_date=lambda v, lang=None: long_date(v, lang or language),
        month_name=lambda v, lang=None: month_name(v, lang or language),
    )
    token = "CHART" + secrets.token_hex(8)  # user text cannot guess it, so cannot place a chart
    numbers = {c.id: c.number for c in chapters}
    chapter_word = context["words"]["strings"]["chapter"]

    def chart(name: str) -> Markup:
        if name not in context["_charts"]:
            raise DataError(f"chart({name!r}): the charts are {sorted(context['_charts'])}.")
        return Markup(f"\n\n{token}{name}\n\n")

    def chapter_ref(chapter_id: str) -> Markup:
        if chapter_id not in numbers:
            return Markup(md_escape(chapter_id))
        return Markup(f"[{chapter_word} {numbers[chapter_id]}](#ch-{chapter_id})")

    out = []
    for chapter in chapters:
        ctx = {**context, "chart": chart, "chapter": chapter_ref, "this_chapter": chapter.number}
        title = render_string(env, chapter.title, ctx, f"{chapter.path} title")
        body = render_string(env, chapter.source, ctx, str(chapter.path))
        html = _scope_ids(markdown_to_html(body), chapter.id)
        for name, svg in context["_charts"].items():
            html = html.replace(f"<p>{token}{name}</p>", f'<figure class="chart">{svg}</figure>')
        if token in html:
            raise DataError(f"{chapter.path}: chart() must stand alone in its own paragraph, not inside a list or table.")
        sections = [{"id": m[1], "text": html_lib.unescape(_TAG.sub("", m[2]).strip())} for m in _H2.finditer(html)]
        out.append({"id": chapter.id, "number": chapter.number, "title": _plain(title),
                    "css_class": chapter.css_class, "html": Markup(html), "sections": sections})
    return out


def _plain(markdown_text: str) -> str:
    """A title rendered for Markdown back to the text it shows (for the contents and the header)."""
    return re.sub(r"\\(.)", r"\1", markdown_text).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&").strip()


def _logo(profile: Profile, overlays: list[Path], profile_dir: Path | None) -> str | None:
    """The logo as a data: URL (so the one-page HTML carries it too): overlay first, then the profile's."""
    candidates = [o / name for o in reversed(overlays) for name in ("logo.svg", "logo.png")]
    if profile.incubator and profile.incubator.logo:
        candidates.append((profile_dir or Path.cwd()) / profile.incubator.logo)
    for path in candidates:
        if path.is_file():
            kind = "image/svg+xml" if path.suffix.lower() == ".svg" else "image/png"
            return f"data:{kind};base64," + base64.b64encode(path.read_bytes()).decode()
    return None


def handbook_html(profile: Profile, catalog: Catalog, context: dict, *, documents: list | None = None,
                  overlays: list[Path] | tuple[Path, ...] = (), language: str = "en",
                  profile_dir: Path | None = None) -> str:
    words = load_words(catalog, language)
    ctx = {**context, "language": language, "words": words, "s": words["strings"],
           "form": context["form"].localized(language), "jurisdiction": context["jurisdiction"].localized(language),
           "vocab": context["sector"].vocabulary_for(language),
           "glossary": words["glossary"]["terms"], "coops": words["coops"]["coops"], "_handbook_root": catalog.handbook}
    ctx["sector_name"] = words["strings"].get("sectors", {}).get(profile.sector) or context["sector"].name
    ctx.update(own_words(ctx, catalog, language))
    ctx["law_notice"] = law_notice(ctx["jurisdiction"], context["form"], language, words["strings"])
    missing = missing_language(profile, catalog) if language == "en" else None
    ctx["language_notice"] = (words["strings"]["language_missing"].format(language=missing,
                              languages=", ".join(languages(catalog))) if missing else "")
    ctx.update(figures(profile, ctx, words, language, documents))
    chapters = render_chapters(load_chapters(catalog, language, list(overlays)), catalog, ctx, list(overlays))
    css = [catalog.handbook / "handbook.css"] + [o / "handbook.css" for o in overlays if (o / "handbook.css").is_file()]
    html = _layout_env(str(catalog.handbook)).get_template("layout.html").render(
        {k: v for k, v in ctx.items() if not k.startswith("_")}, chapters=chapters,
        logo=_logo(profile, list(overlays), profile_dir),
        css=Markup("\n".join(p.read_text(encoding="utf-8") for p in css)),
        date_text=long_date(context["document_date"], language),
    )
    check_consistency(profile, ctx, "" if overlays else html, _user_strings(profile), language)
    return html


@functools.lru_cache(maxsize=8)
def _layout_env(root: str):
    """The layout's environment, kept so the layout is compiled once (Jinja recompiles it when the
    file changes); it has no per-co-op filters."""
    return html_env([Path(root)])


def _user_strings(profile: Profile) -> list[str]:
    """The founders' own words, which may contain anything (they are not coopkit's leftovers)."""
    words = [profile.name, profile.purpose, profile.region, profile.registered_office,
             profile.dissolution.beneficiary, *(f.name for f in profile.founders),
             *(f.email or "" for f in profile.founders), *(c.label for c in profile.member_classes),
             *(c.description for c in profile.member_classes)]
    if profile.incubator:
        words += [profile.incubator.name, profile.incubator.contact]
    from markupsafe import escape
    return sorted({w2 for w in words if w for w2 in (w, str(escape(w)))}, key=len, reverse=True)


HTML_FONTS = (("coopkit serif", "DejaVuSerif.ttf"), ("coopkit sans", "DejaVuSans.ttf"),
              ("coopkit mono", "DejaVuSansMono.ttf"))


def with_fonts(html: str, catalog: Catalog) -> str:
    """The one-page HTML carries the bundled fonts (regular weights) as data: URLs, so it looks the
    same on every machine and needs no other file; bold and italic are synthesised by the browser."""
    faces = []
    for family, name in HTML_FONTS:
        data = base64.b64encode((catalog.handbook / "fonts" / name).read_bytes()).decode()
        faces.append(f'@font-face {{ font-family: "{family}"; src: url("data:font/ttf;base64,{data}") '
                     'format("truetype"); }')
    return html.replace("<style>\n", "<style>\n" + "\n".join(faces) + "\n", 1)


def render_handbook(profile: Profile, catalog: Catalog, context: dict, out_dir: Path, *,
                    documents: list | None = None, overlay: Path | None = None, language: str | None = None,
                    profile_dir: Path | None = None, formats: tuple[str, ...] = ("html", "pdf", "docx"),
                    overlays: list[Path] | None = None, pdf: Callable[[PdfJob], None] | None = None) -> list[Path]:
    """Write `out_dir/handbook.html`, `.pdf` and `.docx` (those of `formats`); returns the paths.

    `overlays`: already resolved (run.resolve_overlays), instead of `overlay`. `pdf`: where the PDF job
    goes (a process pool, pdf.PdfPool.submit); by default it is rendered at once.

    `documents` are the legal documents coopkit wrote (their file names appear in the registration
    chapter); when not given they are rendered here. `profile_dir` is the folder of coop.yml, against
    which `incubator.overlay` and `incubator.logo` are resolved.
    """
    if documents is None:
        from .documents import render_documents
        documents = render_documents(profile, catalog, context)
    lang = handbook_language(profile, catalog, language)
    overlays = overlays if overlays is not None else overlay_dirs(profile, overlay, profile_dir)
    html = handbook_html(profile, catalog, context, documents=documents, overlays=overlays, language=lang,
                         profile_dir=profile_dir)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    html_path, pdf_path = out_dir / "handbook.html", out_dir / "handbook.pdf"
    written = []
    if "html" in formats:
        html_path.write_text(with_fonts(html, catalog), encoding="utf-8")
        written.append(html_path)
    if "pdf" in formats:
        (pdf or PdfJob.run)(PdfJob(html, pdf_path, catalog.handbook, (catalog.handbook / "fonts" / "fonts.css",),
                                   context["document_date"], (catalog.root, *overlays)))
        written.append(pdf_path)
    if "docx" in formats:  # wordprocessing.py
        from .wordprocessing import write_handbook_docx

        written.append(write_handbook_docx(html, out_dir / "handbook.docx", context, lang))
    return written


__all__ = ["render_handbook", "handbook_html", "handbook_language", "LANGUAGES", "languages", "with_fonts", "quorum",
           "ordinary_needed", "special_needed", "largest_remainder", "meeting_calendar"]
