"""Decision tools (proposal with block, consent, poll, dot vote, ranked choice), seconders, secret
ballots, discussions, minimum voting windows, notifications and reminders, AGM and board terms."""
import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from coop.core.models import AuditEntry
from coop.core.roles import BOARD, SECRETARY
from coop.governance import counting, services
from coop.governance.models import Proposal, Vote

pytestmark = pytest.mark.django_db


@pytest.fixture
def board(make_member):
    return make_member(roles=[BOARD])


def test_consent_passes_unless_someone_objects(board, make_member, rules):
    rules("governance", quorum_percent=50)
    members = [make_member() for _ in range(3)]
    calm = services.create_proposal(board.user, title="Paint the depot", decision_tool="consent")
    blocked = services.create_proposal(board.user, title="Sell the bikes", decision_tool="consent")
    for member in members:
        services.cast_vote(member.user, calm, "abstain" if member is members[0] else "for")
        services.cast_vote(member.user, blocked, "block" if member is members[0] else "for")
    assert services.close(calm, now=calm.closes_at).passed
    result = services.close(blocked, now=blocked.closes_at)
    assert not result.passed and result.blocks == 1


def test_a_block_stops_a_proposal_when_the_rules_decide_by_consent(board, make_member, rules):
    rules("governance", quorum_percent=10, ordinary_majority_percent=50, decision_method="consent")
    proposal = services.create_proposal(board.user, title="Open on Sundays", decision_tool="proposal")
    for choice in ("for", "for", "for", "block"):
        services.cast_vote(make_member().user, proposal, choice)
    result = services.close(proposal, now=proposal.closes_at)
    assert (result.votes_for, result.votes_against, result.blocks, result.passed) == (3, 0, 1, False)


def test_poll_dot_vote_and_ranked_choice(board, make_member, rules):
    rules("governance", quorum_percent=10)
    options = ["Cargo bikes", "E-bikes", "Trailers"]
    poll = services.create_proposal(board.user, title="Poll", decision_tool="poll", options=options)
    dots = services.create_proposal(board.user, title="Dots", decision_tool="dot", options=options)
    ranked = services.create_proposal(board.user, title="Ranked", decision_tool="ranked", options=options)
    ballots = [([0, 1, 2], "0", [5, 5, 0]), ([1, 0], "1", [0, 2, 8]), ([2, 1], "1", [1, 1, 1]),
               ([0, 2], "0", [3, 0, 0]), ([1, 2], "2", [0, 9, 0])]
    for ranking, choice, dot in ballots:
        user = make_member().user
        services.cast_vote(user, poll, choice)
        services.cast_vote(user, dots, ranking=dot)
        services.cast_vote(user, ranked, ranking=ranking)
    assert services.close(poll, now=poll.closes_at).outcome == {"totals": [2, 2, 1], "winner": None}  # a tie: no choice
    assert services.close(dots, now=dots.closes_at).outcome == {"totals": [9, 17, 9], "winner": 1}
    outcome = services.close(ranked, now=ranked.closes_at).outcome
    # first preferences 2-2-1: "Trailers" goes, its ballot moves to "E-bikes", which then has 3 of 5
    assert outcome["rounds"][0] == {"0": 2, "1": 2, "2": 1} and outcome["winner"] == 1


def test_bad_ballots_are_refused(board, make_member):
    dots = services.create_proposal(board.user, title="Dots", decision_tool="dot", options=["A", "B"])
    ranked = services.create_proposal(board.user, title="Ranked", decision_tool="ranked", options=["A", "B"])
    user = make_member().user
    for bad in ([11, 0], [-1, 3], [1]):
        with pytest.raises(ValidationError):
            services.cast_vote(user, dots, ranking=bad)
    for bad in ([0, 0], [2], []):
        with pytest.raises(ValidationError):
            services.cast_vote(user, ranked, ranking=bad)
    with pytest.raises(ValidationError):
        services.create_proposal(board.user, title="One option", decision_tool="poll", options=["Only"])
    with pytest.raises(ValidationError):
        services.create_proposal(board.user, title="Special poll", kind="special", decision_tool="poll", options=["A", "B"])


