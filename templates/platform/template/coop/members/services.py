"""Membership flows: apply, admit, subscribe and pay for shares, withdraw."""
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coop import profile
from coop.core import models as audit
from coop.core.roles import BOARD, SECRETARY, has_role, require_role

from .models import Application, BoardTerm, Member, ShareRedemption, ShareSubscription


def check_shares(member_class_id, shares, already_held=0):
    current = profile.current()
    try:
        member_class = current.member_class(member_class_id)
    except KeyError:
        raise ValidationError(_("Unknown member class.")) from None
    total = already_held + shares
    if total < member_class.min_shares:
        raise ValidationError(_("A %(label)s holds at least %(n)s share(s).") % {"label": member_class.label, "n": member_class.min_shares})
    if total > current.max_shares_per_member:
        raise ValidationError(_("No member may hold more than %(n)s shares.") % {"n": current.max_shares_per_member})
    return member_class


def check_not_duplicate(user, email):
    """One pending application per person; members do not apply again."""
    email = (email or "").strip().lower()
    if user is not None and getattr(user, "pk", None):
        if Member.objects.filter(user=user, ceased_on__isnull=True).exists():
            raise ValidationError(_("You are already a member."))
        if Application.objects.filter(user=user, status=Application.PENDING).exists():
            raise ValidationError(_("You already have an application waiting for a decision."))
    if Member.objects.filter(email__iexact=email, ceased_on__isnull=True).exists():
        raise ValidationError(_("A member already uses this email address."))
    if Application.objects.filter(email__iexact=email, status=Application.PENDING).exists():
        raise ValidationError(_("An application with this email address is already waiting for a decision."))


def apply(user, *, name, email, address, member_class, shares, statement=""):
    check_shares(member_class, shares)
    check_not_duplicate(user, email)
    application = Application.objects.create(
        user=user, name=name, email=email, address=address, member_class=member_class,
        shares=shares, statement=statement,
    )
    audit.record("membership.applied", user, application=application.pk)
    return application


def subscribe(member, shares, *, on=None, paid=False):
    member_class = check_shares(member.member_class, shares, already_held=member.shares_held)
    on = on or timezone.localdate()
    subscription = ShareSubscription.objects.create(
        member=member, shares=shares, unit_price=member_class.share_price,
        amount=member_class.share_price * shares, subscribed_on=on, paid_on=on if paid else None,
    )
    audit.record("shares.subscribed", None, subscription, member=member.pk, shares=shares, amount=str(subscription.amount))
    return subscription


def record_payment(subscription, by, reference=""):
    require_role(by, BOARD, SECRETARY)
    with transaction.atomic():
        subscription.paid_on = timezone.localdate()
        subscription.payment_reference = reference
        subscription.save(update_fields=["paid_on", "payment_reference"])
        audit.record("shares.paid", by, subscription, subscription=subscription.pk, amount=str(subscription.amount))


def propose_to_general_meeting(application, by):
    """When the general meeting admits members, put the application to a vote."""
    from coop.governance import services as governance

    require_role(by, BOARD, SECRETARY)
    if application.proposal is None:
        application.proposal = governance.create_proposal(
            by, title=_("Admit %(name)s as a member") % {"name": application.name},
            text=application.statement, kind="ordinary",
        )
        application.save(update_fields=["proposal"])
    return application.proposal


def admit(application, by):
    """Admit an applicant: by the board, or after the general meeting passed its proposal."""
    if application.status != Application.PENDING:
        raise ValidationError(_("This application was already decided."))
    if profile.current().admission_by == "general_meeting":
        require_role(by, BOARD, SECRETARY)
        result = getattr(application.proposal, "result", None) if application.proposal else None
        if result is None or not result.passed:
            raise PermissionDenied(_("The general meeting has not approved this admission."))
    elif not has_role(by, BOARD):
        raise PermissionDenied(_("Only the board admits members."))
    with transaction.atomic():
        member = Member.objects.create(
            user=application.user, name=application.name, email=application.email,
            address=application.address, member_class=application.member_class,
            admitted_on=timezone.localdate(),
        )
        subscribe(member, application.shares)
        application.status = Application.ADMITTED
        application.decided_at = timezone.now()
        application.decided_by = by
        application.member = member
        application.save()
        audit.record("member.admitted", by, member=member.pk, application=application.pk)
    return member


