from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from coop.core.roles import BOARD
from coop.ledger import services
from coop.ledger.allocation import allocate, largest_remainder
from coop.ledger.models import PatronageRecord, SweatEquityEntry

SPLIT = {"reserve_percent": 10, "education_percent": 5, "patronage_percent": 70, "community_percent": 15}


def total(lines):
    return sum(amount for _, _, amount in lines)


def test_allocation_adds_up_to_the_cent():
    lines = allocate(Decimal("100.00"), SPLIT, {"a": Decimal(1), "b": Decimal(1), "c": Decimal(1)})
    assert total(lines) == Decimal("100.00")
    by = {(k, m): a for k, m, a in lines}
    assert by[("reserve", None)] == Decimal("10.00") and by[("education", None)] == Decimal("5.00")
    assert by[("community", None)] == Decimal("15.00")
    assert sorted(by[("patronage", m)] for m in "abc") == [Decimal("23.33"), Decimal("23.33"), Decimal("23.34")]


@pytest.mark.parametrize("surplus", ["0.01", "0.07", "1.00", "999.99", "12345.67", "1000000.01"])
def test_parts_always_sum_to_the_surplus(surplus):
    patronage = {"a": Decimal("7"), "b": Decimal("11.5"), "c": Decimal("13"), "d": Decimal("0")}
    lines = allocate(Decimal(surplus), SPLIT, patronage)
    assert total(lines) == Decimal(surplus)
    assert all(amount >= 0 for _, _, amount in lines)
    assert "d" not in [m for _, m, _ in lines]


def test_patronage_is_proportional():
    lines = allocate(Decimal("1000.00"), SPLIT, {"a": Decimal(30), "b": Decimal(10)})
    by = {m: a for k, m, a in lines if k == "patronage"}
    assert by == {"a": Decimal("525.00"), "b": Decimal("175.00")}


def test_no_patronage_keeps_the_pool_unallocated():
    lines = allocate(Decimal("10.00"), SPLIT, {})
    assert ("patronage_unallocated", None, Decimal("7.00")) in lines


def test_allocation_refuses_fractions_of_a_cent_and_bad_splits():
    with pytest.raises(ValueError):
        allocate(Decimal("1.005"), SPLIT, {})
    with pytest.raises(ValueError):
        allocate(Decimal("1.00"), dict(SPLIT, community_percent=16), {})


def test_largest_remainder():
    from fractions import Fraction
    assert largest_remainder(10, [Fraction(10, 3)] * 3) == [4, 3, 3]


@pytest.mark.django_db
def test_sweat_equity_value(make_member, rules):
    rules("sweat_equity", hourly_value=20, founder_risk_multiplier=1.5, paid_work_discount=0.6)
    member = make_member()
    plain = SweatEquityEntry.objects.create(member=member, hours=Decimal("10"), description="x")
    risky = SweatEquityEntry.objects.create(member=member, hours=Decimal("10"), description="x", pre_revenue=True)
    both = SweatEquityEntry.objects.create(member=member, hours=Decimal("10"), description="x", pre_revenue=True, paid=True)
    assert (plain.value, risky.value, both.value) == (Decimal("200.00"), Decimal("300.00"), Decimal("180.00"))
    assert member.shares_held == 1  # sweat equity is not share capital


@pytest.mark.django_db
def test_board_proposes_and_members_approve_the_allocation(make_member, rules):
    rules("surplus", patronage_basis="hours", **SPLIT)
    rules("governance", quorum_percent=50, ordinary_majority_percent=50)
    board = make_member(roles=[BOARD])
    worker = make_member()
    PatronageRecord.objects.create(member=board, hours=Decimal(10), date="2025-06-01", status="approved")
    PatronageRecord.objects.create(member=worker, hours=Decimal(30), date="2025-06-01", status="approved")
    PatronageRecord.objects.create(member=worker, hours=Decimal(99), date="2024-06-01", status="approved")  # another year
    PatronageRecord.objects.create(member=worker, hours=Decimal(50), date="2025-07-01")  # not approved: not counted
    PatronageRecord.objects.create(member=board, hours=Decimal(50), date="2025-07-01", status="rejected")
    with pytest.raises(PermissionDenied):
        services.prepare_allocation(worker.user, 2025, Decimal("1000.00"))
    allocation = services.prepare_allocation(board.user, 2025, Decimal("1000.00"))
    amounts = {line.member_id: line.amount for line in allocation.lines.all() if line.kind == "patronage"}
    assert amounts == {board.pk: Decimal("175.00"), worker.pk: Decimal("525.00")}
    assert sum(line.amount for line in allocation.lines.all()) == Decimal("1000.00")
    proposal = services.propose_allocation(allocation, board.user)
    from coop.governance import services as governance
    governance.cast_vote(board.user, proposal, "for")
    governance.cast_vote(worker.user, proposal, "for")
    governance.close(proposal, now=proposal.closes_at)
    allocation.refresh_from_db()
    assert str(allocation.status) == "approved by members"
