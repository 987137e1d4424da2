"""The busiest pages stay correct while they are cheap: cached parts change as soon as the database does
(whichever worker changed it), and the number of queries per page does not grow with the data.

Caches here live in each worker's memory and are keyed by state read from the database on every
request, so "another worker changed it" is simply: the database changed and this process's cache did not
hear about it. No timings here (performance is measured in coopkit's bench/bench_platform.py).
"""
import re
from contextlib import contextmanager

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.db.models import Count, Max, Q
from django.urls import reverse
from django.utils import timezone

from coop.core import models as audit
from coop.core.roles import BOARD, has_role
from coop.governance import services
from coop.governance.models import Proposal, ProposalResult
from coop.governance.views import list_state

pytestmark = pytest.mark.django_db


@contextmanager
def counted():
    """Every SQL statement the block runs (savepoints and transaction statements included)."""
    statements = []

    def wrapper(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield statements


@pytest.fixture
def board(make_member):
    return make_member(roles=[BOARD])


def without_csrf(html):
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


def page(client, name, *args):
    response = client.get(reverse(name, args=args))
    assert response.status_code == 200
    return response.content.decode()


def test_a_new_proposal_shows_at_once_in_a_cached_list(board, make_member, client):
    services.create_proposal(board.user, title="Buy cargo bikes")
    client.force_login(make_member().user)
    assert "Buy cargo bikes" in page(client, "governance:proposals")  # the rows are now cached
    services.create_proposal(board.user, title="Open a second depot")  # as another worker would: database only
    listed = page(client, "governance:proposals")
    assert "Open a second depot" in listed and "Buy cargo bikes" in listed


def test_seconding_and_a_declared_result_show_at_once(make_member, client, rules, open_proposal, board):
    rules("governance", member_proposals_need_seconder=True)
    proposer, seconder = make_member(), make_member()
    proposal = services.create_proposal(proposer.user, title="Weekly stand-up")
    client.force_login(seconder.user)
    assert "waiting for a seconder" in page(client, "governance:proposals")
    services.second(proposal, seconder.user)
    listed = page(client, "governance:proposals")
    assert "waiting for a seconder" not in listed and "voting until" in listed
    # voting has closed on another proposal: the list view declares its result and shows it
    closed = open_proposal(board.user, title="Closed yesterday", days_open=10, days_left=-1)
    listed = page(client, "governance:proposals")
    assert ProposalResult.objects.filter(proposal=closed).exists()
    assert "Closed yesterday</a> · Ordinary resolution ·\n  not passed" in listed


def test_the_list_state_matches_the_orm(board, make_member, open_proposal, rules):
    rules("governance", member_proposals_need_seconder=True)
    services.create_proposal(board.user, title="Open now")
    services.create_proposal(make_member().user, title="Awaiting a seconder")
    open_proposal(board.user, title="Due", days_open=10, days_left=-1)
    decided = open_proposal(board.user, title="Decided", days_open=10, days_left=-2)
    services.close(decided)
    now = timezone.now()
    expected = Proposal.objects.aggregate(n=Count("id"), last=Max("id"), opened=Count("opens_at"), decided=Count("result"),
                                          due=Count("id", filter=Q(closes_at__lte=now, result__isnull=True)))
    state = list_state(now)
    assert state.pop("others") == "0-0-0-0"  # no meetings, no board decisions
    assert state == expected
    assert expected == {"n": 4, "last": decided.pk, "opened": 3, "decided": 1, "due": 1}


def test_meetings_and_board_decisions_show_at_once_in_the_cached_page(board, make_member, client):
    client.force_login(make_member().user)
    assert "None yet." in page(client, "governance:proposals")  # meetings and decisions, now cached
    when = timezone.now() + timezone.timedelta(days=30)
    meeting = services.call_meeting(board.user, kind="egm", title="Extraordinary meeting", scheduled_for=when,
                                    location="The depot", agenda="1. Bikes")
    services.record_board_decision(board.user, title="Hire a mechanic", text="Two days a week.", votes_for=3)
    listed = page(client, "governance:proposals")
    assert "Extraordinary meeting" in listed and "Hire a mechanic" in listed
    meeting.title = "Extraordinary meeting on bikes"  # as the admin edits it
    meeting.save()
    assert "Extraordinary meeting on bikes" in page(client, "governance:proposals")


def test_the_header_follows_a_role_change_made_elsewhere(make_member, client):
    member = make_member()
    client.force_login(member.user)
    register = reverse("members:register")
    assert register not in page(client, "governance:proposals")  # the header is cached for a plain member
    member.user.groups.add(Group.objects.get_or_create(name=BOARD)[0])
    assert register in page(client, "governance:proposals")
    member.user.groups.clear()
    assert register not in page(client, "governance:proposals")


def test_a_role_granted_to_the_same_user_object_counts_at_once(make_member):
    member = make_member()
    user = member.user
    assert not has_role(user, BOARD)  # remembered on this object...
    user.groups.add(Group.objects.get_or_create(name=BOARD)[0])
    assert has_role(user, BOARD)  # ...and forgotten when its groups change
    user.groups.remove(Group.objects.get(name=BOARD))
    assert not has_role(user, BOARD)


def test_queries_per_page_do_not_grow_with_the_data(board, make_member, client):
    """Ceilings, so a change that adds a query per row (or per request) is caught."""
    voter = make_member()
    client.force_login(voter.user)
    proposals = [services.create_proposal(board.user, title=f"Proposal {n}") for n in range(3)]
    page(client, "governance:proposals")
    page(client, "governance:audit")
    with counted() as few:
        page(client, "governance:proposals")
    for n in range(60):  # more than a page
        services.create_proposal(board.user, title=f"More {n}")
        audit.record("test.filler", None, n=n)
    page(client, "governance:audit")  # verifies the new entries once
    with counted() as rows_rendered:
        listed = page(client, "governance:proposals")  # the list changed: its rows are read again, once
    assert "More 59" in listed and 'rel="next"' in listed
    with counted() as many:
        assert without_csrf(page(client, "governance:proposals")) == without_csrf(listed)  # the same page
    # session, user with membership, the page's state, roles; rows, meetings and decisions come from the cache
    assert len(many) == len(few) <= 4, many
    assert len(rows_rendered) == len(many) + 1, rows_rendered

    with counted() as audit_page:
        assert "The chain of records is intact" in page(client, "governance:audit")
    # session, user with membership, verified head, anchor and new entries, count and head, roles
    assert len(audit_page) <= 6, audit_page

    with counted() as vote:
        response = client.post(reverse("governance:proposal", args=[proposals[0].pk]), {"choice": "for"})
    assert response.status_code == 302 and proposals[0].votes.filter(member=voter).exists()
    # session, user with membership, proposal; then in one transaction (savepoints in a test): the vote, the chain's
    # head, its new entry
    assert len(vote) <= 10, vote


def test_sqlite_runs_in_wal_mode_and_syncs_every_commit():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
        cursor.execute("PRAGMA synchronous")
        assert cursor.fetchone()[0] == 2  # FULL: a recorded vote survives a power cut


def test_a_vote_fingerprinted_without_reading_it_back_matches_the_database(board, make_member, rules):
    """cast_vote fingerprints the vote as saved (no query); it must equal the fingerprint read back, for every
    ballot, or `verify_audit` would report an untouched vote as changed."""
    from coop.core import integrity
    from coop.core.models import AuditEntry

    rules("governance", decision_method="consent")
    options = ["Cargo bikes", "E-bikes", "Trailers"]
    ballots = [("proposal", {"choice": "against"}), ("consent", {"choice": "block"}), ("poll", {"choice": "2"}),
               ("dot", {"ranking": [4, 0, 6]}), ("ranked", {"ranking": [2, 0]})]
    for secret in (False, True):
        for tool, ballot in ballots:
            proposal = services.create_proposal(board.user, title=f"{tool} {secret}", decision_tool=tool, secret=secret,
                                                options=options if tool in ("poll", "dot", "ranked") else ())
            vote = services.cast_vote(make_member().user, proposal, **ballot)
            entry = AuditEntry.objects.get(ref=audit.ref_of(vote))
            assert entry.digest == integrity.digest_of(vote) == integrity.digest_of(vote, read_back=False)
    assert integrity.verify_all().intact


def test_a_login_reads_the_membership_with_the_user_and_older_sessions_stay_valid(make_member, client):
    from django.contrib.auth import BACKEND_SESSION_KEY

    member = make_member()
    assert client.post(reverse("login"), {"username": member.user.email, "password": "pw-for-tests-123"}).status_code == 302
    assert client.session[BACKEND_SESSION_KEY] == "coop.core.backends.MemberBackend"
    with counted() as statements:
        assert "Log out" in page(client, "governance:proposals")
    assert not any('FROM "members_member"' in sql for sql in statements)  # read with the user, in one query
    member.user.is_active = False
    member.user.save()
    assert client.get(reverse("governance:proposals")).status_code == 302  # an inactive user is logged out
    member.user.is_active = True
    member.user.save()
    session = client.session
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"  # a login from before this backend
    session.save()
    assert "Log out" in page(client, "governance:proposals")


def test_sessions_are_read_with_plain_sql_and_end_everywhere_at_sign_out(make_member, client):
    from django.contrib.sessions.models import Session

    member = make_member()
    client.force_login(member.user)
    key = client.cookies["sessionid"].value
    with counted() as statements:
        assert "Log out" in page(client, "governance:proposals")
    assert 'FROM "django_session" WHERE "session_key"' in statements[0]
    Session.objects.filter(session_key=key).update(expire_date=timezone.now())  # expired
    assert client.get(reverse("governance:proposals")).status_code == 302
    client.force_login(member.user)
    key = client.cookies["sessionid"].value
    other = type(client)()  # another browser (or worker) holding the same session cookie
    other.cookies["sessionid"] = key
    assert other.get(reverse("governance:proposals")).status_code == 200
    client.post(reverse("logout"))
    assert not Session.objects.filter(session_key=key).exists()
    assert other.get(reverse("governance:proposals")).status_code == 302  # signed out there too


def test_the_signed_in_user_and_membership_equal_what_the_orm_loads(make_member, outsider):
    from django.contrib.auth import get_user_model
    from django.core.exceptions import ObjectDoesNotExist

    from coop.core.backends import user_with_member
    from coop.members.models import Member

    member = make_member(name="Zoë Example")
    Member.objects.filter(pk=member.pk).update(ceased_on=timezone.localdate(), address="1 Rua\nRio")
    users = get_user_model()
    for user_id in (member.user.pk, outsider.pk):
        expected = users.objects.select_related("member").get(pk=user_id)
        with counted() as statements:
            loaded = user_with_member(user_id)
        assert len(statements) == 1
        fields = [f.attname for f in users._meta.concrete_fields]
        assert [getattr(loaded, f) for f in fields] == [getattr(expected, f) for f in fields]
        assert not loaded._state.adding and loaded._state.db == expected._state.db
        try:
            expected_member = expected.member
        except ObjectDoesNotExist:
            with counted() as statements, pytest.raises(ObjectDoesNotExist):
                loaded.member  # noqa: B018  (known absent: no query)
            assert statements == []
            continue
        with counted() as statements:
            loaded_member = loaded.member
        assert statements == []
        fields = [f.attname for f in Member._meta.concrete_fields]
        assert [getattr(loaded_member, f) for f in fields] == [getattr(expected_member, f) for f in fields]
        assert loaded_member.user is loaded and loaded_member.ceased_on == timezone.localdate()
    assert user_with_member(10**9) is None


def test_a_new_audit_entry_shows_at_once_in_the_cached_table(make_member, client):
    client.force_login(make_member().user)
    assert "shares.subscribed" in page(client, "governance:audit")  # the table is now cached
    audit.record("test.appended", None)  # by another worker: database only
    listed = page(client, "governance:audit")
    assert "<td>test.appended</td>" in listed and "The chain of records is intact" in listed


def test_a_proposal_read_with_its_result_equals_what_the_orm_loads(board, make_member, open_proposal):
    from coop.core import rows

    decided = open_proposal(board.user, title="Decided", days_open=10, days_left=-1)
    services.close(decided)
    pending = services.create_proposal(board.user, title="Still open", decision_tool="poll", options=["A", "B"])
    for proposal in (decided, pending):
        expected = Proposal.objects.select_related("result").get(pk=proposal.pk)
        with counted() as statements:
            loaded, extra = rows.with_reverse_one(Proposal, "result", proposal.pk)
        assert len(statements) == 1 and extra == []
        fields = [f.attname for f in Proposal._meta.concrete_fields]
        assert [getattr(loaded, f) for f in fields] == [getattr(expected, f) for f in fields]
        assert not loaded._state.adding and loaded._state.db == expected._state.db
        with counted() as statements:
            assert loaded.is_open() == expected.is_open()
            result = getattr(loaded, "result", None)
        assert statements == []  # the result (or its absence) came with the proposal
        if result is None:
            assert not hasattr(expected, "result")
            continue
        fields = [f.attname for f in ProposalResult._meta.concrete_fields]
        assert [getattr(result, f) for f in fields] == [getattr(expected.result, f) for f in fields]
        assert result.proposal is loaded
    assert rows.with_reverse_one(Proposal, "result", 10**9) == (None, [])


def test_the_signed_in_user_comes_with_the_names_of_its_groups(make_member):
    from coop.core.backends import user_with_member
    from coop.core.roles import SECRETARY, group_names

    plain, both = make_member(), make_member(roles=[BOARD, SECRETARY])
    for member, names in ((plain, set()), (both, {BOARD, SECRETARY})):
        with counted() as statements:
            user = user_with_member(member.user.pk)
            assert group_names(user) == names and user.member == member
        assert len(statements) == 1, statements


def test_rows_written_by_the_fast_insert_equal_what_the_orm_writes(board, make_member, open_proposal):
    """Votes and audit entries are inserted with SQL compiled once per connection: the same columns, defaults,
    auto_now_add and primary key as Model.save(), and its signals."""
    from django.db.models.signals import post_save, pre_save

    from coop.core import rows
    from coop.core.models import AuditEntry
    from coop.governance.models import Vote

    proposal = open_proposal(board.user, tool="ranked", options=["A", "B", "C"])
    first, second = make_member(), make_member()
    seen = []

    def receiver(sender, instance, **kwargs):
        seen.append((kwargs["signal"], sender, instance.pk, kwargs.get("created")))

    for signal in (pre_save, post_save):
        signal.connect(receiver, sender=Vote)
    try:
        fast = rows.insert(Vote(proposal=proposal, member=first, member_class="worker", ranking=[2, 0]))
    finally:
        for signal in (pre_save, post_save):
            signal.disconnect(receiver, sender=Vote)
    assert seen == [(pre_save, Vote, None, None), (post_save, Vote, fast.pk, True)]
    orm = Vote.objects.create(proposal=proposal, member=second, member_class="worker", ranking=[2, 0])
    assert fast.pk and fast.pk != orm.pk and not fast._state.adding and fast._state.db == "default"
    assert fast.cast_at is not None and len(fast.salt) == 32
    stored = Vote.objects.values().get(pk=fast.pk)
    assert stored == {f.attname: getattr(fast, f.attname) for f in Vote._meta.concrete_fields}
    assert Vote.objects.values("choice", "ranking", "member_class").get(pk=orm.pk) == {
        k: stored[k] for k in ("choice", "ranking", "member_class")}
    entry = audit.record("test.fast", board.user, fast, note="ünïcode", amount="1.50", items=[1, {"a": None}])
    assert AuditEntry.objects.get(pk=entry.pk).hash == entry.hash == entry.compute_hash()
    assert AuditEntry.objects.values().get(pk=entry.pk) == {f.attname: getattr(entry, f.attname)
                                                           for f in AuditEntry._meta.concrete_fields}
    assert audit.verify_chain()


def test_a_kept_page_carries_each_requests_own_csrf_token_and_shows_a_message_once(board, make_member):
    from django.test import Client

    services.create_proposal(board.user, title="Buy cargo bikes")
    voter = make_member()
    client = Client(enforce_csrf_checks=True)
    client.force_login(voter.user)
    first = page(client, "governance:proposals")  # rendered and kept
    with counted() as statements:
        second = page(client, "governance:proposals")  # the kept page
    assert not any("governance_proposal" in sql and "LIMIT" in sql for sql in statements)  # no rows read
    assert without_csrf(first) == without_csrf(second)
    tokens = re.findall(r'name="csrfmiddlewaretoken" value="([^"]*)"', second)
    assert tokens and "csrf" not in tokens[0] and tokens[0] not in first  # this request's own, masked afresh
    proposal = Proposal.objects.get(title="Buy cargo bikes")
    response = client.post(reverse("governance:proposal", args=[proposal.pk]), {"choice": "for", "csrfmiddlewaretoken": tokens[0]})
    assert response.status_code == 302 and proposal.votes.count() == 1
    assert "Your vote was recorded." in page(client, "governance:proposals")  # a message: this request's page
    assert "Your vote was recorded." not in page(client, "governance:proposals")  # shown once
    assert client.post(reverse("logout"), {"csrfmiddlewaretoken": tokens[0]}).status_code == 302
    assert client.get(reverse("governance:proposals")).status_code == 302  # signed out with the kept page's token


def test_a_session_and_its_user_are_read_in_one_statement_and_stay_current(make_member, client):
    from coop.core import sessions

    member, other = make_member(), make_member()
    client.force_login(member.user)
    key = client.cookies["sessionid"].value
    page(client, "governance:proposals")  # this worker now knows whose session it is
    with counted() as statements:
        assert "Log out" in page(client, "governance:proposals")
    assert 'FROM "django_session" s LEFT JOIN' in statements[0] and len(statements) == 2, statements  # and the page's state
    # a wrong guess of whose session it is never signs anyone in as that user: the session's own data decides
    sessions._USER_OF[key] = str(other.user.pk)
    response = client.get(reverse("members:me"))
    assert response.status_code == 200 and response.wsgi_request.user.pk == member.user.pk
    assert sessions._USER_OF[key] == str(member.user.pk)
    # the user's row is read afresh each time: deactivated or with a new password elsewhere, the session ends
    type(member.user).objects.filter(pk=member.user.pk).update(is_active=False)
    assert client.get(reverse("governance:proposals")).status_code == 302
    type(member.user).objects.filter(pk=member.user.pk).update(is_active=True)
    client.force_login(member.user)
    page(client, "governance:proposals")
    changed = type(member.user).objects.get(pk=member.user.pk)
    changed.set_password("another-long-pass-phrase")
    changed.save()
    assert client.get(reverse("governance:proposals")).status_code == 302


def test_a_session_read_again_unchanged_is_not_decoded_again_and_changes_are_seen(make_member, client, monkeypatch):
    from django.contrib.auth import SESSION_KEY
    from django.contrib.sessions.models import Session

    from coop.core import sessions

    member = make_member()
    client.force_login(member.user)
    key = client.cookies["sessionid"].value
    page(client, "governance:proposals")
    decoded = []
    decode = sessions.SessionStore.decode
    monkeypatch.setattr(sessions.SessionStore, "decode", lambda self, data: decoded.append(data) or decode(self, data))
    store = sessions.SessionStore(key)
    assert store[SESSION_KEY] == str(member.user.pk) and decoded == []  # this worker decoded that text before
    store["note"] = "kept"  # changed: stored as a new text
    store.save()
    again = sessions.SessionStore(key)
    assert again["note"] == "kept" and len(decoded) == 1
    again["note"] = "changed in this request only"  # a copy: the next read is not affected
    assert sessions.SessionStore(key)["note"] == "kept" and len(decoded) == 1
    # a tampered stored text is checked as always (and not taken for the text it was made from)
    stored = Session.objects.get(session_key=key).session_data
    Session.objects.filter(session_key=key).update(session_data=stored[:-2] + ("AA" if stored[-2:] != "AA" else "BB"))
    assert SESSION_KEY not in sessions.SessionStore(key).load()
    # data holding more than plain values (a list) is decoded each time: a copy would share the list
    store = sessions.SessionStore(key)
    store.update({"note": ["a"], SESSION_KEY: str(member.user.pk)})
    store.save()
    before = len(decoded)
    sessions.SessionStore(key).load()
    sessions.SessionStore(key).load()
    assert len(decoded) == before + 2


def test_on_postgresql_an_append_takes_the_chain_lock_and_reads_the_head_in_one_round_trip(board):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    from django.db import transaction

    with transaction.atomic():
        head = audit.AuditEntry.objects.order_by("-seq").first()
        with counted() as statements:
            entry = audit.record("test.locked", board.user, note="one round trip")
        assert [sql for sql in statements if "core_auditentry" in sql and "pg_advisory_xact_lock" in sql], statements
        assert not [sql for sql in statements if "pg_advisory_xact_lock" in sql and "core_auditentry" not in sql]
        with connection.cursor() as cursor:  # held until the transaction ends
            cursor.execute("SELECT objid FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid() AND granted")
            assert cursor.fetchall()
    assert entry.seq == head.seq + 1 and entry.prev_hash == head.hash
    assert audit.verify_chain()
