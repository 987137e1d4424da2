from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coop import profile
from coop.core import models as audit
from coop.core.roles import member_of
from coop.ledger.services import record_order_patronage

from . import availability, sectors
from .models import Offer, Order, StatusChange

CENT = Decimal("0.01")


def current_sector():
    return sectors.get(profile.current().sector.get("id"))


def publish(user, *, title, description, price, details):
    worker = member_of(user)
    if worker is None:
        raise PermissionDenied(_("Only members can publish offers."))
    errors = sectors.validate_offer(current_sector(), details, timezone.now())
    if errors:
        raise ValidationError(errors)
    offer = Offer.objects.create(worker=worker, title=title, description=description, price=price, details=details)
    audit.record("offer.published", user, offer=offer.pk)
    return offer


def commission_on(amount):
    return (amount * profile.current().commission_percent / 100).quantize(CENT, rounding=ROUND_HALF_UP)


def place_order(offer, *, customer=None, customer_name, customer_email, details):
    if not offer.active:
        raise ValidationError(_("This offer is closed."))
    sector = current_sector()
    errors = sectors.validate(sector, details, offer.details, timezone.localdate(), timezone.now())
    if errors:
        raise ValidationError(errors)
    quantity = sectors.quantity(sector, details)
    if quantity <= 0:
        raise ValidationError(_("The quantity must be more than zero."))
    with transaction.atomic():
        if sector.nights:
            offer = Offer.objects.select_for_update().get(pk=offer.pk)
            start, end = (str(details[f]) for f in sector.nights)
            for booked in offer.orders.exclude(status=Order.CANCELLED).only("details"):
                b_start, b_end = (str(booked.details.get(f)) for f in sector.nights)
                if b_start < end and start < b_end:
                    raise ValidationError({sector.nights[0]: _("Already booked from %(a)s to %(b)s: choose other dates.")
                                           % {"a": b_start, "b": b_end}})
            availability.refuse_blocked(offer, sector.nights, start, end)
        if sector.stock:
            offer = Offer.objects.select_for_update().get(pk=offer.pk)
            stock = int(offer.details.get(sector.stock) or 0)
            if quantity > stock:
                raise ValidationError(_("Only %(n)s left.") % {"n": stock})
            offer.details[sector.stock] = stock - int(quantity)
            offer.save(update_fields=["details"])
        amount = (offer.price * quantity).quantize(CENT)
        order = Order.objects.create(
            offer=offer, customer=customer if customer and customer.is_authenticated else None,
            customer_name=customer_name, customer_email=customer_email, quantity=quantity, amount=amount,
            commission=commission_on(amount), commission_percent=profile.current().commission_percent,
            hours=sectors.hours(sector, details), details=details,
        )
    audit.record("order.placed", customer, order=order.pk, amount=str(amount), commission=str(order.commission))
    return order


def booked_ranges(offer):
    """The stays already booked on an offer (its availability calendar)."""
    sector = current_sector()
    if not sector.nights:
        return []
    return sorted((o.details.get(sector.nights[0]), o.details.get(sector.nights[1]))
                  for o in offer.orders.exclude(status=Order.CANCELLED).only("details"))


def dispatch(order, courier, by):
    """Hand an order to another worker-member (delivery: dispatch to a courier)."""
    from coop.core.roles import BOARD, has_role

    current = order.assigned_to or order.offer.worker
    if not (has_role(by, BOARD) or member_of(by) == current):
        raise PermissionDenied(_("Only the board or the worker holding the order can dispatch it."))
    if order.status not in (Order.REQUESTED, Order.ACCEPTED):
        raise ValidationError(_("Only an order that has not started can be dispatched."))
    if courier is None or not courier.is_active:
        raise ValidationError(_("Choose an active member."))
    with transaction.atomic():
        order.assigned_to = courier
        order.save(update_fields=["assigned_to", "updated_at"])
        StatusChange.objects.create(order=order, from_status=order.status, to_status=order.status, by=by,
                                    note=_("dispatched to %(name)s") % {"name": courier.name})
    audit.record("order.dispatched", by, order=order.pk, to=courier.pk)
    return order


def move(order, to_status, by):
    """Change an order's status along the allowed flow; the worker runs it, a customer may cancel."""
    if to_status not in Order.TRANSITIONS[order.status]:
        raise ValidationError(_("An order cannot go from %(a)s to %(b)s.") % {"a": order.status, "b": to_status})
    is_worker = member_of(by) is not None and member_of(by) == (order.assigned_to or order.offer.worker)
    is_customer = by.is_authenticated and order.customer_id == by.pk
    if not (is_worker or (is_customer and to_status == Order.CANCELLED and order.status != Order.IN_PROGRESS)):
        raise PermissionDenied
    with transaction.atomic():
        StatusChange.objects.create(order=order, from_status=order.status, to_status=to_status, by=by)
        order.status = to_status
        order.save(update_fields=["status", "updated_at"])
        sector = current_sector()
        if to_status == Order.CANCELLED and sector.stock:
            offer = Offer.objects.select_for_update().get(pk=order.offer_id)
            offer.details[sector.stock] = int(offer.details.get(sector.stock) or 0) + int(order.quantity)
            offer.save(update_fields=["details"])
        if to_status == Order.COMPLETED:
            record_order_patronage(order)
    audit.record("order.status", by, order=order.pk, status=to_status)
    return order
