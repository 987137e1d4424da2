import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from coop import profile
from coop.core.roles import BOARD, SECRETARY
from coop.governance import services
from coop.governance.models import ProposalResult, Vote

pytestmark = pytest.mark.django_db


@pytest.fixture
def board(make_member):
    return make_member(roles=[BOARD])


@pytest.fixture
def proposal(board):
    """A proposal (for/against/abstain/block) opened now; its numbers are the rules' when it opens."""
    return services.create_proposal(board.user, title="Buy cargo bikes", kind="ordinary", decision_tool="proposal")


def test_a_member_votes_once(make_member, proposal):
    voter = make_member()
    services.cast_vote(voter.user, proposal, "for")
    with pytest.raises(services.AlreadyVoted):
        services.cast_vote(voter.user, proposal, "against")
    assert Vote.objects.filter(member=voter).count() == 1


def test_the_database_refuses_a_second_vote(make_member, proposal):
    voter = make_member()
    Vote.objects.create(proposal=proposal, member=voter, member_class=voter.member_class, choice="for")
    with pytest.raises(IntegrityError), transaction.atomic():
        Vote.objects.create(proposal=proposal, member=voter, member_class=voter.member_class, choice="against")


@pytest.mark.django_db(transaction=True)
def test_concurrent_double_vote_is_refused_by_the_database(make_member):
    board = make_member(roles=[BOARD])
    proposal = services.create_proposal(board.user, title="Race", decision_tool="proposal")
    voter = make_member()
    barrier = threading.Barrier(2)
    outcomes = []

    def vote(choice):
        try:
            barrier.wait()
            with transaction.atomic():  # no application check: only the constraint stands in the way
                Vote.objects.create(proposal=proposal, member=voter, member_class=voter.member_class, choice=choice)
            outcomes.append("ok")
        except IntegrityError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=vote, args=(c,)) for c in ("for", "against")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["ok", "refused"]
    assert Vote.objects.filter(proposal=proposal, member=voter).count() == 1


def test_a_non_member_cannot_vote(outsider, proposal, client):
    with pytest.raises(PermissionDenied):
        services.cast_vote(outsider, proposal, "for")
    client.force_login(outsider)
    assert client.post(reverse("governance:proposal", args=[proposal.pk]), {"choice": "for"}).status_code == 403
    assert not Vote.objects.exists()


def test_non_voting_and_former_members_cannot_vote(make_member, proposal):
    non_voting = [c for c in profile.current().member_classes if not c.voting]
    if non_voting:
        with pytest.raises(PermissionDenied):
            services.cast_vote(make_member(member_class=non_voting[0].id).user, proposal, "for")
    former = make_member()
    former.ceased_on = timezone.localdate()
    former.save()
    with pytest.raises(PermissionDenied):
        services.cast_vote(former.user, proposal, "for")


def test_votes_only_inside_the_window(make_member, proposal):
    with pytest.raises(ValidationError):
        services.cast_vote(make_member().user, proposal, "for", now=proposal.closes_at)


def test_voting_through_the_page_and_the_result(make_member, board, client, rules):
    rules("governance", quorum_percent=50, ordinary_majority_percent=50)
    proposal = services.create_proposal(board.user, title="Buy cargo bikes", decision_tool="proposal")
    voters = [make_member() for _ in range(3)]  # with the board member: 4 voting members
    for voter, choice in zip(voters, ["for", "for", "against"]):
        client.force_login(voter.user)
        assert client.post(reverse("governance:proposal", args=[proposal.pk]), {"choice": choice}).status_code == 302
    with pytest.raises(ValidationError):
        services.close(proposal)  # still open
    result = services.close(proposal, now=proposal.closes_at)
    assert (result.votes_for, result.votes_against, result.eligible) == (2, 1, 4)
    assert result.quorum_met and result.passed
    assert services.close(proposal, now=proposal.closes_at) == result
    with pytest.raises(PermissionDenied):
        result.save()
    with pytest.raises(PermissionDenied):
        ProposalResult.objects.update(passed=False)


