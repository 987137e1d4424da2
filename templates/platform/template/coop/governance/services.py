"""Proposals (every decision tool), votes, results, discussions, meetings and board decisions."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coop import profile
from coop.core import integrity, rows
from coop.core import models as audit
from coop.core.roles import BOARD, SECRETARY, has_role, member_of, require_role
from coop.members.models import Member

from . import counting, notify
from .models import (
    CONSENT, DOT, OPTION_TOOLS, POLL, PROPOSAL, RANKED, BoardDecision, Comment, GeneralMeeting, Proposal,
    ProposalResult, Thread, Vote,
)

DOTS_PER_MEMBER = 10
#: How early "voting opens" may be when it is not "now" (clock skew between a form and the server).
GRACE = timezone.timedelta(minutes=5)


class AlreadyVoted(ValidationError):
    pass


def minimum_window(kind, rules=None):
    """The shortest voting window the rules allow for a kind of resolution (a timedelta).

    governance.min_voting_days[kind] when the rules set it; otherwise a special resolution gets the
    rules' full notice period (notice_days) and an ordinary one 7 days, or notice_days if shorter.
    """
    governance = rules or profile.current().governance
    explicit = (governance.get("min_voting_days") or {}).get(kind)
    notice = int(governance.get("notice_days") or 0)
    days = explicit if explicit is not None else (notice if kind == counting.SPECIAL else min(notice, 7))
    return timezone.timedelta(days=float(days))


def default_tool():
    return CONSENT if profile.current().governance.get("decision_method") == "consent" else PROPOSAL


def needs_seconder():
    return bool(profile.current().governance.get("member_proposals_need_seconder", True))


def rules_snapshot():
    """The numbers a proposal is decided by, frozen on the proposal when voting opens."""
    current = profile.current()
    return {**current.governance, "vote_weights": {c.id: str(c.vote_weight_percent) if c.vote_weight_percent is not None
                                                   else None for c in current.member_classes}}


def _check_window(kind, opens_at, closes_at, now):
    if opens_at < now - GRACE:
        raise ValidationError({"opens_at": _("Voting cannot open in the past.")})
    shortest = minimum_window(kind)
    if closes_at - opens_at < shortest:
        days = shortest.days or round(shortest.total_seconds() / 86400, 2)
        raise ValidationError({"closes_at": _(
            "A %(kind)s must stay open for at least %(days)s days (the rules' notice and voting period)."
        ) % {"kind": dict(Proposal.KIND_CHOICES)[kind].lower(), "days": days}})


def create_proposal(by, *, title, text="", kind=counting.ORDINARY, decision_tool=None, options=(), secret=False,
                    opens_at=None, closes_at=None, meeting=None, now=None):
    """The board or secretary open a proposal; any voting member may propose one (seconded first when the rules say so)."""
    now = now or timezone.now()
    decision_tool = decision_tool or default_tool()
    proposer = member_of(by)
    if not has_role(by, BOARD) and not has_role(by, SECRETARY):
        if proposer is None or not proposer.can_vote:
            raise PermissionDenied(_("Only voting members can make proposals."))
    awaiting = not (has_role(by, BOARD) or has_role(by, SECRETARY)) and needs_seconder()
    if awaiting:
        opens_at = closes_at = None
    else:
        opens_at = opens_at or now
        closes_at = closes_at or opens_at + max(minimum_window(kind), timezone.timedelta(days=profile.current().notice_days))
        _check_window(kind, opens_at, closes_at, now)
    proposal = Proposal(
        title=title, text=text, kind=kind, decision_tool=decision_tool,
        options=[str(o).strip() for o in options if str(o).strip()] if decision_tool in OPTION_TOOLS else [],
        secret=secret, opens_at=opens_at, closes_at=closes_at, meeting=meeting, created_by=by, proposer=proposer,
        rules=rules_snapshot(),
    )
    proposal.full_clean()
    with transaction.atomic():
        proposal.save()
        audit.record("proposal.created", by, proposal, proposal=proposal.pk, kind=kind, tool=decision_tool, title=title)
    if not awaiting:
        notify.proposal_opened(proposal)
    return proposal


def second(proposal, user, now=None):
    """A second voting member seconds a member's proposal: voting opens now for the minimum window."""
    now = now or timezone.now()
    seconder = member_of(user)
    if seconder is None or not seconder.can_vote:
        raise PermissionDenied(_("Only voting members can second a proposal."))
    if not proposal.awaiting_seconder:
        raise ValidationError(_("This proposal is already open for voting."))
    if proposal.proposer_id == seconder.pk:
        raise ValidationError(_("A proposal needs a seconder other than its proposer."))
    with transaction.atomic():
        proposal.seconded_by = seconder
        proposal.opens_at = now
        proposal.closes_at = now + max(minimum_window(proposal.kind), timezone.timedelta(days=profile.current().notice_days))
        proposal.rules = rules_snapshot()
        proposal.save()
        audit.record("proposal.seconded", user, proposal, proposal=proposal.pk)
    notify.proposal_opened(proposal)
    return proposal


