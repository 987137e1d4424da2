"""Self-reported hours and sweat equity: bounds, and approval by the board or a second member."""
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from coop.core.roles import BOARD
from coop.ledger import services
from coop.ledger.models import APPROVED, PENDING, PatronageRecord

pytestmark = pytest.mark.django_db


def test_hours_are_bounded(make_member, rules):
    member = make_member()
    today = timezone.localdate()
    for bad in (Decimal(-3), Decimal(0)):
        with pytest.raises(ValidationError):
            services.report_hours(member.user, date=today, hours=bad)
    with pytest.raises(ValidationError, match="not happened yet"):
        services.report_hours(member.user, date=today + timezone.timedelta(days=1), hours=Decimal(2))
    services.report_hours(member.user, date=today, hours=Decimal(10))
    with pytest.raises(ValidationError, match="At most 16 hours a day"):
        services.report_sweat(member.user, date=today, hours=Decimal(7), description="Website")
    rules("platform", max_hours_per_day=20)
    services.report_sweat(member.user, date=today, hours=Decimal(7), description="Website")


def test_negative_hours_are_refused_by_the_form_and_the_database(make_member, client):
    member = make_member()
    client.force_login(member.user)
    response = client.post(reverse("ledger:hours"), {"date": timezone.localdate().isoformat(), "hours": "-5", "description": "x"})
    assert response.status_code == 200 and not PatronageRecord.objects.exists()
    from django.db import IntegrityError, transaction
    with pytest.raises(IntegrityError), transaction.atomic():
        PatronageRecord.objects.create(member=member, hours=Decimal(-5))


def test_approval_by_a_second_member_or_the_board(make_member, client, rules):
    rules("surplus", patronage_basis="hours")
    worker, colleague, board = make_member(), make_member(), make_member(roles=[BOARD])
    record = services.report_hours(worker.user, date=timezone.localdate(), hours=Decimal(6), description="Rides")
    assert record.status == PENDING and services.patronage_for_year(record.date.year) == {}
    with pytest.raises(PermissionDenied):
        services.review(record, worker.user, approve=True)  # never your own
    client.force_login(colleague.user)
    assert "Rides" in client.get(reverse("ledger:approvals")).content.decode()
    client.post(reverse("ledger:review", args=["hours", record.pk, "approve"]))
    record.refresh_from_db()
    assert record.status == APPROVED and record.reviewed_by == colleague
    assert services.patronage_for_year(record.date.year) == {worker.pk: Decimal("6.00")}
    with pytest.raises(ValidationError):
        services.review(record, board.user, approve=False)  # already reviewed
    sweat = services.report_sweat(worker.user, date=timezone.localdate(), hours=Decimal(2), description="Accounts")
    services.review(sweat, board.user, approve=False)
    sweat.refresh_from_db()
    assert sweat.status == "rejected"


def test_my_own_entries_are_not_offered_for_my_approval(make_member, client):
    worker = make_member()
    services.report_hours(worker.user, date=timezone.localdate(), hours=Decimal(3), description="Mine only")
    client.force_login(worker.user)
    assert "Mine only" not in client.get(reverse("ledger:approvals")).content.decode()
    record = PatronageRecord.objects.get()
    client.post(reverse("ledger:review", args=["hours", record.pk, "approve"]))
    record.refresh_from_db()
    assert record.status == PENDING