def test_a_tie_does_not_pass_an_ordinary_resolution(make_member, board, rules):
    rules("governance", quorum_percent=50, ordinary_majority_percent=50)
    proposal = services.create_proposal(board.user, title="Buy cargo bikes", decision_tool="proposal")
    services.cast_vote(make_member().user, proposal, "for")
    services.cast_vote(make_member().user, proposal, "against")
    assert not services.close(proposal, now=proposal.closes_at).passed


def test_general_meeting_needs_notice(make_member):
    secretary = make_member(roles=[SECRETARY])
    days = profile.current().notice_days
    common = {"kind": "agm", "title": "AGM", "location": "The depot", "agenda": "1. Accounts"}
    with pytest.raises(ValidationError):
        services.call_meeting(secretary.user, scheduled_for=timezone.now() + timezone.timedelta(days=days - 1), **common)
    meeting = services.call_meeting(secretary.user, scheduled_for=timezone.now() + timezone.timedelta(days=days, hours=1), **common)
    with pytest.raises(ValidationError):
        services.record_minutes(meeting, secretary.user, "Too early")
    with pytest.raises(PermissionDenied):
        services.call_meeting(make_member().user, scheduled_for=timezone.now() + timezone.timedelta(days=days + 1), **common)


def test_minutes_after_the_meeting(make_member):
    from coop.governance.models import GeneralMeeting
    secretary = make_member(roles=[SECRETARY])
    meeting = GeneralMeeting.objects.create(
        title="AGM", location="Hall", agenda="Accounts", called_by=secretary.user,
        notice_given_at=timezone.now() - timezone.timedelta(days=30), scheduled_for=timezone.now() - timezone.timedelta(days=1),
    )
    services.record_minutes(meeting, secretary.user, "Accounts approved.")
    meeting.refresh_from_db()
    assert meeting.minutes == "Accounts approved."


def test_only_the_board_records_board_decisions(make_member, client):
    with pytest.raises(PermissionDenied):
        services.record_board_decision(make_member().user, title="x", text="y")
    board = make_member(roles=[BOARD])
    decision = services.record_board_decision(board.user, title="Hire a bookkeeper", text="Agreed", votes_for=3)
    with pytest.raises(PermissionDenied):
        decision.delete()
    client.force_login(board.user)
    assert "Hire a bookkeeper" in client.get(reverse("governance:proposals")).content.decode()


def test_members_only_pages(client, outsider):
    assert client.get(reverse("governance:proposals")).status_code == 302
    client.force_login(outsider)
    assert client.get(reverse("governance:proposals")).status_code == 403
    assert client.get(reverse("governance:new_proposal")).status_code == 403


@pytest.mark.django_db(transaction=True)
def test_concurrent_votes_each_get_their_own_link_in_the_audit_chain(make_member):
    """Votes cast at the same moment by different members, each in its own transaction (as in separate workers):
    every one is recorded and the chain stays one unbroken line (the appenders take turns on the chain's head)."""
    from coop.core.models import AuditEntry, verify_chain

    board = make_member(roles=[BOARD])
    proposal = services.create_proposal(board.user, title="Race for the head", decision_tool="proposal")
    voters = [make_member() for _ in range(6)]
    before = AuditEntry.objects.count()
    barrier = threading.Barrier(len(voters))
    errors = []

    def vote(member):
        try:
            barrier.wait()
            services.cast_vote(member.user, proposal, "for")
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=vote, args=(m,)) for m in voters]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Vote.objects.filter(proposal=proposal).count() == len(voters)
    assert AuditEntry.objects.count() == before + len(voters)
    assert list(AuditEntry.objects.order_by("seq").values_list("seq", flat=True)) == list(range(1, before + len(voters) + 1))
    assert verify_chain()
