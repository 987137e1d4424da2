from coop import profile

from .roles import BOARD, SECRETARY, has_role, member_of


def _header(user):
    """(membership, board?, secretary?, the header's key): what the site header shows depends on these alone
    (with the language)."""
    member, is_board, is_secretary = member_of(user), has_role(user, BOARD), has_role(user, SECRETARY)
    key = "".join("1" if flag else "0" for flag in (
        getattr(user, "is_authenticated", False), member is not None, is_board, is_secretary))
    return member, is_board, is_secretary, key


def header_key(user):
    return _header(user)[3]


def coop(request):
    current = profile.current()
    member, is_board, is_secretary, nav_key = _header(getattr(request, "user", None))
    return {
        "coop": current.coop,
        "coop_full_name": current.full_name,
        "vocab": current.vocabulary,
        "sector": current.sector,
        "current_member": member,
        "is_board": is_board,
        "is_secretary": is_secretary,
        "nav_key": nav_key,  # the site header's cache key, with the language
    }