def test_ranked_choice_through_the_page(board, make_member, client):
    proposal = services.create_proposal(board.user, title="Ranked", decision_tool="ranked", options=["A", "B", "C"])
    voter = make_member()
    client.force_login(voter.user)
    page = client.get(reverse("governance:proposal", args=[proposal.pk])).content.decode()
    assert "Rank of: B" in page
    assert b"different rank" in client.post(reverse("governance:proposal", args=[proposal.pk]),
                                            {"option_0": 1, "option_1": 1}).content
    client.post(reverse("governance:proposal", args=[proposal.pk]), {"option_0": 2, "option_2": 1})
    assert Vote.objects.get(member=voter).ranking == [2, 0]


def test_a_member_proposes_and_another_seconds(make_member, client, rules):
    rules("governance", member_proposals_need_seconder=True)
    proposer, seconder = make_member(), make_member()
    proposal = services.create_proposal(proposer.user, title="Weekly stand-up", text="Mondays.")
    assert proposal.awaiting_seconder and not proposal.is_open()
    with pytest.raises(ValidationError):
        services.second(proposal, proposer.user)  # not by the proposer
    client.force_login(seconder.user)
    assert b"Second this proposal" in client.get(reverse("governance:proposal", args=[proposal.pk])).content
    client.post(reverse("governance:second", args=[proposal.pk]))
    proposal.refresh_from_db()
    assert proposal.seconded_by == seconder and proposal.is_open()
    assert proposal.closes_at - proposal.opens_at >= services.minimum_window("ordinary")


def test_a_member_proposal_opens_at_once_when_the_rules_need_no_seconder(make_member, rules):
    rules("governance", member_proposals_need_seconder=False)
    proposal = services.create_proposal(make_member().user, title="No seconder needed")
    assert proposal.is_open()


def test_minimum_voting_window_and_notice_per_kind(board):
    notice = services.minimum_window("special")
    now = timezone.now()
    with pytest.raises(ValidationError, match="at least"):
        services.create_proposal(board.user, title="Amend the rules", kind="special", decision_tool="proposal",
                                 opens_at=now, closes_at=now + notice - timezone.timedelta(hours=1))
    with pytest.raises(ValidationError, match="at least"):
        services.create_proposal(board.user, title="Quick", kind="ordinary", decision_tool="proposal", opens_at=now,
                                 closes_at=now + services.minimum_window("ordinary") - timezone.timedelta(minutes=1))
    with pytest.raises(ValidationError, match="past"):
        services.create_proposal(board.user, title="Backdated", decision_tool="proposal",
                                 opens_at=now - timezone.timedelta(days=3), closes_at=now + timezone.timedelta(days=30))
    ok = services.create_proposal(board.user, title="Amend the rules", kind="special", decision_tool="proposal",
                                  opens_at=now, closes_at=now + notice)
    assert ok.pk and services.minimum_window("special") >= services.minimum_window("ordinary")


