"""The handbook's planning figures: the business model, work and pay, the compliance calendar and
the registrar for the co-op's region — computed from the co-op's own profile and `handbook/data/`,
never typed into a chapter. Also the build-time consistency check every handbook passes.
"""
from __future__ import annotations

import calendar
import datetime as dt
import math
import re
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path
from typing import Any

from ._yaml import cached_yaml
from .errors import DataError
from .i18n import pick

CENT = Decimal("0.01")


def _d(value) -> Decimal:
    return Decimal(str(value))


def _money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_EVEN)


def load_data(root: Path, name: str) -> dict:
    path = root / "data" / f"{name}.yml"
    data = cached_yaml(path)
    if not isinstance(data, dict):
        raise DataError(f"{path}: must be a mapping (see handbook/data/README.md).")
    return data


def in_language(value: Any, language: str) -> Any:
    """A data value that may be given per language ({de: ..., en: ...}: a citation with a note in words)
    in `language` (i18n.pick: the language, its base language, English), else the first one given."""
    if not isinstance(value, dict):
        return value
    found = pick(value, language)
    return found if found is not None else next(iter(value.values()))


# ── business model and cash flow ─────────────────────────────────────────────────────────────

def business(profile, root: Path, capital_total: Decimal, fees: Decimal) -> dict:
    """Commission against cost per order, break-even, and a twelve-month budget worksheet."""
    data = load_data(root, "business")
    currency = profile.capital.currency
    scale = _d(data["scale"].get(currency, 1))
    a = {**data["default"], **data["sectors"].get(profile.sector, {})}
    value = _money(_d(a["order_value"]) * scale)
    commission_pct = _d(profile.platform.commission_percent)
    commission = _money(value * commission_pct / 100)
    payment = _money(value * _d(a["payment_percent"]) / 100)
    variable = _money(_d(a["variable_cost"]) * scale + payment)
    contribution = commission - variable
    fixed = _money(_d(a["fixed_month"]) * scale)
    worker_keeps = value - commission
    orders_12 = int(a["orders_month_12"])
    break_even = math.ceil(fixed / contribution) if contribution > 0 else None
    # the commission that would cover every cost at the end-of-year volume
    needed_pct = ((fixed / orders_12 + variable) / value * 100).quantize(Decimal("0.1"))
    rows: list[dict[str, Any]] = []
    cash = low = capital_total - fees
    for month in range(1, 13):
        orders = round(orders_12 * (0.1 + 0.9 * (month - 1) / 11))
        revenue = commission * orders
        costs = variable * orders + fixed
        net = revenue - costs
        cash += net
        low = min(low, cash)
        rows.append({"month": month, "orders": orders, "revenue": revenue, "variable": variable * orders,
                     "fixed": fixed, "net": net, "cash": cash})
    first_positive = next((r["month"] for r in rows if r["net"] >= 0), None)
    year_net = sum((r["net"] for r in rows), Decimal(0))
    year_two = (contribution * orders_12 - fixed) * 12  # a year at the end-of-year volume
    return {"order_value": value, "commission_percent": commission_pct, "commission": commission,
            "payment": payment, "variable": variable, "contribution": contribution, "fixed": fixed,
            "worker_keeps": worker_keeps, "orders_12": orders_12, "break_even": break_even,
            "needed_percent": needed_pct, "budget": rows, "first_positive_month": first_positive,
            "year_net": year_net, "year_two": year_two, "opening_cash": capital_total - fees,
            "funding_gap": max(Decimal(0), -low), "fees": fees}


def sample_surplus(plan: dict, capital_total: Decimal) -> Decimal:
    """The worked example's surplus: the co-op's own second year (a year at the end-of-year volume),
    or, if that year makes no surplus, a tenth of its commission income — never a figure shared by
    every handbook."""
    surplus = plan["year_two"]
    if surplus <= 0:
        surplus = plan["commission"] * plan["orders_12"] * 12 / 10
    return _money(surplus + capital_total / 100)


# ── work and pay ─────────────────────────────────────────────────────────────────────────────

