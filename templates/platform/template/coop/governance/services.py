"""Proposals, votes, results, meetings and board decisions."""
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coop import profile
from coop.core import models as audit
from coop.core.roles import BOARD, SECRETARY, member_of, require_role
from coop.members.models import Member

from . import counting
from .models import BoardDecision, GeneralMeeting, Proposal, ProposalResult, Vote


class AlreadyVoted(ValidationError):
    pass


def create_proposal(by, *, title, text="", kind=counting.ORDINARY, opens_at=None, closes_at=None, meeting=None):
    require_role(by, BOARD, SECRETARY)
    opens_at = opens_at or timezone.now()
    closes_at = closes_at or opens_at + timezone.timedelta(days=profile.current().notice_days)
    proposal = Proposal(title=title, text=text, kind=kind, opens_at=opens_at, closes_at=closes_at, meeting=meeting, created_by=by)
    proposal.full_clean()
    proposal.save()
    audit.record("proposal.created", by, proposal=proposal.pk, kind=kind, title=title)
    return proposal


def cast_vote(user, proposal, choice, now=None):
    member = member_of(user)
    if member is None or not member.can_vote:
        raise PermissionDenied(_("Only voting members can vote."))
    if not proposal.is_open(now):
        raise ValidationError(_("Voting on this proposal is not open."))
    if choice not in dict(Vote.CHOICES):
        raise ValidationError(_("Unknown choice."))
    try:
        with transaction.atomic():
            vote = Vote.objects.create(proposal=proposal, member=member, member_class=member.member_class, choice=choice)
    except IntegrityError:
        raise AlreadyVoted(_("You have already voted on this proposal.")) from None
    audit.record("vote.cast", user, proposal=proposal.pk, member=member.pk)
    return vote


def eligible_voters(at):
    members = Member.objects.filter(admitted_on__lte=at.date()).exclude(ceased_on__lte=at.date())
    return sum(1 for m in members if m.can_vote)


def tally(proposal, at=None):
    current = profile.current()
    weights = {c.id: c.vote_weight_percent for c in current.member_classes}
    return counting.count(
        proposal.votes.values_list("member_class", "choice"),
        eligible=eligible_voters(at or min(timezone.now(), proposal.closes_at)),
        kind=proposal.kind, rules=current.governance, weights=weights,
    )


def close(proposal, by=None, now=None):
    """Declare the result once voting has closed; later calls return the same result."""
    now = now or timezone.now()
    if hasattr(proposal, "result"):
        return proposal.result
    if now < proposal.closes_at:
        raise ValidationError(_("Voting is still open."))
    result_tally = tally(proposal, at=proposal.closes_at)
    rules = profile.current().governance
    try:
        with transaction.atomic():
            result = ProposalResult.objects.create(
                proposal=proposal, declared_at=now, eligible=result_tally.eligible, voted=result_tally.voted,
                votes_for=result_tally.votes_for, votes_against=result_tally.votes_against,
                abstentions=result_tally.abstentions, for_share=str(result_tally.for_share),
                quorum_met=result_tally.quorum_met, passed=result_tally.passed, rules=rules,
            )
    except IntegrityError:
        return ProposalResult.objects.get(proposal=proposal)
    audit.record("proposal.result", by, proposal=proposal.pk, passed=result.passed, votes_for=result.votes_for,
                 votes_against=result.votes_against, abstentions=result.abstentions, eligible=result.eligible)
    proposal.result = result
    return result


def close_due(now=None):
    now = now or timezone.now()
    return [close(p, now=now) for p in Proposal.objects.filter(closes_at__lte=now, result__isnull=True)]


def call_meeting(by, **fields):
    require_role(by, BOARD, SECRETARY)
    meeting = GeneralMeeting(called_by=by, **fields)
    meeting.full_clean()
    meeting.save()
    audit.record("meeting.called", by, meeting=meeting.pk, scheduled_for=meeting.scheduled_for.isoformat())
    return meeting


def record_minutes(meeting, by, minutes):
    require_role(by, SECRETARY, BOARD)
    if meeting.scheduled_for > timezone.now():
        raise ValidationError(_("Minutes can be recorded once the meeting has taken place."))
    meeting.minutes = minutes
    meeting.save(update_fields=["minutes"])
    audit.record("meeting.minutes", by, meeting=meeting.pk)


def record_board_decision(by, **fields):
    require_role(by, BOARD)
    decision = BoardDecision.objects.create(recorded_by=by, **fields)
    audit.record("board.decision", by, decision=decision.pk, title=decision.title)
    return decision
