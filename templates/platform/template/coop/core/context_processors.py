from coop import profile

from .roles import BOARD, SECRETARY, has_role, member_of


def coop(request):
    current = profile.current()
    user = getattr(request, "user", None)
    return {
        "coop": current.coop,
        "coop_full_name": current.full_name,
        "vocab": current.vocabulary,
        "sector": current.sector,
        "current_member": member_of(user),
        "is_board": has_role(user, BOARD),
        "is_secretary": has_role(user, SECRETARY),
    }
