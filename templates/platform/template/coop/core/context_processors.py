from coop import profile

from .roles import BOARD, SECRETARY, has_role, member_of


def coop(request):
    current = profile.current()
    user = getattr(request, "user", None)
    member = member_of(user)
    is_board, is_secretary = has_role(user, BOARD), has_role(user, SECRETARY)
    return {
        "coop": current.coop,
        "coop_full_name": current.full_name,
        "vocab": current.vocabulary,
        "sector": current.sector,
        "current_member": member,
        "is_board": is_board,
        "is_secretary": is_secretary,
        # what the site header shows depends on these alone (its cache key, with the language)
        "nav_key": "".join("1" if flag else "0" for flag in (
            getattr(user, "is_authenticated", False), member is not None, is_board, is_secretary)),
    }
