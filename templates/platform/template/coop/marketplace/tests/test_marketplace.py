from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from coop import profile
from coop.core.management.commands.load_demo import sample
from coop.ledger.models import PatronageRecord
from coop.marketplace import sectors, services
from coop.marketplace.models import Order

pytestmark = pytest.mark.django_db


def details(fields):
    today = timezone.localdate()
    return {f.name: sample(f, today) for f in fields}


@pytest.fixture
def offer(make_member):
    worker = make_member()
    sector = services.current_sector()
    return services.publish(worker.user, title="Offer", description="", price=Decimal("20.00"), details=details(sector.offer_fields))


def test_the_full_flow_records_commission_and_patronage(offer, rules):
    rules("platform", commission_percent=12.5)
    order = services.place_order(offer, customer_name="C", customer_email="c@example.org",
                                 details=details(services.current_sector().order_fields))
    assert order.status == Order.REQUESTED
    assert order.commission == (order.amount * Decimal("0.125")).quantize(Decimal("0.01"))
    worker = offer.worker.user
    for status in (Order.ACCEPTED, Order.IN_PROGRESS, Order.COMPLETED):
        services.move(order, status, worker)
    record = PatronageRecord.objects.get(order=order)
    assert record.member == offer.worker and record.transactions == 1
    assert record.revenue == order.amount - order.commission
    assert list(order.history.values_list("to_status", flat=True)) == ["accepted", "in_progress", "completed"]


def test_status_flow_is_enforced(offer, make_member, outsider):
    order = services.place_order(offer, customer=outsider, customer_name="C", customer_email="c@example.org",
                                 details=details(services.current_sector().order_fields))
    with pytest.raises(ValidationError):
        services.move(order, Order.COMPLETED, offer.worker.user)
    with pytest.raises(PermissionDenied):
        services.move(order, Order.ACCEPTED, outsider)  # a customer cannot accept
    with pytest.raises(PermissionDenied):
        services.move(order, Order.ACCEPTED, make_member().user)  # nor another worker
    services.move(order, Order.CANCELLED, outsider)  # but can cancel
    with pytest.raises(ValidationError):
        services.move(order, Order.ACCEPTED, offer.worker.user)


def test_the_public_can_order_through_the_page(offer, client):
    sector = services.current_sector()
    data = {"customer_name": "Pat", "customer_email": "pat@example.org", **details(sector.order_fields)}
    data = {k: (v[:16] if isinstance(v, str) and "T" in v else v) for k, v in data.items()}
    response = client.post(reverse("marketplace:offer", args=[offer.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Order.objects.get().customer_name == "Pat"


def test_pages_use_the_sector_vocabulary(offer, client):
    vocabulary = profile.current().vocabulary
    html = client.get(reverse("marketplace:offers")).content.decode()
    assert vocabulary["listings"].capitalize() in html or vocabulary["listings"] in html


def test_only_members_publish(client, outsider):
    client.force_login(outsider)
    assert client.get(reverse("marketplace:new_offer")).status_code == 403


@pytest.mark.parametrize("sector_id", sorted(sectors.SECTORS))
def test_every_sector_orders_and_counts(sector_id, make_member, monkeypatch):
    sector = sectors.get(sector_id)
    monkeypatch.setattr(services, "current_sector", lambda: sector)
    worker = make_member()
    offer = services.publish(worker.user, title="x", description="", price=Decimal("10.00"), details=details(sector.offer_fields))
    order = services.place_order(offer, customer_name="C", customer_email="c@example.org", details=details(sector.order_fields))
    assert order.amount == Decimal("10.00") * sectors.quantity(sector, order.details)
    if sector_id == "home-sharing":
        assert order.quantity == 3  # nights between check-in and check-out
    if sector.stock:
        offer.refresh_from_db()
        assert offer.details[sector.stock] == 20 - int(order.quantity)
        services.move(order, Order.CANCELLED, worker.user)
        offer.refresh_from_db()
        assert offer.details[sector.stock] == 20


def test_stock_cannot_go_below_zero(make_member, monkeypatch):
    sector = sectors.get("marketplace")
    monkeypatch.setattr(services, "current_sector", lambda: sector)
    offer = services.publish(make_member().user, title="Jam", description="", price=Decimal("3.00"), details={"stock": 1})
    with pytest.raises(ValidationError):
        services.place_order(offer, customer_name="C", customer_email="c@example.org", details={"quantity": 2, "delivery_address": "x"})
