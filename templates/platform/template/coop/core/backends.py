"""Logging in with the email address and password, as Django's ModelBackend does, reading the person's
membership in the same query as the user: every member page needs both.

The query is plain SQL (what `select_related("member").get(pk=...)` sends, joined with the user's groups,
which every page's header asks for), its values converted by the same database and field converters the ORM
uses (coop/core/rows.py): it runs on every signed-in request, and the ORM takes several times longer to build
it than the database takes to answer. coop/governance/tests/test_fast_paths.py checks the objects equal the
ORM's, field by field.
"""
from functools import lru_cache

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db import connection

from . import rows
from .roles import groups_join, remember_group_names


@lru_cache(maxsize=None)
def _groups_join(vendor):
    """The join with the user's groups, for this kind of database (only its quoting differs)."""
    return groups_join("t")


def user_with_member(user_id):
    """The user (or None) with `user.member` already loaded (or known to be absent) and the names of the user's
    groups remembered on it (roles.group_names), in one query."""
    joins, name = _groups_join(connection.vendor)
    user, groups = rows.with_reverse_one(get_user_model(), "member", user_id, extra_joins=joins, extra_columns=[name])
    if user is not None:
        remember_group_names(user, [group for (group,) in groups if group is not None])
    return user


class MemberBackend(ModelBackend):
    def get_user(self, user_id):
        user = user_with_member(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
