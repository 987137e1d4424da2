from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from coop import profile
from coop.core import models as audit
from coop.core.roles import BOARD, require_role
from coop.governance import services as governance

from .allocation import allocate
from .models import AllocationLine, PatronageRecord, SurplusAllocation

BASIS_FIELD = {"hours": "hours", "revenue": "revenue", "transactions": "transactions"}


def patronage_for_year(year):
    field = BASIS_FIELD[profile.current().rules["surplus"]["patronage_basis"]]
    rows = PatronageRecord.objects.filter(date__year=year).values("member").annotate(total=Sum(field))
    return {row["member"]: row["total"] for row in rows}


def prepare_allocation(by, year, surplus):
    """The board's draft allocation of a year's surplus."""
    require_role(by, BOARD)
    rules = profile.current().rules["surplus"]
    patronage = patronage_for_year(year)
    if SurplusAllocation.objects.filter(year=year).exists():
        raise ValidationError(_("This year's surplus already has an allocation."))
    with transaction.atomic():
        allocation = SurplusAllocation.objects.create(year=year, surplus=surplus, basis=rules["patronage_basis"], created_by=by)
        for kind, member_id, amount in allocate(surplus, rules, patronage):
            AllocationLine.objects.create(
                allocation=allocation, kind=kind, member_id=member_id, amount=amount,
                patronage=patronage.get(member_id) if member_id else None,
            )
        audit.record("surplus.prepared", by, year=year, surplus=str(surplus))
    return allocation


def propose_allocation(allocation, by):
    """Put the board's allocation to the members as an ordinary resolution."""
    require_role(by, BOARD)
    if allocation.proposal is None:
        lines = "\n".join(f"{line.kind} {line.member or ''}: {line.amount}" for line in allocation.lines.all())
        allocation.proposal = governance.create_proposal(
            by, title=_("Allocation of the %(year)s surplus") % {"year": allocation.year},
            text=lines, kind="ordinary",
        )
        allocation.save(update_fields=["proposal"])
    return allocation.proposal


def record_order_patronage(order):
    """A completed order counts as patronage of the worker who fulfilled it."""
    return PatronageRecord.objects.create(
        member=order.offer.worker, date=order.updated_at.date(), hours=order.hours,
        revenue=order.amount - order.commission, transactions=1,
        description=str(order), order=order,
    )
