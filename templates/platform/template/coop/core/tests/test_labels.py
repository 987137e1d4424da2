"""Pages name things as members read them (a class's label, a fund's name, in the page's language),
never by an internal id such as "worker" or "reserve"."""
from decimal import Decimal

import pytest
from django.urls import reverse

from coop import profile
from coop.core.roles import BOARD, SECRETARY
from coop.ledger import services as ledger
from coop.members import services as members

pytestmark = pytest.mark.django_db


def test_the_register_shows_an_applications_class_by_its_label(make_member, client, outsider):
    first_class = profile.current().rules["member_classes"][0]
    members.apply(outsider, name="Ada Applicant", email="ada@example.org", address="1 Road",
                  member_class=first_class["id"], shares=first_class.get("min_shares") or 1, statement="")
    client.force_login(make_member(roles=[SECRETARY]).user)
    page = client.get(reverse("members:register")).content.decode()
    assert f"<strong>Ada Applicant</strong> · {first_class['label']} ·" in page


def test_the_allocation_page_names_each_fund(make_member, client, settings):
    board = make_member(roles=[BOARD])
    allocation = ledger.prepare_allocation(board.user, 2025, Decimal("1000.00"))
    client.force_login(board.user)
    page = client.get(reverse("ledger:allocation", args=[allocation.pk])).content.decode()
    english = {"reserve": "Reserve fund", "education": "Education and training fund", "community": "Community fund"}
    spanish = {"reserve": "Fondo de reserva", "education": "Fondo de educación y formación", "community": "Fondo comunitario"}
    funds = [line.kind for line in allocation.lines.all() if line.kind in english]
    assert funds, "the rules put some of the surplus in a fund"
    for kind in funds:
        assert f"<td>{english[kind]}</td>" in page and f"<td>{kind}</td>" not in page
    settings.LANGUAGES = [("en", "English"), ("es", "Español")]
    page = client.get(reverse("ledger:allocation", args=[allocation.pk]), headers={"accept-language": "es"}).content.decode()
    assert all(f"<td>{spanish[kind]}</td>" in page for kind in funds)


@pytest.mark.parametrize("tool, options, ballots, shown", [
    ("proposal", [], [("for", None)], "Vera Voter: For"),
    ("consent", [], [("block", None)], "Vera Voter: Object (block)"),
    ("poll", ["Red bikes", "Blue bikes"], [("1", None)], "Vera Voter: Blue bikes"),
    ("dot", ["Red bikes", "Blue bikes"], [(None, [2, 1])], "Vera Voter: Red bikes: 2, Blue bikes: 1"),
    ("ranked", ["Red bikes", "Blue bikes"], [(None, [1, 0])], "Vera Voter: Blue bikes &gt; Red bikes"),
])
def test_an_open_ballot_shows_who_voted_what_in_words(tool, options, ballots, shown, make_member, client):
    from coop.governance import services as governance

    board = make_member(roles=[BOARD])
    proposal = governance.create_proposal(board.user, title="Bikes", decision_tool=tool, options=options)
    voter = make_member(name="Vera Voter")
    for choice, ranking in ballots:
        governance.cast_vote(voter.user, proposal, choice, ranking=ranking)
    governance.close(proposal, now=proposal.closes_at)
    client.force_login(voter.user)
    page = client.get(reverse("governance:proposal", args=[proposal.pk])).content.decode()
    assert "Who voted what" in page and shown in page
