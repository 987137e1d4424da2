"""Shared fixtures: members with roles, and a way to change the governance numbers in a test."""
import copy
import dataclasses

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from coop import profile as coop_profile
from coop.core import models as audit
from coop.members.models import Member, ShareSubscription


@pytest.fixture
def make_member(db):
    counter = {"n": 0}

    def make(name=None, member_class=None, roles=(), shares=1):
        counter["n"] += 1
        n = counter["n"]
        current = coop_profile.current()
        member_class = member_class or next(c.id for c in current.member_classes if c.voting)
        user = get_user_model().objects.create_user(f"user{n}@example.org", "pw-for-tests-123")
        for role in roles:
            user.groups.add(Group.objects.get_or_create(name=role)[0])
        member = Member.objects.create(
            user=user, name=name or f"Member {n}", email=user.email, address=f"{n} Test Street",
            member_class=member_class, admitted_on=timezone.localdate() - timezone.timedelta(days=30),
        )
        price = current.member_class(member_class).share_price
        subscription = ShareSubscription.objects.create(member=member, shares=shares, unit_price=price, amount=price * shares,
                                                        subscribed_on=member.admitted_on, paid_on=member.admitted_on)
        audit.record("shares.subscribed", None, subscription, member=member.pk)
        return member

    return make


@pytest.fixture
def outsider(db):
    return get_user_model().objects.create_user("outsider@example.org", "pw-for-tests-123")


@pytest.fixture
def rules(monkeypatch):
    """rules(section, **values) changes governance.yml's numbers for this test only."""
    current = coop_profile.current()
    changed = copy.deepcopy(current.rules)

    def change(section, **values):
        changed[section].update(values)
        monkeypatch.setattr(coop_profile, "current", lambda: dataclasses.replace(current, rules=changed))
        return changed

    return change


@pytest.fixture(autouse=True)
def checkpoint_file(settings, tmp_path):
    """Each test writes its audit checkpoints to its own file."""
    settings.COOP_CHECKPOINT_FILE = str(tmp_path / "checkpoints.jsonl")
    return tmp_path / "checkpoints.jsonl"


@pytest.fixture
def open_proposal(db):
    """A proposal whose voting window is already running (made as the database would hold it)."""
    from coop.governance import services
    from coop.governance.models import Proposal

    def make(by, title="A proposal", kind="ordinary", tool="proposal", options=(), days_open=1, days_left=6, **extra):
        now = timezone.now()
        proposal = Proposal.objects.create(
            title=title, kind=kind, decision_tool=tool, options=list(options), created_by=by,
            opens_at=now - timezone.timedelta(days=days_open), closes_at=now + timezone.timedelta(days=days_left),
            rules=services.rules_snapshot(), **extra)
        audit.record("proposal.created", by, proposal, proposal=proposal.pk)
        return proposal

    return make


@pytest.fixture
def without_db_guards(db):
    """Drop the database triggers for this test only (DDL is rolled back with the test's transaction), as
    someone with raw access to the database could: what is left must still catch the tampering."""
    import importlib

    from django.db import connection

    triggers = importlib.import_module("coop.governance.migrations.0003_integrity_triggers")
    make = triggers.VENDORS.get(connection.vendor)
    if make:
        with connection.cursor() as cursor:
            for sql in make()[1]:
                cursor.execute(sql)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Cached page fragments are keyed by database state; each test starts with an empty cache."""
    from django.core.cache import cache

    cache.clear()