def work(profile, root: Path, language: str = "en") -> dict:
    data = load_data(root, "work")
    facts = data["jurisdictions"].get(profile.jurisdiction)
    if facts is None:
        raise DataError(f"handbook/data/work.yml: no entry for jurisdiction {profile.jurisdiction!r} "
                        "(status, status_law, status_url, minimum).")
    insurance = data["insurance"].get(profile.sector, data["insurance"]["default"])
    words = {key: in_language(value, language) for key, value in facts.items() if key not in ("minimum", "insurance_law")}
    for part in ("minimum", "insurance_law"):
        if isinstance(facts.get(part), dict):
            words[part] = {k: in_language(v, language) for k, v in facts[part].items()}
    return {**words, "confirmed": facts.get("confirmed", True), "insurance": list(insurance)}


# ── compliance calendar ──────────────────────────────────────────────────────────────────────

def _after(year_end: dt.date, months: int, days: int = 0) -> dt.date:
    index = year_end.month - 1 + months
    year, month = year_end.year + index // 12, index % 12 + 1
    return dt.date(year, month, calendar.monthrange(year, month)[1]) + dt.timedelta(days=days)


def _third_saturday(year: int, month: int) -> dt.date:
    first = dt.date(year, month, 1)
    return first + dt.timedelta(days=(5 - first.weekday()) % 7 + 14)


def compliance(profile, form_id: str, root: Path, registered: dt.date, language: str = "en") -> dict:
    """The first financial year's deadlines, dated, with the co-op's own AGM checked against the law's."""
    data = load_data(root, "compliance")["jurisdictions"]
    items = data.get(f"{profile.jurisdiction}/{form_id}") or data.get(profile.jurisdiction)
    if items is None:
        raise DataError(f"handbook/data/compliance.yml: no deadlines for {profile.jurisdiction!r}.")
    year_end = dt.date(registered.year, 12, 31)
    if (year_end - registered).days < 90:  # a first year of under three months runs to the next 31 December
        year_end = dt.date(registered.year + 1, 12, 31)
    rows: list[dict[str, Any]] = []
    for item in items:
        rows.append({**item, "cite": in_language(item["cite"], language),
                     "date": _after(year_end, int(item["months"]), int(item.get("days", 0))),
                     "every": int(item.get("every", 1)), "confirmed": item.get("confirmed", True)})
    rows.sort(key=lambda r: (r["date"], r["id"]))
    agm_date = _third_saturday(year_end.year + 1, profile.governance.agm_month)
    legal = next((r for r in rows if r.get("agm")), None)
    return {"year_end": year_end, "rows": rows, "agm_date": agm_date,
            "agm_deadline": legal["date"] if legal else None,
            "agm_late": bool(legal and agm_date > legal["date"])}


# ── the registrar for the co-op's region ─────────────────────────────────────────────────────

def regional_registrar(profile, root: Path, language: str = "en") -> dict | None:
    data = load_data(root, "registrars").get(profile.jurisdiction)
    if not data:
        return None
    where = f"{profile.registered_office} {profile.region}".lower()
    match = next((court for key, court in sorted(data["courts"].items(), key=lambda kv: -len(kv[0]))
                  if re.search(r"(?<![\w])" + re.escape(key) + r"(?![\w])", where)), None)
    return {"name": match, "rule_cite": in_language(data["rule_cite"], language), "rule_url": data["rule_url"],
            "confirm_url": data.get("confirm_url", ""), "confirmed": bool(data.get("confirmed", True))}


# ── the build-time consistency check ─────────────────────────────────────────────────────────

# What the check looks for in a built handbook (a detector list, not unfinished work here): template code,
# editors' markers, filler text and sample numbers that must never reach a founder.
LEFTOVERS = ("{{", "}}", "{%", "%}", "TODO", "XXX", "Lorem", "12345.67", "12,345.67", "12.345,67", "[[", "]]")
# a Python value printed where a word or number belonged: a cell, a parenthesis or a value after a colon
_VALUE_LEFTOVER = re.compile(r"(?:>|\(|:|\|)\s*(None|nan|NaN|undefined)\s*(?:<|\)|\||[.,;]?\s*$)", re.M)
_VISIBLE = re.compile(r"<(script|style|title|desc)\b.*?</\1>|<[^>]+>", re.S)