def _validate_ballot(proposal, choice, ranking):
    n = len(proposal.options or [])
    tool = proposal.decision_tool
    if tool in (PROPOSAL, CONSENT):
        if choice not in dict(Vote.CHOICES):
            raise ValidationError(_("Unknown choice."))
        return choice, []
    if tool == POLL:
        if not str(choice).isdigit() or not 0 <= int(choice) < n:
            raise ValidationError(_("Choose one of the options."))
        return str(int(choice)), []
    if tool == DOT:
        dots = [int(d) for d in ranking or []]
        if len(dots) != n or any(d < 0 for d in dots) or sum(dots) > DOTS_PER_MEMBER or not sum(dots):
            raise ValidationError(_("Spread between 1 and %(n)s dots over the options (none negative).") % {"n": DOTS_PER_MEMBER})
        return "", dots
    if tool == RANKED:
        order = [int(r) for r in ranking or []]
        if not order or len(set(order)) != len(order) or any(not 0 <= r < n for r in order):
            raise ValidationError(_("Rank the options you support, each once."))
        return "", order
    raise ValidationError(_("Unknown decision tool."))


def cast_vote(user, proposal, choice=None, now=None, ranking=None):
    member = member_of(user)
    if member is None or not member.can_vote:
        raise PermissionDenied(_("Only voting members can vote."))
    if not proposal.is_open(now):
        raise ValidationError(_("Voting on this proposal is not open."))
    choice, ranking = _validate_ballot(proposal, choice, ranking)
    try:
        with transaction.atomic():
            vote = rows.insert(Vote(proposal=proposal, member=member, member_class=member.member_class,
                                    choice=choice, ranking=ranking))
            details = {} if proposal.secret else {"member": member.pk, "choice": choice, "ranking": ranking}
            audit.record("vote.cast", None if proposal.secret else user, vote, read_back=False, proposal=proposal.pk, **details)
    except IntegrityError:
        raise AlreadyVoted(_("You have already voted on this proposal.")) from None
    return vote


def eligible_voters(at):
    members = Member.objects.filter(admitted_on__lte=at.date()).exclude(ceased_on__lte=at.date())
    return sum(1 for m in members if m.can_vote)


def _rules_of(proposal):
    return proposal.rules or rules_snapshot()


def tally(proposal, at=None):
    rules = _rules_of(proposal)
    weights = rules.get("vote_weights") or {}
    return counting.count(
        proposal.votes.filter(choice__in=[c for c, _label in Vote.CHOICES]).values_list("member_class", "choice"),
        eligible=eligible_voters(at or min(timezone.now(), proposal.closes_at)),
        kind=proposal.kind, rules=rules, weights=weights, consent=proposal.decision_tool == CONSENT,
        blocks_stop=rules.get("decision_method") == "consent",
    )


def options_outcome(proposal):
    n = len(proposal.options)
    if proposal.decision_tool == POLL:
        return counting.poll(proposal.votes.values_list("choice", flat=True), n)
    if proposal.decision_tool == DOT:
        return counting.dots(proposal.votes.values_list("ranking", flat=True), n)
    return counting.instant_runoff(list(proposal.votes.values_list("ranking", flat=True)), n)


def close(proposal, by=None, now=None):
    """Declare the result once voting has closed; later calls return the same result."""
    now = now or timezone.now()
    if hasattr(proposal, "result"):
        return proposal.result
    if proposal.closes_at is None or now < proposal.closes_at:
        raise ValidationError(_("Voting is still open."))
    rules = _rules_of(proposal)
    eligible = eligible_voters(proposal.closes_at)
    if proposal.decision_tool in OPTION_TOOLS:
        outcome = options_outcome(proposal)
        voted = proposal.votes.count()
        quorum_met = eligible > 0 and voted * 100 >= float(rules["quorum_percent"]) * eligible
        fields = dict(eligible=eligible, voted=voted, votes_for=0, votes_against=0, abstentions=0, blocks=0,
                      for_share="", quorum_met=quorum_met, passed=quorum_met and outcome["winner"] is not None,
                      outcome=outcome)
    else:
        t = tally(proposal, at=proposal.closes_at)
        fields = dict(eligible=t.eligible, voted=t.voted, votes_for=t.votes_for, votes_against=t.votes_against,
                      abstentions=t.abstentions, blocks=t.blocks, for_share=str(t.for_share), quorum_met=t.quorum_met,
                      passed=t.passed, outcome={})
    try:
        with transaction.atomic():
            result = ProposalResult.objects.create(proposal=proposal, declared_at=now, rules=rules, **fields)
            audit.record("proposal.result", by, result, proposal=proposal.pk, passed=result.passed,
                         votes_for=result.votes_for, votes_against=result.votes_against, blocks=result.blocks,
                         abstentions=result.abstentions, eligible=result.eligible, outcome=result.outcome)
    except IntegrityError:
        return ProposalResult.objects.get(proposal=proposal)
    integrity.write_checkpoint()
    proposal.result = result
    notify.result_declared(proposal)
    return result


