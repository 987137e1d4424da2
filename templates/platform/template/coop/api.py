"""The JSON API (django-ninja): members, proposals, votes, ledger. OpenAPI docs at /api/docs.

Authentication: `Authorization: Bearer <token>`; a member creates a token on "My membership"
(or `python manage.py create_api_token EMAIL`). Only active members get data, and only what they
may see on the site (secret ballots stay secret).
"""
from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from ninja import NinjaAPI, Schema
from ninja.errors import HttpError
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.security import HttpBearer

from coop.core.models import ApiToken
from coop.core.roles import member_of


class MemberToken(HttpBearer):
    def authenticate(self, request, token):
        user = ApiToken.user_for(token)
        if user is None or member_of(user) is None:
            return None
        request.user = user
        return user


api = NinjaAPI(title="Co-op platform API", version="1", auth=MemberToken(), urls_namespace="api")


class MemberOut(Schema):
    number: int
    name: str
    member_class: str
    admitted_on: date
    ceased_on: date | None


class ResultOut(Schema):
    passed: bool
    quorum_met: bool
    eligible: int
    voted: int
    votes_for: int
    votes_against: int
    abstentions: int
    blocks: int
    outcome: dict


class ProposalOut(Schema):
    id: int
    title: str
    text: str
    kind: str
    decision_tool: str
    options: list
    secret: bool
    opens_at: datetime | None
    closes_at: datetime | None
    is_open: bool
    result: ResultOut | None


class VoteIn(Schema):
    choice: str | None = None
    ranking: list[int] | None = None


class VoteOut(Schema):
    proposal: int
    recorded: bool


class PatronageOut(Schema):
    date: date
    hours: Decimal
    revenue: Decimal
    transactions: int
    status: str


class AllocationLineOut(Schema):
    year: int
    part: str
    amount: Decimal


class LedgerOut(Schema):
    patronage: list[PatronageOut]
    allocations: list[AllocationLineOut]


def _proposal_out(p):
    result = getattr(p, "result", None)
    return {"id": p.pk, "title": p.title, "text": p.text, "kind": p.kind, "decision_tool": p.decision_tool,
            "options": p.options, "secret": p.secret, "opens_at": p.opens_at, "closes_at": p.closes_at,
            "is_open": p.is_open(), "result": result}


@api.get("/members", response=list[MemberOut], tags=["members"])
@paginate(LimitOffsetPagination)
def members(request):
    from coop.members.models import Member

    return [{"number": m.pk, "name": m.name, "member_class": m.member_class, "admitted_on": m.admitted_on,
             "ceased_on": m.ceased_on} for m in Member.objects.order_by("id")]


@api.get("/proposals", response=list[ProposalOut], tags=["proposals"])
@paginate(LimitOffsetPagination)
def proposals(request):
    from coop.governance.models import Proposal

    return [_proposal_out(p) for p in Proposal.objects.select_related("result")]


@api.get("/proposals/{proposal_id}", response=ProposalOut, tags=["proposals"])
def proposal(request, proposal_id: int):
    from coop.governance.models import Proposal

    return _proposal_out(get_object_or_404(Proposal.objects.select_related("result"), pk=proposal_id))


@api.post("/proposals/{proposal_id}/vote", response={201: VoteOut}, tags=["votes"])
def vote(request, response: HttpResponse, proposal_id: int, ballot: VoteIn):
    from coop.governance import services
    from coop.governance.models import Proposal

    item = get_object_or_404(Proposal, pk=proposal_id)
    try:
        services.cast_vote(request.user, item, ballot.choice, ranking=ballot.ranking)
    except PermissionDenied as error:
        raise HttpError(403, str(error) or "Not allowed.") from None
    except ValidationError as error:
        raise HttpError(400, " ".join(error.messages)) from None
    response.status_code = 201
    return {"proposal": item.pk, "recorded": True}


@api.get("/ledger", response=LedgerOut, tags=["ledger"])
def ledger(request):
    from coop.ledger.models import AllocationLine

    member = member_of(request.user)
    lines = AllocationLine.objects.filter(member=member).select_related("allocation").order_by("id")
    return {"patronage": list(member.patronage.order_by("date", "id")[:500]),
            "allocations": [{"year": line.allocation.year, "part": line.kind, "amount": line.amount} for line in lines]}
