"""Data export: everything a member may see, as CSV or JSON (/export/<dataset>.<csv|json>)."""
import csv
import json

from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponse

from .roles import BOARD, MEMBER, SECRETARY, has_role, member_of, role_required


def _proposals(user):
    from coop.governance.models import Proposal

    for p in Proposal.objects.select_related("result").order_by("id"):
        result = getattr(p, "result", None)
        yield {"id": p.pk, "title": p.title, "kind": p.kind, "tool": p.decision_tool, "opens_at": p.opens_at,
               "closes_at": p.closes_at, "secret": p.secret, "passed": result.passed if result else None,
               "voted": result.voted if result else None, "votes_for": result.votes_for if result else None,
               "votes_against": result.votes_against if result else None, "blocks": result.blocks if result else None,
               "abstentions": result.abstentions if result else None}


def _votes(user):
    """Open-ballot votes (who voted what is visible to members); secret ballots are left out."""
    from coop.governance.models import Vote

    for v in Vote.objects.filter(proposal__secret=False).select_related("member").order_by("id"):
        yield {"proposal": v.proposal_id, "member": v.member.name, "choice": v.choice, "ranking": v.ranking,
               "cast_at": v.cast_at}


def _decisions(user):
    from coop.governance.models import BoardDecision

    for d in BoardDecision.objects.order_by("id"):
        yield {"title": d.title, "text": d.text, "decided_on": d.decided_on, "for": d.votes_for, "against": d.votes_against}


def _allocations(user):
    from coop.ledger.models import AllocationLine

    for line in AllocationLine.objects.select_related("allocation", "member").order_by("id"):
        yield {"year": line.allocation.year, "part": line.kind, "member": line.member.name if line.member else "",
               "patronage": line.patronage, "amount": line.amount}


def _my_patronage(user):
    member = member_of(user)
    for r in member.patronage.order_by("date", "id"):
        yield {"date": r.date, "hours": r.hours, "revenue": r.revenue, "transactions": r.transactions,
               "description": r.description, "status": r.status}


def _register(user):
    from coop.members.models import Member

    if not (has_role(user, BOARD) or has_role(user, SECRETARY)):
        raise Http404
    for m in Member.objects.order_by("id"):
        yield {"number": m.pk, "name": m.name, "address": m.address, "class": m.member_class,
               "shares": m.shares_held, "admitted_on": m.admitted_on, "ceased_on": m.ceased_on}


DATASETS = {"proposals": _proposals, "votes": _votes, "board-decisions": _decisions, "allocations": _allocations,
            "my-patronage": _my_patronage, "register": _register}


def _csv_safe(value):
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@role_required(MEMBER)
def export(request, dataset, fmt):
    rows_of = DATASETS.get(dataset)
    if rows_of is None or fmt not in ("csv", "json"):
        raise Http404
    rows = list(rows_of(request.user))
    if fmt == "json":
        response = HttpResponse(json.dumps(rows, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1),
                                content_type="application/json")
    else:
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        if rows:
            writer = csv.DictWriter(response, fieldnames=list(rows[0]))
            writer.writeheader()
            for row in rows:
                writer.writerow({k: _csv_safe(v) for k, v in row.items()})
    response["Content-Disposition"] = f'attachment; filename="{dataset}.{fmt}"'
    return response