def close_due(now=None):
    now = now or timezone.now()
    return [close(p, now=now) for p in Proposal.objects.filter(closes_at__lte=now, result__isnull=True)]


def send_reminders(now=None):
    """Remind voting members who have not voted about proposals closing within 24 hours (once per proposal)."""
    now = now or timezone.now()
    due = Proposal.objects.filter(opens_at__lte=now, closes_at__gt=now, closes_at__lte=now + timezone.timedelta(hours=24),
                                  reminded_at__isnull=True, result__isnull=True)
    sent = 0
    for proposal in due:
        sent += notify.closing_soon(proposal)
        Proposal.objects.filter(pk=proposal.pk).update(reminded_at=now)
    return sent


def comment(user, body, *, proposal=None, thread=None):
    author = member_of(user)
    if author is None:
        raise PermissionDenied(_("Only members can take part in discussions."))
    if not body.strip():
        raise ValidationError(_("Write something first."))
    note = Comment.objects.create(author=author, body=body, proposal=proposal, thread=thread)
    audit.record("discussion.comment", user, comment=note.pk, proposal=getattr(proposal, "pk", None),
                 thread=getattr(thread, "pk", None))
    return note


def start_thread(user, *, title, body):
    author = member_of(user)
    if author is None:
        raise PermissionDenied(_("Only members can start discussions."))
    thread = Thread.objects.create(title=title, body=body, author=author)
    audit.record("discussion.started", user, thread=thread.pk)
    return thread


def call_meeting(by, **fields):
    require_role(by, BOARD, SECRETARY)
    meeting = GeneralMeeting(called_by=by, **fields)
    meeting.full_clean()
    meeting.save()
    audit.record("meeting.called", by, meeting=meeting.pk, scheduled_for=meeting.scheduled_for.isoformat())
    notify.meeting_called(meeting)
    return meeting


def agm_date(year, rules=None):
    """The AGM's suggested date: the 15th of agm_month at 18:00, local time (the board may pick another day)."""
    governance = rules or profile.current().governance
    month = int(governance.get("agm_month") or 1)
    return timezone.make_aware(timezone.datetime(year, month, 15, 18, 0))


def schedule_agm(by, year=None, now=None):
    """Call this year's AGM in agm_month (next year's if this year's notice can no longer be given)."""
    now = now or timezone.now()
    year = year or now.year
    when = agm_date(year)
    if when < now + timezone.timedelta(days=profile.current().notice_days):
        year += 1
        when = agm_date(year)
    existing = GeneralMeeting.objects.filter(kind=GeneralMeeting.AGM, scheduled_for__year=year).first()
    if existing:
        return existing, False
    meeting = call_meeting(by, kind=GeneralMeeting.AGM, title=_("Annual general meeting %(year)s") % {"year": year},
                           scheduled_for=when, location=_("To be confirmed"), notice_given_at=now,
                           agenda=_("1. Annual report and accounts\n2. Allocation of the surplus\n3. Board elections\n4. Any other business"))
    return meeting, True


def board_elections_due(today=None):
    """Board members whose term (board_term_years from when they joined the board) ends within a year."""
    from coop.members.models import BoardTerm

    today = today or timezone.localdate()
    return [term for term in BoardTerm.objects.filter(ended_on__isnull=True).select_related("member")
            if term.ends_on <= today + timezone.timedelta(days=365)]


def record_minutes(meeting, by, minutes):
    require_role(by, SECRETARY, BOARD)
    if meeting.scheduled_for > timezone.now():
        raise ValidationError(_("Minutes can be recorded once the meeting has taken place."))
    meeting.minutes = minutes
    meeting.save(update_fields=["minutes"])
    audit.record("meeting.minutes", by, meeting=meeting.pk, minutes_sha256=integrity._digest({"m": minutes}))
    integrity.write_checkpoint()


def record_board_decision(by, **fields):
    require_role(by, BOARD)
    decision = BoardDecision.objects.create(recorded_by=by, **fields)
    audit.record("board.decision", by, decision=decision.pk, title=decision.title)
    return decision
