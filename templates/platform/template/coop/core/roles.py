"""Who may do what. Roles: member (an active member), board, secretary, admin.

Board, secretary and admin are Django groups; a board or secretary must also be an active member.
"""
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

MEMBER, BOARD, SECRETARY, ADMIN = "member", "board", "secretary", "admin"
ROLES = (MEMBER, BOARD, SECRETARY, ADMIN)


def member_of(user):
    """The user's active membership, or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    member = getattr(user, "member", None)
    return member if member is not None and member.is_active else None


def has_role(user, role):
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    if role == ADMIN:
        return user.groups.filter(name=ADMIN).exists()
    if member_of(user) is None:
        return False
    return role == MEMBER or user.groups.filter(name=role).exists()


def require_role(user, *roles):
    if not any(has_role(user, role) for role in roles):
        raise PermissionDenied


def role_required(*roles):
    """View decorator: log in first, then 403 unless the user holds one of the roles."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            require_role(request.user, *roles)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
