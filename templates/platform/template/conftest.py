"""Shared fixtures: members with roles, and a way to change the governance numbers in a test."""
import copy
import dataclasses

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from coop import profile as coop_profile
from coop.members.models import Member, ShareSubscription


@pytest.fixture
def make_member(db):
    counter = {"n": 0}

    def make(name=None, member_class=None, roles=(), shares=1):
        counter["n"] += 1
        n = counter["n"]
        current = coop_profile.current()
        member_class = member_class or next(c.id for c in current.member_classes if c.voting)
        user = get_user_model().objects.create_user(f"user{n}", f"user{n}@example.org", "pw-for-tests-123")
        for role in roles:
            user.groups.add(Group.objects.get_or_create(name=role)[0])
        member = Member.objects.create(
            user=user, name=name or f"Member {n}", email=user.email, address=f"{n} Test Street",
            member_class=member_class, admitted_on=timezone.localdate() - timezone.timedelta(days=30),
        )
        price = current.member_class(member_class).share_price
        ShareSubscription.objects.create(member=member, shares=shares, unit_price=price, amount=price * shares,
                                         subscribed_on=member.admitted_on, paid_on=member.admitted_on)
        return member

    return make


@pytest.fixture
def outsider(db):
    return get_user_model().objects.create_user("outsider", "outsider@example.org", "pw-for-tests-123")


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
