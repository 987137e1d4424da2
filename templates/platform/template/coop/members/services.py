"""Membership flows: apply, admit, subscribe and pay for shares, withdraw."""
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coop import profile
from coop.core import models as audit
from coop.core.roles import BOARD, SECRETARY, has_role, require_role

from .models import Application, Member, ShareRedemption, ShareSubscription


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


def apply(user, *, name, email, address, member_class, shares, statement=""):
    check_shares(member_class, shares)
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
    audit.record("shares.subscribed", None, member=member.pk, shares=shares, amount=str(subscription.amount))
    return subscription


def record_payment(subscription, by, reference=""):
    require_role(by, BOARD, SECRETARY)
    subscription.paid_on = timezone.localdate()
    subscription.payment_reference = reference
    subscription.save(update_fields=["paid_on", "payment_reference"])
    audit.record("shares.paid", by, subscription=subscription.pk, amount=str(subscription.amount))


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
            ShareRedemption.objects.create(
                member=member, shares=held, amount=member.capital_paid, redeemed_on=today
            )
        member.ceased_on = today
        member.save(update_fields=["ceased_on"])
        audit.record("member.ceased", by, member=member.pk, shares_redeemed=held)