def reject(application, by):
    require_role(by, BOARD, SECRETARY)
    if application.status != Application.PENDING:
        raise ValidationError(_("This application was already decided."))
    application.status = Application.REJECTED
    application.decided_at = timezone.now()
    application.decided_by = by
    application.save()
    audit.record("membership.rejected", by, application=application.pk)


def request_withdrawal(member):
    member.withdrawal_requested_on = timezone.localdate()
    member.save(update_fields=["withdrawal_requested_on"])
    audit.record("member.withdrawal_requested", member.user, member=member.pk)


def process_withdrawal(member, by):
    """End a membership and repay the member's shares at their nominal value."""
    require_role(by, BOARD, SECRETARY)
    if not member.is_active:
        raise ValidationError(_("This membership has already ceased."))
    today = timezone.localdate()
    with transaction.atomic():
        held = member.shares_held
        if held:
            redemption = ShareRedemption.objects.create(
                member=member, shares=held, amount=member.capital_paid, redeemed_on=today
            )
            audit.record("shares.redeemed", by, redemption, member=member.pk, shares=held, amount=str(redemption.amount))
        BoardTerm.objects.filter(member=member, ended_on__isnull=True).update(ended_on=today)
        member.ceased_on = today
        member.save(update_fields=["ceased_on"])
        audit.record("member.ceased", by, member=member.pk, shares_redeemed=held)


def export_personal_data(member):
    """Everything the platform holds about a member (GDPR-style access request), JSON-ready."""
    user = member.user
    return {
        "member": {"number": member.pk, "name": member.name, "email": member.email, "address": member.address,
                   "class": member.member_class, "admitted_on": member.admitted_on, "ceased_on": member.ceased_on},
        "user": {"email": user.email, "date_joined": user.date_joined, "last_login": user.last_login,
                 "notify_by_email": user.notify_by_email} if user else None,
        "applications": list(Application.objects.filter(member=member).values("name", "email", "address", "statement", "applied_at", "status")),
        "share_subscriptions": list(member.subscriptions.values("shares", "amount", "subscribed_on", "paid_on")),
        "share_redemptions": list(member.redemptions.values("shares", "amount", "redeemed_on")),
        "votes": list(member.votes.filter(proposal__secret=False).values("proposal_id", "proposal__title", "choice", "ranking", "cast_at")),
        "patronage": list(member.patronage.values("date", "hours", "revenue", "transactions", "description", "status")),
        "sweat_equity": list(member.sweat_equity.values("date", "hours", "description", "value", "status")),
    }


def erase_personal_data(member, by):
    """Erase a FORMER member's personal data (name, email, address, login). The register keeps the
    number, class, dates and shares the law requires; votes and the ledger keep their numbers only."""
    require_role(by, BOARD, SECRETARY)
    if member.is_active:
        raise ValidationError(_("End the membership first: the register must name current members."))
    with transaction.atomic():
        member.name = _("Former member %(n)s") % {"n": member.pk}
        member.email = f"erased-{member.pk}@invalid"
        member.address = ""
        member.save(update_fields=["name", "email", "address"])
        Application.objects.filter(member=member).update(name=member.name, email=member.email, address="", statement="")
        user = member.user
        if user is not None:
            user.email = f"erased-user-{user.pk}@invalid"
            user.first_name = user.last_name = ""
            user.is_active = False
            user.set_unusable_password()
            user.save()
        audit.record("member.erased", by, member=member.pk)