def _chapter_at(html: str, position: int) -> str:
    """The chapter (its id) a position of the page falls in, for a message that says where to look."""
    found = [m[1] for m in re.finditer(r'<h1 id="ch-([a-z0-9-]+)"', html[:position])]
    return found[-1] if found else "cover or contents"


def check_consistency(profile, figures: dict, html: str, user_strings: list[str], language: str = "en") -> None:
    """Fail the build on any contradiction between the examples and the co-op's own limits, any
    template leftover and any sample figure that every handbook would share.

    What it finds is a defect in coopkit's handbook data or arithmetic, never in the founders'
    answers (DataError, exit 6): the message is for whoever maintains coopkit's data, so it is in
    English, like every other message coopkit prints on the terminal (only the interview speaks the
    founders' language), whatever the handbook's language. Each problem says what to fix and where."""
    problems: list[tuple[str, str]] = []
    cap = profile.capital
    earners = {row["name"] for row in figures["patronage_rows"]}
    for row in figures["patronage_rows"]:
        if row["class_id"] not in figures["patronage_classes"]:
            problems.append((f"the patronage example pays {row['name']}, whose class {row['class_id']!r} cannot earn patronage",
                             "list only the classes patronage_classes() in generator/coopkit/handbook.py returns"))
    if earners and sum(r["amount"] for r in figures["patronage_rows"]) != figures["patronage_pool"]:
        problems.append(("the patronage returns do not add up to the patronage share",
                         "split the pool with largest_remainder() so the cents add up"))
    if sum((r["amount"] for r in figures["fund_rows"]), figures["patronage_pool"]) != figures["sample_surplus"]:
        problems.append(("the surplus split does not add up to the surplus",
                         "split the surplus with largest_remainder() so the cents add up"))
    if figures["sweat_shares"] + figures["sweat_founder_shares"] > cap.max_shares_per_member:
        problems.append((f"the sweat-equity example issues {figures['sweat_shares']} shares to a founder who holds "
                         f"{figures['sweat_founder_shares']}, above capital.max_shares_per_member "
                         f"({cap.max_shares_per_member})",
                         "cap the shares at capital.max_shares_per_member minus the founder's holding in figures() "
                         "and pay the rest in cash"))
    if figures["show_interest"] != (cap.interest_cap_percent > 0):
        problems.append(("an interest example for a co-op that pays no interest on shares",
                         "show interest only when capital.interest_cap_percent is above 0 (show_interest)"))
    plan = figures["business"]
    if plan["break_even"] is not None and plan["contribution"] <= 0:
        problems.append(("a break-even point although each order loses money",
                         "give break_even only when the contribution per order is positive (business())"))
    where = f"handbook/chapters/{language}/ or handbook/i18n/{language}/"
    masked = html
    for user in user_strings:  # the founders' own words may contain anything
        masked = masked.replace(str(user), " " * len(str(user)))
    text = _VISIBLE.sub(lambda m: " " * len(m[0]), masked)
    for leftover in LEFTOVERS:
        pattern = r"(?<![\w])" + re.escape(leftover) + r"(?![\w])" if leftover.isalpha() else re.escape(leftover)
        found = re.search(pattern, text)
        if found:
            problems.append((f"{leftover!r} is left in the text of chapter {_chapter_at(html, found.start())!r}",
                             f"finish the text in {where} (a figure is computed in figures(), never typed)"))
    for match in _VALUE_LEFTOVER.finditer(masked):
        problems.append((f"{match[1]!r} is left in the text of chapter {_chapter_at(html, match.start())!r}",
                         f"give the value in figures() or guard it in {where}"))
    if problems:
        raise DataError(f"the handbook ({language}) contradicts the co-op's own profile or is unfinished:\n"
                        + "\n".join(f"  - {p}; fix: {f}." for p, f in problems)
                        + "\nThis is a bug in coopkit's handbook data, not in your answers; please report it.")


__all__ = ["in_language", "business", "sample_surplus", "work", "compliance", "regional_registrar", "check_consistency",
           "load_data"]
