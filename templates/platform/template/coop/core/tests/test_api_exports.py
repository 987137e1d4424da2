"""The JSON API (token auth, OpenAPI docs), data export (CSV/JSON) and personal data (export, erasure)."""
import csv
import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from coop.core.models import ApiToken
from coop.core.roles import BOARD, SECRETARY
from coop.governance import services
from coop.governance.models import Vote
from coop.members import services as members

pytestmark = pytest.mark.django_db


@pytest.fixture
def board(make_member):
    return make_member(roles=[BOARD])


def bearer(user):
    return {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(user)}"}


def test_the_api_needs_a_members_token(client, outsider, make_member):
    assert client.get("/api/proposals").status_code == 401
    assert client.get("/api/proposals", HTTP_AUTHORIZATION="Bearer nonsense").status_code == 401
    assert client.get("/api/proposals", **bearer(outsider)).status_code == 401  # not a member
    assert client.get("/api/proposals", **bearer(make_member().user)).status_code == 200
    assert not ApiToken.objects.filter(key_hash__in=["nonsense"]).exists()


def test_members_proposals_votes_and_ledger_through_the_api(client, board, make_member):
    proposal = services.create_proposal(board.user, title="Via the API", decision_tool="proposal")
    voter = make_member(name="Api Voter")
    auth = bearer(voter.user)
    members_page = client.get("/api/members?limit=2", **auth).json()
    assert members_page["count"] >= 2 and len(members_page["items"]) == 2
    listed = client.get("/api/proposals", **auth).json()["items"]
    assert listed[0]["title"] == "Via the API" and listed[0]["is_open"]
    response = client.post(f"/api/proposals/{proposal.pk}/vote", json.dumps({"choice": "for"}),
                           content_type="application/json", **auth)
    assert response.status_code == 201 and Vote.objects.get(member=voter).choice == "for"
    again = client.post(f"/api/proposals/{proposal.pk}/vote", json.dumps({"choice": "against"}),
                        content_type="application/json", **auth)
    assert again.status_code == 400 and "already voted" in again.json()["detail"]
    assert client.get("/api/ledger", **auth).json() == {"patronage": [], "allocations": []}


def test_openapi_docs(client):
    schema = client.get("/api/openapi.json").json()
    assert "/api/proposals/{proposal_id}/vote" in schema["paths"]
    assert client.get("/api/docs").status_code == 200


def test_create_api_token_command(make_member, capsys, client):
    member = make_member()
    call_command("create_api_token", member.user.email)
    token = capsys.readouterr().out.strip()
    assert client.get("/api/proposals", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200


def test_exports_as_csv_and_json(client, board, make_member):
    services.create_proposal(board.user, title="=HYPERLINK(1)", decision_tool="proposal")
    member = make_member()
    client.force_login(member.user)
    rows = list(csv.DictReader(io.StringIO(client.get(reverse("export", args=["proposals", "csv"])).content.decode())))
    assert rows[0]["title"] == "'=HYPERLINK(1)"  # never a formula in a spreadsheet
    assert json.loads(client.get(reverse("export", args=["proposals", "json"])).content)[0]["title"] == "=HYPERLINK(1)"
    assert client.get(reverse("export", args=["register", "csv"])).status_code == 404  # the register is the board's
    client.force_login(board.user)
    assert client.get(reverse("export", args=["register", "json"])).status_code == 200
    client.logout()
    assert client.get(reverse("export", args=["proposals", "csv"])).status_code == 302


def test_personal_data_export_and_erasure(client, make_member):
    secretary = make_member(roles=[SECRETARY])
    leaver = make_member(name="Lee Leaver")
    client.force_login(leaver.user)
    data = json.loads(client.get(reverse("members:my_data")).content)
    assert data["member"]["name"] == "Lee Leaver" and data["share_subscriptions"]
    with pytest.raises(Exception, match="End the membership first"):
        members.erase_personal_data(leaver, secretary.user)
    members.process_withdrawal(leaver, secretary.user)
    client.force_login(secretary.user)
    client.post(reverse("members:erase", args=[leaver.pk]))
    leaver.refresh_from_db()
    leaver.user.refresh_from_db()
    assert "Lee" not in leaver.name and leaver.address == "" and not leaver.user.is_active
    register = client.get(reverse("members:register")).content.decode()
    assert "Lee Leaver" not in register and f"Former member {leaver.pk}" in register
    assert leaver.shares_held == 0 and leaver.ceased_on  # the register keeps what the law requires


def test_a_member_creates_a_token_on_their_page(client, make_member):
    member = make_member()
    client.force_login(member.user)
    assert b"Create a token for the JSON API" in client.get(reverse("members:me")).content
    page = client.post(reverse("members:api_token")).content.decode()
    key = page.split("Bearer ", 1)[1].split("`", 1)[0].split("<", 1)[0].strip()
    client.logout()
    assert client.get("/api/proposals", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 200
