from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coop.core.pagination import paginate
from coop.core.roles import MEMBER, member_of, role_required

from . import availability, services
from .forms import OfferForm, OrderForm
from .models import Offer, Order


def offers(request):
    return render(request, "marketplace/offers.html", {
        "offers": paginate(request, Offer.objects.filter(active=True).select_related("worker"))})


def offer(request, pk):
    item = get_object_or_404(Offer, pk=pk, active=True)
    sector = services.current_sector()
    initial = {}
    if request.user.is_authenticated:
        initial = {"customer_name": request.user.get_full_name() or request.user.username, "customer_email": request.user.email}
    if sector.nights and request.GET.get(sector.nights[0]):  # a free day chosen in the calendar
        initial[sector.nights[0]] = _date(request.GET[sector.nights[0]]) or None
    form = OrderForm(request.POST or None, sector=sector, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            order = services.place_order(
                item, customer=request.user, customer_name=form.cleaned_data["customer_name"],
                customer_email=form.cleaned_data["customer_email"], details=form.details(),
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.error_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, error)
        else:
            messages.success(request, _("Your request was sent. Reference: #%(n)s") % {"n": order.pk})
            return redirect("marketplace:track", code=order.tracking_code)
    return render(request, "marketplace/offer.html", {"offer": item, "form": form, "fields": sector.offer_fields,
                                                       **_calendar(request, item, sector)})


def _date(text):
    try:
        return parse_date(str(text or "").strip())
    except ValueError:  # well formed but not a day, like 2026-02-30
        return None


def _calendar(request, item, sector):
    """The month calendar of a listing whose sector books nights (home-sharing); nothing otherwise."""
    if not sector.nights:
        return {}
    today = timezone.localdate()
    first = availability.parse_month(request.GET.get("month"), today)
    return {"calendar": availability.month(item, sector.nights, first, today),
            "is_host": member_of(request.user) is not None and member_of(request.user) == item.worker}


@role_required(MEMBER)
@require_POST
def block_days(request, pk):
    """The host blocks days of a listing (or frees them again), one day or a range."""
    item = get_object_or_404(Offer, pk=pk, active=True)
    today = timezone.localdate()
    start = _date(request.POST.get("start"))
    end = _date(request.POST.get("end")) or start
    if start is None:
        messages.error(request, _("Choose the first day to change."))
    else:
        block = request.POST.get("action") != "free"
        try:
            availability.set_blocked(item, request.user, start, end, block, today)
        except PermissionDenied as error:
            messages.error(request, str(error) or _("Not allowed."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Days blocked.") if block else _("Days free again."))
    month = availability.parse_month(request.POST.get("month") or (start.isoformat()[:7] if start else ""), today)
    return redirect(f"{reverse('marketplace:offer', args=[item.pk])}?month={month:%Y-%m}#availability")


def track(request, code):
    """Status tracking for the customer (the link is the secret: no login needed)."""
    order = get_object_or_404(Order.objects.select_related("offer", "assigned_to"), tracking_code=code)
    return render(request, "marketplace/track.html", {"order": order, "history": order.history.all()})


@role_required(MEMBER)
@require_POST
def dispatch(request, pk):
    from coop.members.models import Member

    order = get_object_or_404(Order, pk=pk)
    courier = Member.objects.filter(pk=request.POST.get("courier") or 0, ceased_on__isnull=True).first()
    try:
        services.dispatch(order, courier, request.user)
        messages.success(request, _("Order dispatched."))
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, " ".join(getattr(error, "messages", [_("Not allowed.")])))
    return redirect("marketplace:mine")


@role_required(MEMBER)
def new_offer(request):
    form = OfferForm(request.POST or None, sector=services.current_sector())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.publish(request.user, title=data["title"], description=data["description"], price=data["price"],
                             details=form.details())
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("Published."))
            return redirect("marketplace:mine")
    return render(request, "core/form.html", {"form": form, "heading": _("Publish")})


@role_required(MEMBER)
def mine(request):
    from django.db.models import Q

    from coop.members.models import Member

    worker = member_of(request.user)
    return render(request, "marketplace/mine.html", {
        "offers": paginate(request, worker.offers.all(), "opage"),
        "orders": paginate(request, Order.objects.filter(Q(offer__worker=worker, assigned_to__isnull=True) | Q(assigned_to=worker))
                           .select_related("offer"), "page"),
        "transitions": Order.TRANSITIONS,
        "order_fields": services.current_sector().order_fields,
        "dispatch": services.current_sector().extra.get("dispatch", False),
        "couriers": Member.objects.filter(ceased_on__isnull=True).exclude(pk=worker.pk).order_by("name")[:200],
    })


def my_orders(request):
    if not request.user.is_authenticated:
        return redirect("login")
    return render(request, "marketplace/my_orders.html", {"orders": paginate(request, request.user.orders.select_related("offer"))})


@require_POST
def move(request, pk, to_status):
    if not request.user.is_authenticated:
        return redirect("login")
    order = get_object_or_404(Order, pk=pk)
    try:
        services.move(order, to_status, request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(request.POST.get("next") if request.POST.get("next") in ("/market/mine/", "/market/orders/") else "marketplace:mine")
