"""Logging in with the email address and password, as Django's ModelBackend does, reading the person's
membership in the same query as the user: every member page needs both.

The query is plain SQL (what `select_related("member").get(pk=...)` sends, joined with the user's groups,
which every page's header asks for), its values converted by the same database and field converters the ORM
uses (coop/core/rows.py): it runs on every signed-in request, and the ORM takes several times longer to build
it than the database takes to answer. coop/governance/tests/test_fast_paths.py checks the objects equal the
ORM's, field by field.

Once a worker has seen which user a session belongs to, the session store (coop/core/sessions.py) reads the
user's row in the same statement as the session's: get_user() below then takes that user (read in this
request, after the session's data was checked to name the same user) instead of querying again.
"""
import contextvars
from functools import cache

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db import connections, router

from . import rows
from .roles import groups_join, remember_group_names

#: (user id, user or None): the user read with this request's session, not yet taken by get_user().
_read_with_session: contextvars.ContextVar = contextvars.ContextVar("coop_user_read_with_session", default=None)


@cache
def _groups_join(vendor):
    """The join with the user's groups, for this kind of database (only its quoting differs)."""
    return groups_join("t")


def user_reading(conn):
    """How the user, membership and groups are read (rows.ReverseOne; the users table as `t`)."""
    joins, name = _groups_join(conn.vendor)
    return rows.reverse_one(get_user_model(), "member", conn, joins, [name])


def user_from_rows(found, db, conn):
    """The user (or None) from the rows read with user_reading(conn).columns, groups remembered on it."""
    user, groups = user_reading(conn).parse(found, db, conn)
    if user is not None:
        remember_group_names(user, [group for (group,) in groups if group is not None])
    return user


def user_with_member(user_id):
    """The user (or None) with `user.member` already loaded (or known to be absent) and the names of the user's
    groups remembered on it (roles.group_names), in one query."""
    users = get_user_model()
    db = router.db_for_read(users)
    conn = connections[db]
    with conn.cursor() as cursor:
        cursor.execute(user_reading(conn).by_pk, [users._meta.pk.get_db_prep_value(user_id, conn)])
        found = cursor.fetchall()
    return user_from_rows(found, db, conn)


def keep_read_user(user_id, user):
    """The session store read this user (None: no such user) with the session that names `user_id`."""
    _read_with_session.set((str(user_id), user))


def forget_read_user():
    _read_with_session.set(None)


class MemberBackend(ModelBackend):
    def get_user(self, user_id):
        read = _read_with_session.get()
        if read is not None:
            forget_read_user()  # taken once, by this request
        user = read[1] if read is not None and read[0] == str(user_id) else user_with_member(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
