"""Logging in with the email address and password, as Django's ModelBackend does, reading the person's
membership in the same query as the user: every member page needs both.

The query is plain SQL (what `select_related("member").get(pk=...)` sends), its values converted by the
same database and field converters the ORM uses: it runs on every signed-in request, and the ORM takes
several times longer to build it than the database takes to answer. coop/governance/tests/test_fast_paths.py
checks the objects equal the ORM's, field by field.
"""
import weakref

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db import connections, router

_SELECTS: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()  # per connection (one per thread): per model


def _select(model, alias, connection):
    """The model's columns under a table alias, with the converters the ORM applies to each (worked out once
    per connection and model)."""
    known = _SELECTS.setdefault(connection, {})
    if (model, alias) not in known:
        known[model, alias] = _work_out_select(model, alias, connection)
    return known[model, alias]


def _work_out_select(model, alias, connection):
    quote = connection.ops.quote_name
    fields = model._meta.concrete_fields
    columns = [f"{alias}.{quote(f.column)}" for f in fields]
    converters = []
    for field in fields:
        col = field.get_col(alias)
        converters.append((field, col, connection.ops.get_db_converters(col) + field.get_db_converters(connection)))
    return columns, converters


def _instance(model, db, converters, values, connection):
    converted = []
    for (_field, col, functions), value in zip(converters, values, strict=True):
        for function in functions:
            value = function(value, col, connection)
        converted.append(value)
    return model.from_db(db, [field.attname for field, _col, _functions in converters], converted)


def user_with_member(user_id):
    """The user (or None) with `user.member` already loaded (or known to be absent), in one query."""
    users = get_user_model()
    relation = users._meta.get_field("member")  # the reverse side of Member.user
    members, link = relation.related_model, relation.field
    db = router.db_for_read(users)
    connection = connections[db]
    quote = connection.ops.quote_name
    user_columns, user_converters = _select(users, "u", connection)
    member_columns, member_converters = _select(members, "m", connection)
    pk = quote(users._meta.pk.column)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(user_columns + member_columns)} FROM {quote(users._meta.db_table)} u "
            f"LEFT JOIN {quote(members._meta.db_table)} m ON m.{quote(link.column)} = u.{pk} WHERE u.{pk} = %s",
            [users._meta.pk.get_db_prep_value(user_id, connection)])
        row = cursor.fetchone()
    if row is None:
        return None
    split = len(user_columns)
    user = _instance(users, db, user_converters, row[:split], connection)
    member = None
    if row[split + members._meta.concrete_fields.index(members._meta.pk)] is not None:
        member = _instance(members, db, member_converters, row[split:], connection)
        link.set_cached_value(member, user)
    relation.set_cached_value(user, member)
    return user


class MemberBackend(ModelBackend):
    def get_user(self, user_id):
        user = user_with_member(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
