"""Every tampering path is refused or detected: frozen proposals, append-only votes, the chain's
records, signed checkpoints outside the database (recomputed chain, deleted tail, forged file)."""
import json

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from coop.core import integrity
from coop.core import models as audit
from coop.core.models import AuditEntry
from coop.core.roles import BOARD
from coop.governance import services
from coop.governance.models import FrozenProposal, Proposal, Vote
from coop.ledger import services as ledger

pytestmark = pytest.mark.django_db


@pytest.fixture
def board(make_member):
    return make_member(roles=[BOARD])


@pytest.fixture
def voted(board, make_member):
    proposal = services.create_proposal(board.user, title="Buy cargo bikes", text="Two bikes.", decision_tool="proposal")
    voter = make_member()
    vote = services.cast_vote(voter.user, proposal, "against")
    return proposal, vote


def raw(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def problems():
    return integrity.verify_all().problems


def test_an_untouched_platform_verifies(voted):
    integrity.write_checkpoint()
    report = integrity.verify_all()
    assert report.intact, report.problems
    assert report.records >= 4 and report.checkpoints == 1


# --- proposals are frozen once voting opens ----------------------------------------------------


def test_an_open_proposal_cannot_be_edited_through_the_orm(voted):
    proposal, _vote = voted
    proposal.text = "Ten bikes."
    with pytest.raises(FrozenProposal):
        proposal.save()
    with pytest.raises(FrozenProposal):
        Proposal.objects.filter(pk=proposal.pk).update(kind="special")
    with pytest.raises(FrozenProposal):
        Proposal.objects.filter(pk=proposal.pk).update(rules={"quorum_percent": 1})
    assert Proposal.objects.get(pk=proposal.pk).text == "Two bikes."


def test_the_database_refuses_to_edit_an_open_proposal(voted):
    proposal, _vote = voted
    with pytest.raises(DatabaseError), transaction.atomic():
        raw("UPDATE governance_proposal SET text = %s WHERE id = %s", ["Ten bikes.", proposal.pk])
    with pytest.raises(DatabaseError), transaction.atomic():
        raw("UPDATE governance_proposal SET closes_at = %s WHERE id = %s", [timezone.now(), proposal.pk])
    assert Proposal.objects.get(pk=proposal.pk).text == "Two bikes."


def test_the_admin_shows_a_proposal_read_only(voted, admin_client):
    proposal, _vote = voted
    url = reverse("admin:governance_proposal_change", args=[proposal.pk])
    page = admin_client.get(url).content.decode()
    assert 'name="text"' not in page and "Two bikes." in page
    admin_client.post(url, {"title": "Changed", "text": "Ten bikes.", "kind": "special"})
    assert Proposal.objects.get(pk=proposal.pk).text == "Two bikes."
    assert admin_client.get(reverse("admin:governance_proposal_add")).status_code == 403


def test_a_proposal_changed_with_the_guards_dropped_is_detected(voted, without_db_guards):
    proposal, _vote = voted
    raw("UPDATE governance_proposal SET text = %s WHERE id = %s", ["Ten bikes.", proposal.pk])
    assert any(f"proposal {proposal.pk} was changed" in p for p in problems())


def test_the_thresholds_are_the_ones_in_force_when_voting_opened(board, make_member, rules):
    rules("governance", quorum_percent=50, ordinary_majority_percent=50)
    proposal = services.create_proposal(board.user, title="Snapshot", decision_tool="proposal")
    services.cast_vote(board.user, proposal, "for")
    services.cast_vote(make_member().user, proposal, "for")
    rules("governance", quorum_percent=100, ordinary_majority_percent=99)  # changed later: no effect on this vote
    result = services.close(proposal, now=proposal.closes_at)
    assert result.passed and result.rules["quorum_percent"] == 50


# --- votes, results and records --------------------------------------------------------------------


def test_a_vote_row_cannot_be_updated(voted):
    _proposal, vote = voted
    vote.choice = "for"
    with pytest.raises(PermissionDenied):
        vote.save()
    with pytest.raises(PermissionDenied):
        Vote.objects.filter(pk=vote.pk).update(choice="for")
    with pytest.raises(DatabaseError), transaction.atomic():
        raw("UPDATE governance_vote SET choice = 'for' WHERE id = %s", [vote.pk])
    assert Vote.objects.get(pk=vote.pk).choice == "against"


def test_a_vote_changed_with_the_guards_dropped_is_detected(voted, without_db_guards):
    _proposal, vote = voted
    assert not problems()
    raw("UPDATE governance_vote SET choice = 'for' WHERE id = %s", [vote.pk])
    assert any(f"vote {vote.pk} was changed" in p for p in problems())


def test_a_vote_slipped_in_behind_the_platform_is_detected(voted, make_member):
    proposal, _vote = voted
    intruder = make_member()
    Vote.objects.create(proposal=proposal, member=intruder, member_class=intruder.member_class, choice="for")
    assert any("is not in the audit chain" in p for p in problems())


def test_a_deleted_vote_is_detected(voted, without_db_guards):
    _proposal, vote = voted
    raw("DELETE FROM governance_vote WHERE id = %s", [vote.pk])
    assert any(f"vote {vote.pk} is in the audit chain but missing" in p for p in problems())


def test_patronage_and_shares_changed_in_the_database_are_detected(make_member, board):
    worker = make_member()
    record = ledger.report_hours(worker.user, date=timezone.localdate(), hours=5)
    ledger.review(record, board.user, approve=True)
    assert not problems()
    raw("UPDATE ledger_patronagerecord SET hours = 50 WHERE id = %s", [record.pk])
    raw("UPDATE members_sharesubscription SET shares = 99 WHERE member_id = %s", [worker.pk])
    found = problems()
    assert any(f"patronage record {record.pk} was changed" in p for p in found)
    assert any("share subscription" in p and "was changed" in p for p in found)


# --- the chain's head, anchored outside the database -------------------------------------------


def _entries(n):
    for i in range(n):
        audit.record("test.entry", None, n=i)


def test_a_deleted_tail_is_detected_by_the_checkpoint():
    _entries(6)
    integrity.write_checkpoint()
    raw("DELETE FROM core_auditentry WHERE seq > 4")
    assert audit.verify_chain()  # the shortened chain is still internally consistent...
    found = problems()
    assert any("#5 to #6 are missing" in p for p in found), found  # ...but the signed checkpoint says otherwise


def _recompute_from(seq, without_guards=True):
    """What an attacker with database access does: change an entry and recompute every hash after it."""
    entries = list(AuditEntry.objects.order_by("seq"))
    prev = entries[seq - 2].hash if seq > 1 else audit.GENESIS
    for entry in entries[seq - 1:]:
        if entry.seq == seq:
            entry.payload = {"n": "forged"}
        entry.prev_hash = prev
        entry.hash = entry.compute_hash()
        raw("UPDATE core_auditentry SET payload = %s, prev_hash = %s, hash = %s WHERE id = %s",
            [json.dumps(entry.payload), entry.prev_hash, entry.hash, entry.pk])
        prev = entry.hash


def test_a_recomputed_chain_is_detected_by_the_checkpoint(without_db_guards):
    _entries(5)
    integrity.write_checkpoint()
    _recompute_from(2)
    assert audit.verify_chain()  # internally consistent again
    found = problems()
    assert any("no longer matches the checkpoint" in p for p in found), found


def test_a_checkpoint_forged_without_the_key_is_detected(checkpoint_file, settings, without_db_guards):
    _entries(5)
    integrity.write_checkpoint()
    _recompute_from(2)
    head = AuditEntry.objects.order_by("-seq").first()
    settings.COOP_CHECKPOINT_KEY = "the attacker's guess"
    integrity.write_checkpoint()  # the attacker "re-signs" the rewritten head with a key they do not have
    settings.COOP_CHECKPOINT_KEY = "test-checkpoint-key"
    lines = checkpoint_file.read_text().splitlines()
    assert json.loads(lines[-1])["hash"] == head.hash
    found = problems()
    assert any("Checkpoint line 2: the signature does not match" in p for p in found)
    assert any("no longer matches the checkpoint" in p for p in found)


def test_verify_audit_command_exit_codes(voted, capsys):
    call_command("checkpoint_audit")
    call_command("verify_audit")
    assert "Intact:" in capsys.readouterr().out
    raw("DELETE FROM core_auditentry WHERE seq = (SELECT MAX(seq) FROM core_auditentry)")
    with pytest.raises(CommandError, match="tampered"):
        call_command("verify_audit")
    assert "missing" in capsys.readouterr().out


def test_each_result_writes_a_signed_checkpoint_and_minutes_pages_show_it(voted, board, client, checkpoint_file):
    proposal, _vote = voted
    services.close(proposal, now=proposal.closes_at)
    line = json.loads(checkpoint_file.read_text().splitlines()[-1])
    assert line["seq"] == AuditEntry.objects.order_by("-seq").first().seq
    from coop.governance.models import GeneralMeeting
    meeting = GeneralMeeting.objects.create(title="AGM", scheduled_for=timezone.now(), location="Depot", agenda="1.",
                                            called_by=board.user)
    client.force_login(board.user)
    page = client.get(reverse("governance:meeting", args=[meeting.pk])).content.decode()
    assert f"entry #{line['seq']}, hash {line['hash']}" in page


def test_the_audit_page_verifies_incrementally(voted, client, without_db_guards):
    proposal, vote = voted
    client.force_login(vote.member.user)
    page = client.get(reverse("governance:audit")).content.decode()
    head = AuditEntry.objects.order_by("-seq").first()
    assert f"verified up to entry #{head.seq}" in page
    audit.record("test.more", None)
    assert f"verified up to entry #{head.seq + 1}" in client.get(reverse("governance:audit")).content.decode()
    raw("UPDATE core_auditentry SET action = 'forged' WHERE seq = %s", [head.seq + 1])  # the verified head itself
    audit.record("test.after", None)
    assert "has been altered" in client.get(reverse("governance:audit")).content.decode()
