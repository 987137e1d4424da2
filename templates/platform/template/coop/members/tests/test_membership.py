import csv
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from coop import profile
from coop.core.roles import BOARD, SECRETARY
from coop.governance import services as governance
from coop.members import services
from coop.members.models import Application, Member

pytestmark = pytest.mark.django_db


def voting_class():
    return next(c for c in profile.current().member_classes if c.voting)


def an_application(user, shares=None):
    member_class = voting_class()
    return services.apply(user, name="Dana Applicant", email="dana@example.org", address="1 Road",
                          member_class=member_class.id, shares=shares or member_class.min_shares)


def test_board_admits_an_applicant(make_member, outsider, rules):
    rules("governance", admission_by="board")
    board = make_member(roles=[BOARD])
    application = an_application(outsider)
    member = services.admit(application, board.user)
    application.refresh_from_db()
    assert application.status == Application.ADMITTED
    assert member.user == outsider and member.is_active
    assert member.shares_held == voting_class().min_shares


def test_a_member_cannot_admit_members(make_member, outsider, client, rules):
    rules("governance", admission_by="board")
    plain = make_member()
    application = an_application(outsider)
    with pytest.raises(PermissionDenied):
        services.admit(application, plain.user)
    client.force_login(plain.user)
    assert client.post(reverse("members:decide", args=[application.pk, "admit"])).status_code == 403
    assert not Member.objects.filter(user=outsider).exists()


def test_general_meeting_admission_needs_a_passed_resolution(make_member, outsider, rules):
    rules("governance", admission_by="general_meeting", quorum_percent=50)
    secretary = make_member(roles=[SECRETARY])
    application = an_application(outsider)
    with pytest.raises(PermissionDenied):
        services.admit(application, secretary.user)
    proposal = services.propose_to_general_meeting(application, secretary.user)
    governance.cast_vote(secretary.user, proposal, "for")
    governance.close(proposal, now=proposal.closes_at)
    application.refresh_from_db()
    assert services.admit(application, secretary.user).is_active


def test_share_limits_are_enforced(outsider):
    with pytest.raises(ValidationError):
        an_application(outsider, shares=profile.current().max_shares_per_member + 1)


def test_register_and_csv_export(make_member, client):
    secretary = make_member(name="Zoë, \"Sec\" =1+1", roles=[SECRETARY])
    client.force_login(secretary.user)
    assert client.get(reverse("members:register")).status_code == 200
    response = client.get(reverse("members:register_csv"))
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["Number", "Name", "Address", "Class", "Shares held", "Date admitted", "Date ceased"]
    assert rows[1][1] == 'Zoë, "Sec" =1+1' and rows[1][4] == "1"


def test_register_is_closed_to_members_and_the_public(make_member, client):
    assert client.get(reverse("members:register_csv")).status_code == 302
    client.force_login(make_member().user)
    assert client.get(reverse("members:register_csv")).status_code == 403


def test_withdrawal_redeems_shares(make_member, client):
    leaver = make_member(shares=3)
    secretary = make_member(roles=[SECRETARY])
    client.force_login(leaver.user)
    client.post(reverse("members:withdraw"))
    leaver.refresh_from_db()
    assert leaver.withdrawal_requested_on
    with pytest.raises(PermissionDenied):
        services.process_withdrawal(leaver, leaver.user)
    services.process_withdrawal(leaver, secretary.user)
    leaver.refresh_from_db()
    assert leaver.ceased_on and leaver.shares_held == 0 and leaver.capital_paid == 0
    assert not leaver.can_vote


def test_apply_through_the_website(client):
    member_class = voting_class()
    response = client.post(reverse("members:apply"), {
        "name": "Web Applicant", "email": "web@example.org", "address": "2 Lane", "member_class": member_class.id,
        "shares": member_class.min_shares, "username": "webby", "password": "a-long-pass-phrase-42",
    })
    assert response.status_code == 302
    assert Application.objects.get().name == "Web Applicant"
