from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coop.core.roles import MEMBER, member_of, role_required

from . import services
from .forms import OfferForm, OrderForm
from .models import Offer, Order


def offers(request):
    return render(request, "marketplace/offers.html", {"offers": Offer.objects.filter(active=True).select_related("worker")})


def offer(request, pk):
    item = get_object_or_404(Offer, pk=pk, active=True)
    sector = services.current_sector()
    initial = {}
    if request.user.is_authenticated:
        initial = {"customer_name": request.user.get_full_name() or request.user.username, "customer_email": request.user.email}
    form = OrderForm(request.POST or None, sector=sector, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            order = services.place_order(
                item, customer=request.user, customer_name=form.cleaned_data["customer_name"],
                customer_email=form.cleaned_data["customer_email"], details=form.details(),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your request was sent. Reference: #%(n)s") % {"n": order.pk})
            return redirect("marketplace:offers")
    return render(request, "marketplace/offer.html", {"offer": item, "form": form, "fields": sector.offer_fields})


@role_required(MEMBER)
def new_offer(request):
    form = OfferForm(request.POST or None, sector=services.current_sector())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.publish(request.user, title=data["title"], description=data["description"], price=data["price"], details=form.details())
        messages.success(request, _("Published."))
        return redirect("marketplace:mine")
    return render(request, "core/form.html", {"form": form, "heading": _("Publish")})


@role_required(MEMBER)
def mine(request):
    worker = member_of(request.user)
    return render(request, "marketplace/mine.html", {
        "offers": worker.offers.all(),
        "orders": Order.objects.filter(offer__worker=worker).select_related("offer"),
        "transitions": Order.TRANSITIONS,
    })


def my_orders(request):
    if not request.user.is_authenticated:
        return redirect("login")
    return render(request, "marketplace/my_orders.html", {"orders": request.user.orders.select_related("offer")})


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
