"""The worked examples are computed from the co-op's own limits, and a build-time check fails on any
contradiction, template leftover or sample figure every handbook would share."""
from __future__ import annotations

import re

import pytest

from conftest import EXAMPLE
from coopkit import profile as P
from coopkit.catalog import Catalog
from coopkit.context import template_context
from coopkit.errors import DataError
from coopkit.handbook import handbook_html
from coopkit.handbook_plan import check_consistency

CATALOG = Catalog()


def example(**changes):
    answers = P.load_answers(EXAMPLE)
    for dotted, value in changes.items():
        P.set_path(answers, dotted, value)
    return P.validate(P.resolve(answers, CATALOG), CATALOG)


def chapter(page: str, cid: str) -> str:
    part = page.split(f'id="ch-{cid}"', 1)[1].split('<section class="chapter', 1)[0]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", part))


def render(profile, language="en") -> str:
    return handbook_html(profile, CATALOG, template_context(profile, CATALOG), documents=[], language=language)


def test_patronage_by_hours_only_for_the_classes_that_work():
    # Pedal Power: three couriers and a business customer, patronage by hours worked
    money = chapter(render(example()), "money")
    assert "Only members who can have hours worked on the platform earn it: Courier." in money
    for courier in ("Amara Okafor", "Tomás Ó Briain", "Zoë Lefèvre"):
        assert courier in money
    assert "Stokes Croft Bakery" not in money


def test_a_consumer_coop_trading_on_transactions_pays_its_customers():
    profile = example(coop_type="consumer", **{"surplus.patronage_basis": "transactions", "member_classes": [],
                                               "founders": [{"name": f"Buyer {i}", "member_class": "user"} for i in range(1, 4)]})
    money = chapter(render(profile), "money")
    assert "Buyer 1" in money and "transactions made" in money


def test_the_sweat_equity_example_never_exceeds_the_per_member_maximum():
    profile = example(**{"capital.max_shares_per_member": 3})
    money = chapter(render(profile), "money")
    # 300 h × £15 × 1.5 … = £10,065 → 1,006 shares at £10, but a member may hold 3 and holds 1 already
    assert "no member may hold more than 3 shares and Amara Okafor already holds 1, so at most 2 could be issued" in money
    assert "would be repaid in cash or lent to the co-op" in money


def test_no_interest_example_when_the_rules_pay_none():
    paid, unpaid = render(example()), render(example(**{"capital.interest_cap_percent": 0}))
    assert "it earns at most 3% interest a year" in chapter(paid, "money")
    money, registration = chapter(unpaid, "money"), chapter(unpaid, "registration")
    assert "your rules pay no interest on it" in money and "interest a year" not in money
    assert "interest on shares (capped at" not in registration  # the lawyer question; the law's own limit stays listed


def test_the_sample_surplus_is_the_coops_own_not_a_shared_figure():
    first, second = render(example()), render(example(**{"platform.commission_percent": 20}))
    one = re.search(r"A worked example: a surplus of (£[\d,.]+)", chapter(first, "money"))[1]
    two = re.search(r"A worked example: a surplus of (£[\d,.]+)", chapter(second, "money"))[1]
    assert one != two  # computed from each co-op's commission, not typed in
    assert "12,345.67" not in first and "12,345.67" not in second


def test_the_business_model_follows_the_commission():
    low = chapter(render(example(**{"platform.commission_percent": 1})), "business")
    assert "The commission does not cover the cost of a delivery" in low
    assert "breaks even at" not in low
    high = chapter(render(example(**{"platform.commission_percent": 15})), "business")
    assert re.search(r"The co-op breaks even at [\d,]+ deliveries a month", high)


def test_the_agm_is_checked_against_the_legal_deadline():
    late = chapter(render(example(**{"governance.agm_month": 11})), "calendar")
    assert "Your AGM comes too late" in late and "31 July 2028" in late
    on_time = chapter(render(example()), "calendar")
    assert "comes before the law's deadline of 31 July 2028" in on_time


@pytest.fixture()
def figures():
    from coopkit.handbook import figures as compute
    from coopkit.handbook import load_words
    profile = example()
    context = template_context(profile, CATALOG)
    words = load_words(CATALOG, "en")
    ctx = {**context, "words": words, "_handbook_root": CATALOG.handbook, "form": context["form"],
           "sector": context["sector"]}
    return profile, compute(profile, ctx, words, "en", [])


def test_the_check_passes_a_consistent_handbook(figures):
    profile, numbers = figures
    check_consistency(profile, numbers, "<p>All fine.</p>", [])


@pytest.mark.parametrize("change,message", [
    ({"sweat_shares": 500}, "above capital.max_shares_per_member"),
    ({"show_interest": True}, "interest example for a co-op that pays no interest"),
])
def test_the_check_fails_on_a_contradiction(figures, change, message):
    profile, numbers = figures
    if "show_interest" in change:
        profile = example(**{"capital.interest_cap_percent": 0})
    with pytest.raises(DataError, match=message):
        check_consistency(profile, {**numbers, **change}, "<p>x</p>", [])


def test_the_check_fails_on_patronage_for_a_class_that_cannot_earn_it(figures):
    profile, numbers = figures
    rows = numbers["patronage_rows"] + [{"name": "Stokes Croft Bakery", "class_id": "user", "quantity": 1,
                                         "amount": numbers["patronage_rows"][0]["amount"]}]
    with pytest.raises(DataError, match="cannot earn patronage"):
        check_consistency(profile, {**numbers, "patronage_rows": rows}, "<p>x</p>", [])


@pytest.mark.parametrize("leftover", ["{{ coop.name }}", "{% if x %}", "TODO", "a surplus of £12,345.67", "<td>None</td>", "(nan)"])
def test_the_check_fails_on_leftovers_and_the_old_shared_figure(figures, leftover):
    profile, numbers = figures
    with pytest.raises(DataError, match="left in the text"):
        check_consistency(profile, numbers, f"<p>Text {leftover} here.</p>", [])


def test_the_founders_own_words_are_not_leftovers(figures):
    profile, numbers = figures
    check_consistency(profile, numbers, "<p>{{ 7*7 }} TODO Couriers</p>", ["{{ 7*7 }} TODO Couriers"])


def test_every_problem_says_what_to_fix_and_where(figures):
    """The check's findings are coopkit's own defects (exit 6), so they are written for coopkit's maintainers
    in English, as every terminal message is, whatever the handbook's language; each names the fix and,
    for text, the chapter and the language folder to look in."""
    profile, numbers = figures
    page = '<h1 id="ch-why">Warum</h1><p>ok</p><h1 id="ch-money">Geld</h1><p>Ein Beispiel: TODO</p>'
    with pytest.raises(DataError) as caught:
        check_consistency(profile, {**numbers, "sweat_shares": 500}, page, [], "de")
    message = str(caught.value)
    assert message.startswith("the handbook (de) contradicts")
    assert "above capital.max_shares_per_member" in message and "fix: cap the shares" in message
    assert "'TODO' is left in the text of chapter 'money'; fix: finish the text in handbook/chapters/de/" in message
    assert "not in your answers" in message
    assert all("; fix: " in line for line in message.splitlines() if line.startswith("  - "))
