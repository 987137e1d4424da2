from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from coop import profile
from coop.core import models as audit
from coop.core.roles import BOARD, has_role, member_of, require_role
from coop.governance import services as governance

from .allocation import allocate
from .models import APPROVED, PENDING, REJECTED, AllocationLine, PatronageRecord, SurplusAllocation, SweatEquityEntry

BASIS_FIELD = {"hours": "hours", "revenue": "revenue", "transactions": "transactions"}
DEFAULT_MAX_HOURS_PER_DAY = 16


def max_hours_per_day():
    """The most hours one member may report for one day (platform.max_hours_per_day, else 16)."""
    return Decimal(str(profile.current().rules.get("platform", {}).get("max_hours_per_day") or DEFAULT_MAX_HOURS_PER_DAY))


def patronage_for_year(year):
    """Approved patronage only: self-reported hours waiting for approval do not count."""
    field = BASIS_FIELD[profile.current().rules["surplus"]["patronage_basis"]]
    rows = (PatronageRecord.objects.filter(date__year=year, status=APPROVED)
            .values("member").annotate(total=Sum(field)).order_by("member"))
    return {row["member"]: row["total"] for row in rows}


def _check_hours(member, day, hours):
    if hours is None or hours <= 0:
        raise ValidationError({"hours": _("Hours must be more than zero.")})
    if day > timezone.localdate():
        raise ValidationError({"date": _("You cannot report work for a day that has not happened yet.")})
    reported = sum((PatronageRecord.objects.filter(member=member, date=day).exclude(status=REJECTED)
                    .aggregate(h=Sum("hours"))["h"] or Decimal(0),
                    SweatEquityEntry.objects.filter(member=member, date=day).exclude(status=REJECTED)
                    .aggregate(h=Sum("hours"))["h"] or Decimal(0)), Decimal(0))
    limit = max_hours_per_day()
    if reported + Decimal(hours) > limit:
        raise ValidationError({"hours": _("At most %(limit)s hours a day can be reported (already %(done)s on %(day)s).")
                               % {"limit": limit, "done": reported, "day": day.isoformat()}})


def report_hours(user, *, date, hours, description=""):
    member = member_of(user)
    if member is None:
        raise PermissionDenied(_("Only members can report hours."))
    with transaction.atomic():
        _check_hours(member, date, hours)
        record = PatronageRecord.objects.create(member=member, date=date, hours=hours, description=description)
        audit.record("patronage.reported", user, record, record=record.pk)
    return record


def report_sweat(user, *, date, hours, description, pre_revenue=False, paid=False):
    member = member_of(user)
    if member is None:
        raise PermissionDenied(_("Only members can record sweat equity."))
    with transaction.atomic():
        _check_hours(member, date, hours)
        entry = SweatEquityEntry.objects.create(member=member, date=date, hours=hours, description=description,
                                                pre_revenue=pre_revenue, paid=paid)
        audit.record("sweat.reported", user, entry, entry=entry.pk)
    return entry


def review(entry, user, approve):
    """The board, or a second member (never the one who reported it), approves or rejects an entry."""
    reviewer = member_of(user)
    if reviewer is None and not has_role(user, BOARD):
        raise PermissionDenied(_("Only members can review reported work."))
    if reviewer is not None and reviewer.pk == entry.member_id:
        raise PermissionDenied(_("Someone else must approve your own hours."))
    if entry.status != PENDING:
        raise ValidationError(_("This entry was already reviewed."))
    with transaction.atomic():
        entry.status = APPROVED if approve else REJECTED
        entry.reviewed_by = reviewer
        entry.save(update_fields=["status", "reviewed_by"])
        audit.record(f"{entry._meta.model_name}.{entry.status}", user, entry, entry=entry.pk)
    return entry


def pending_for(user):
    """Entries this user may review: everyone's but their own."""
    member = member_of(user)
    records = PatronageRecord.objects.filter(status=PENDING).select_related("member")
    sweat = SweatEquityEntry.objects.filter(status=PENDING).select_related("member")
    if member is not None:
        records, sweat = records.exclude(member=member), sweat.exclude(member=member)
    return records, sweat


def prepare_allocation(by, year, surplus):
    """The board's draft allocation of a year's surplus (approved patronage only)."""
    require_role(by, BOARD)
    rules = profile.current().rules["surplus"]
    patronage = patronage_for_year(year)
    if SurplusAllocation.objects.filter(year=year).exists():
        raise ValidationError(_("This year's surplus already has an allocation."))
    with transaction.atomic():
        allocation = SurplusAllocation.objects.create(year=year, surplus=surplus, basis=rules["patronage_basis"], created_by=by)
        audit.record("surplus.prepared", by, allocation, year=year, surplus=str(surplus))
        for kind, member_id, amount in allocate(surplus, rules, patronage):
            line = AllocationLine.objects.create(
                allocation=allocation, kind=kind, member_id=member_id, amount=amount,
                patronage=patronage.get(member_id) if member_id else None,
            )
            audit.record("surplus.line", by, line, allocation=allocation.pk, kind=kind, member=member_id, amount=str(amount))
    return allocation


def propose_allocation(allocation, by):
    """Put the board's allocation to the members as an ordinary resolution."""
    require_role(by, BOARD)
    if allocation.proposal is None:
        lines = "\n".join(f"{line.kind} {line.member or ''}: {line.amount}" for line in allocation.lines.all())
        with transaction.atomic():
            allocation.proposal = governance.create_proposal(
                by, title=_("Allocation of the %(year)s surplus") % {"year": allocation.year},
                text=lines, kind="ordinary", decision_tool="proposal",
            )
            allocation.save(update_fields=["proposal"])
            audit.record("surplus.proposed", by, allocation, allocation=allocation.pk, proposal=allocation.proposal.pk)
    return allocation.proposal


def record_order_patronage(order):
    """A completed order counts as patronage of the worker who fulfilled it (approved by the order itself)."""
    record = PatronageRecord.objects.create(
        member=order.assigned_to or order.offer.worker, date=order.updated_at.date(), hours=order.hours,
        revenue=order.amount - order.commission, transactions=1,
        description=str(order), order=order, status=APPROVED,
    )
    audit.record("patronage.order", None, record, record=record.pk, order=order.pk)
    return record
