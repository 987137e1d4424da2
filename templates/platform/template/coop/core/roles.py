"""Who may do what. Roles: member (an active member), board, secretary, admin.

Board, secretary and admin are Django groups; a board or secretary must also be an active member.
A superuser holds every role except "member": only a membership makes a member, so a superuser
who is not a member gets the "not a member" page on member-only pages, never an error.
"""
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
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


def has_role(user, role):
    if not getattr(user, "is_authenticated", False):
        return False
    if role == MEMBER:
        return member_of(user) is not None
    if user.is_superuser:
        return True
    if role == ADMIN:
        return user.groups.filter(name=ADMIN).exists()
    if member_of(user) is None:
        return False
    return user.groups.filter(name=role).exists()


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