def test_the_window_is_refused_through_the_form_with_a_clear_message(board, client):
    client.force_login(board.user)
    now = timezone.localtime()
    response = client.post(reverse("governance:new_proposal"), {
        "title": "Rush", "kind": "special", "decision_tool": "proposal",
        "opens_at": now.strftime("%Y-%m-%dT%H:%M"), "closes_at": (now + timezone.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")})
    assert response.status_code == 200 and "must stay open for at least" in response.content.decode()
    assert not Proposal.objects.exists()


def test_secret_ballot_hides_who_voted_what(board, make_member, client):
    proposal = services.create_proposal(board.user, title="Elect the treasurer", decision_tool="poll",
                                        options=["Ana", "Ben"], secret=True)
    voter = make_member(name="Voter Vee")
    services.cast_vote(voter.user, proposal, "1")
    entry = AuditEntry.objects.filter(action="vote.cast").get()
    assert entry.actor == "system" and "member" not in entry.payload and "choice" not in entry.payload
    services.close(proposal, now=proposal.closes_at)
    client.force_login(voter.user)
    page = client.get(reverse("governance:proposal", args=[proposal.pk])).content.decode()
    assert "Who voted what" not in page and "Voter Vee" not in page
    assert "Voter Vee" not in client.get(reverse("export", args=["votes", "csv"])).content.decode()


def test_discussion_threads_and_comments(make_member, client):
    member = make_member(name="Talker")
    client.force_login(member.user)
    client.post(reverse("governance:new_thread"), {"title": "Winter tyres", "body": "Which ones?"})
    thread_page = client.get(reverse("governance:threads")).content.decode()
    assert "Winter tyres" in thread_page
    from coop.governance.models import Thread
    thread = Thread.objects.get()
    client.post(reverse("governance:thread", args=[thread.pk]), {"body": "Studded, <b>please</b>"})
    page = client.get(reverse("governance:thread", args=[thread.pk])).content.decode()
    assert "Studded, &lt;b&gt;please&lt;/b&gt;" in page


def test_notifications_reminders_and_unsubscribe(board, make_member, client):
    quiet = make_member()
    quiet.user.notify_by_email = False
    quiet.user.save()
    voter = make_member()
    mail.outbox.clear()
    proposal = services.create_proposal(board.user, title="New depot", decision_tool="proposal")
    opened = [m for m in mail.outbox if "New proposal: New depot" in m.subject]
    recipients = {m.to[0] for m in opened}
    assert voter.user.email in recipients and quiet.user.email not in recipients
    services.cast_vote(board.user, proposal, "for")
    mail.outbox.clear()
    soon = proposal.closes_at - timezone.timedelta(hours=3)
    assert services.send_reminders(now=soon) >= 1
    reminded = {m.to[0] for m in mail.outbox}
    assert voter.user.email in reminded and board.user.email not in reminded  # the board member has voted
    assert services.send_reminders(now=soon) == 0  # once per proposal
    mail.outbox.clear()
    services.close(proposal, now=proposal.closes_at)
    assert any("Result: New depot" in m.subject for m in mail.outbox)
    link = next(line for line in mail.outbox[0].body.splitlines() if "/unsubscribe/" in line).split(": ", 1)[1]
    path = link.replace("http://testserver", "")
    assert b"Unsubscribe" in client.get(path).content
    client.post(path)
    target = next(m.to[0] for m in mail.outbox if m.body.find(link) >= 0)
    from django.contrib.auth import get_user_model
    assert get_user_model().objects.get(email=target).notify_by_email is False
    assert client.get("/unsubscribe/forged-token/").status_code == 400


def test_meeting_notice_is_emailed(make_member):
    secretary = make_member(roles=[SECRETARY])
    mail.outbox.clear()
    services.call_meeting(secretary.user, kind="egm", title="Special meeting", location="Depot", agenda="1. Bikes",
                          scheduled_for=timezone.now() + timezone.timedelta(days=services.profile.current().notice_days + 1))
    assert any("Notice of meeting: Special meeting" in m.subject for m in mail.outbox)


def test_agm_is_scheduled_in_the_rules_month_and_board_terms_end(make_member, rules):
    rules("governance", agm_month=6, board_term_years=2)
    secretary = make_member(roles=[SECRETARY])
    now = timezone.make_aware(timezone.datetime(2030, 1, 10, 12, 0))
    meeting, created = services.schedule_agm(secretary.user, now=now)
    assert created and meeting.scheduled_for.month == 6 and meeting.scheduled_for.year == 2030
    assert services.schedule_agm(secretary.user, now=now) == (meeting, False)
    late, _ = services.schedule_agm(secretary.user, now=timezone.make_aware(timezone.datetime(2030, 6, 10, 12, 0)))
    assert late.scheduled_for.year == 2031  # too late for this year's notice
    from coop.members.models import BoardTerm
    term = BoardTerm.objects.create(member=secretary, started_on=timezone.localdate() - timezone.timedelta(days=400))
    assert term.ends_on.year == term.started_on.year + 2
    assert term in services.board_elections_due()


def test_counting_instant_runoff_without_majority_until_the_end():
    assert counting.instant_runoff([[0], [1], [2]], 3)["winner"] in (0, 1, 2)
    assert counting.instant_runoff([], 2)["winner"] is None


def test_only_voting_members_propose(outsider, make_member):
    with pytest.raises(PermissionDenied):
        services.create_proposal(outsider, title="Nope")
