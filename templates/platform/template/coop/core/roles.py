"""Who may do what. Roles: member (an active member), board, secretary, admin.

Board, secretary and admin are Django groups; a board or secretary must also be an active member.
A superuser holds every role except "member": only a membership makes a member, so a superuser
who is not a member gets the "not a member" page on member-only pages, never an error.
"""
from functools import wraps

from django.contrib.auth.models import Group
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db import connection
from django.shortcuts import render

MEMBER, BOARD, SECRETARY, ADMIN = "member", "board", "secretary", "admin"
ROLES = (MEMBER, BOARD, SECRETARY, ADMIN)


def member_of(user):
    """The user's active membership, or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    try:
        member = user.member
    except ObjectDoesNotExist:  # no membership
        return None
    return member if member is not None and member.is_active else None


def group_names(user):
    """The names of the user's groups: one query, remembered on this user object (one request's user).

    Adding or removing the user's groups through this object forgets them (see apps.py), so a later
    check on the same object sees the change.
    """
    names = getattr(user, "_coop_group_names", None)
    if names is None:
        names = user._coop_group_names = frozenset(_read_group_names(user))
    return names


def _group_tables():
    """(group table, user-group table, its group column, its user column), from the models."""
    from django.contrib.auth import get_user_model

    through = get_user_model()._meta.get_field("groups").remote_field.through
    group_column = next(f.column for f in through._meta.fields if f.is_relation and f.related_model is Group)
    user_column = next(f.column for f in through._meta.fields if f.is_relation and f.related_model is not Group)
    return Group._meta.db_table, through._meta.db_table, group_column, user_column


def groups_join(user_alias):
    """SQL that joins a query on the users table (as `user_alias`) with the user's groups: (the LEFT JOINs, the
    group name's column). One row per group, one row with no name when the user has none."""
    from django.contrib.auth import get_user_model

    groups, through, group_column, user_column = _group_tables()
    quote = connection.ops.quote_name
    user_pk, group_pk = quote(get_user_model()._meta.pk.column), quote(Group._meta.pk.column)
    return (f" LEFT JOIN {quote(through)} ug ON ug.{quote(user_column)} = {user_alias}.{user_pk}"
            f" LEFT JOIN {quote(groups)} g ON g.{group_pk} = ug.{quote(group_column)}", f"g.{quote('name')}")


def remember_group_names(user, names):
    """What group_names(user) returns for this user object, as read with the user (coop/core/backends.py)."""
    user._coop_group_names = frozenset(names)


def _read_group_names(user):
    """user.groups.values_list("name") in plain SQL: every page asks (the header shows the roles' links)."""
    groups, through, group_column, user_column = _group_tables()
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT g.{quote('name')} FROM {quote(groups)} g INNER JOIN {quote(through)} ug "
            f"ON ug.{quote(group_column)} = g.{quote('id')} WHERE ug.{quote(user_column)} = %s", [user.pk])
        return [row[0] for row in cursor.fetchall()]


def forget_group_names(user):
    user.__dict__.pop("_coop_group_names", None)


def has_role(user, role):
    if not getattr(user, "is_authenticated", False):
        return False
    if role == MEMBER:
        return member_of(user) is not None
    if user.is_superuser:
        return True
    if role == ADMIN:
        return ADMIN in group_names(user)
    if member_of(user) is None:
        return False
    return role in group_names(user)


def require_role(user, *roles):
    if not any(has_role(user, role) for role in roles):
        raise PermissionDenied


def role_required(*roles):
    """View decorator: log in first; then the "not a member" page (member-only views) or 403."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not any(has_role(request.user, role) for role in roles):
                if roles == (MEMBER,) or (MEMBER in roles and member_of(request.user) is None):
                    return render(request, "core/not_member.html", status=403)
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
