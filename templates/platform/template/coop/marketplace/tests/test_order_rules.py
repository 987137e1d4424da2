"""Every sector's order rules: past dates, capacity, overlapping stays, hours, distance; dispatch and tracking."""
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from coop.core.management.commands.load_demo import sample
from coop.core.roles import BOARD
from coop.marketplace import sectors, services
from coop.marketplace.models import Order

pytestmark = pytest.mark.django_db


@pytest.fixture
def use_sector(monkeypatch):
    def use(sector_id):
        monkeypatch.setattr(services, "current_sector", lambda: sectors.get(sector_id))
        return sectors.get(sector_id)
    return use


def offer_for(sector, worker, **details):
    today = timezone.localdate()
    values = {f.name: sample(f, today) for f in sector.offer_fields}
    values.update(details)
    return services.publish(worker.user, title="Offer", description="", price=Decimal("10.00"), details=values)


def order(offer, sector, **details):
    today = timezone.localdate()
    values = {f.name: sample(f, today) for f in sector.order_fields}
    values.update(details)
    return services.place_order(offer, customer_name="C", customer_email="c@example.org", details=values)


@pytest.mark.parametrize("sector_id", sorted(sectors.SECTORS))
def test_past_dates_are_refused_in_every_sector(sector_id, use_sector, make_member):
    sector = use_sector(sector_id)
    dated = [f for f in sector.order_fields if f.kind in ("date", "datetime")]
    offer = offer_for(sector, make_member())
    order(offer, sector)  # the sample order is acceptable
    for field in dated:
        past = (timezone.localdate() - timezone.timedelta(days=2)).isoformat()
        if field.kind == "datetime":
            past = (timezone.now() - timezone.timedelta(days=2)).replace(microsecond=0).isoformat()
        with pytest.raises(ValidationError) as refused:
            order(offer, sector, **{field.name: past})
        assert field.name in refused.value.message_dict


def test_home_sharing_capacity_and_no_overlapping_stays(use_sector, make_member):
    sector = use_sector("home-sharing")
    offer = offer_for(sector, make_member(), max_guests=3)
    day = timezone.localdate() + timezone.timedelta(days=10)
    first = order(offer, sector, check_in=day.isoformat(), check_out=(day + timezone.timedelta(days=3)).isoformat(), guests=2)
    assert first.quantity == 3
    with pytest.raises(ValidationError, match="Already booked"):
        order(offer, sector, check_in=(day + timezone.timedelta(days=2)).isoformat(),
              check_out=(day + timezone.timedelta(days=5)).isoformat(), guests=1)
    back_to_back = order(offer, sector, check_in=(day + timezone.timedelta(days=3)).isoformat(),
                         check_out=(day + timezone.timedelta(days=4)).isoformat(), guests=1)
    assert back_to_back.pk
    with pytest.raises(ValidationError) as refused:
        order(offer, sector, check_in=(day + timezone.timedelta(days=20)).isoformat(),
              check_out=(day + timezone.timedelta(days=21)).isoformat(), guests=4)
    assert "guests" in refused.value.message_dict
    with pytest.raises(ValidationError):
        order(offer, sector, check_in=(day + timezone.timedelta(days=30)).isoformat(),
              check_out=(day + timezone.timedelta(days=30)).isoformat(), guests=1)
    services.move(first, Order.CANCELLED, offer.worker.user)  # a cancelled stay frees its nights
    assert order(offer, sector, check_in=day.isoformat(), check_out=(day + timezone.timedelta(days=1)).isoformat(), guests=1).pk
    assert services.booked_ranges(offer)[0][0] == day.isoformat()


def test_the_availability_calendar_is_on_the_offer_page(use_sector, make_member, client):
    sector = use_sector("home-sharing")
    offer = offer_for(sector, make_member(), max_guests=2)
    day = timezone.localdate() + timezone.timedelta(days=5)
    order(offer, sector, check_in=day.isoformat(), check_out=(day + timezone.timedelta(days=2)).isoformat(), guests=1)
    page = client.get(reverse("marketplace:offer", args=[offer.pk]), {"month": day.strftime("%Y-%m")}).content.decode()
    assert f'<td class="booked" data-date="{day.isoformat()}"' in page  # test_availability.py reads it in full


def test_delivery_distance_price_dispatch_and_tracking(use_sector, make_member, client):
    sector = use_sector("delivery")
    courier, other = make_member(name="First Courier"), make_member(name="Second Courier")
    offer = offer_for(sector, courier)
    placed = order(offer, sector, distance_km="4.5")
    assert placed.amount == Decimal("45.00")  # 10.00 per km
    with pytest.raises(ValidationError):
        order(offer, sector, distance_km="0")
    with pytest.raises(ValidationError):
        order(offer, sector, distance_km="500")
    client.force_login(courier.user)
    client.post(reverse("marketplace:dispatch", args=[placed.pk]), {"courier": other.pk})
    placed.refresh_from_db()
    assert placed.assigned_to == other
    for status in (Order.ACCEPTED, Order.IN_PROGRESS, Order.COMPLETED):
        services.move(placed, status, other.user)
    assert placed.patronage.member == other
    client.logout()
    page = client.get(reverse("marketplace:track", args=[placed.tracking_code])).content.decode()
    assert "Second Courier" in page and "completed" in page and "dispatched to Second Courier" in page
    assert client.get("/market/track/not-a-code/").status_code == 404


def test_only_the_board_or_the_holder_dispatches(use_sector, make_member):
    sector = use_sector("delivery")
    courier, stranger, board = make_member(), make_member(), make_member(roles=[BOARD])
    placed = order(offer_for(sector, courier), sector)
    from django.core.exceptions import PermissionDenied
    with pytest.raises(PermissionDenied):
        services.dispatch(placed, stranger, stranger.user)
    services.dispatch(placed, stranger, board.user)


@pytest.mark.parametrize("field,value", [("hours", "0"), ("hours", "30")])
def test_hours_based_sectors_need_sensible_hours(field, value, use_sector, make_member):
    sector = use_sector("cleaning")
    with pytest.raises(ValidationError):
        order(offer_for(sector, make_member()), sector, **{field: value})


def test_care_visits_and_ride_destination(use_sector, make_member):
    sector = use_sector("care")
    offer = offer_for(sector, make_member())
    with pytest.raises(ValidationError):
        order(offer, sector, visits=0)
    with pytest.raises(ValidationError):
        order(offer, sector, visits=3, every_days=0)
    sector = use_sector("ride-hailing")
    with pytest.raises(ValidationError):
        order(offer_for(sector, make_member()), sector, origin="Depot", destination="depot")


def test_the_order_page_names_the_field_in_error(use_sector, make_member, client):
    sector = use_sector("home-sharing")
    offer = offer_for(sector, make_member(), max_guests=2)
    day = timezone.localdate() + timezone.timedelta(days=3)
    response = client.post(reverse("marketplace:offer", args=[offer.pk]), {
        "customer_name": "Pat", "customer_email": "pat@example.org", "check_in": day.isoformat(),
        "check_out": (day + timezone.timedelta(days=1)).isoformat(), "guests": 5})
    assert response.status_code == 200 and "At most 2" in response.content.decode()


@pytest.mark.parametrize("sector_id, details, field", [
    ("delivery", {"window_start": "+2", "window_end": "+1"}, "window_end"),
    ("delivery", {"window_start": "-3", "window_end": "-2"}, "window_end"),
    ("home-sharing", {"max_guests": 0}, "max_guests"),
    ("marketplace", {"stock": -1}, "stock"),
])
def test_offers_that_cannot_be_ordered_are_refused_on_the_page(sector_id, details, field, use_sector, make_member, client):
    sector = use_sector(sector_id)
    values = {f.name: sample(f, timezone.localdate()) for f in sector.offer_fields}
    for name, value in details.items():
        if isinstance(value, str) and value[:1] in "+-":  # days from now, as the form's datetime-local field sends it
            value = (timezone.localtime() + timezone.timedelta(days=int(value))).strftime("%Y-%m-%dT%H:%M")
        values[name] = value
    with pytest.raises(ValidationError) as refused:
        services.publish(make_member().user, title="T", description="", price=Decimal("1.00"), details=values)
    assert field in refused.value.message_dict
    client.force_login(make_member().user)
    form_values = {**values, **{k: v[:16] for k, v in values.items() if k.startswith("window_") and "T" in str(v)}}
    response = client.post(reverse("marketplace:new_offer"), {"title": "T", "price": "1.00", **form_values})
    assert response.status_code == 200, "the form is shown again, not a crash or a redirect"
    assert 'class="errorlist' in response.content.decode()


def test_the_worker_reads_each_order_by_its_field_labels(use_sector, make_member, client, settings):
    sector = use_sector("home-sharing")
    host = make_member()
    day = timezone.localdate() + timezone.timedelta(days=9)
    order(offer_for(sector, host, max_guests=2), sector, check_in=day.isoformat(),
          check_out=(day + timezone.timedelta(days=2)).isoformat(), guests=2)
    client.force_login(host.user)
    page = client.get(reverse("marketplace:mine")).content.decode()
    assert "<dt>Check-in</dt>" in page and f"<dd>{day.isoformat()}</dd>" in page and "<dt>Guests</dt>" in page
    assert "check_in:" not in page  # the field's label, never its internal name
    settings.LANGUAGES = [("en", "English"), ("de", "Deutsch")]
    german = client.get(reverse("marketplace:mine"), headers={"accept-language": "de"}).content.decode()
    assert "<dt>Anreise</dt>" in german and "<dt>Check-in</dt>" not in german


def test_the_tracking_page_names_each_status_in_the_customers_language(use_sector, make_member, client, settings):
    sector = use_sector("cleaning")
    worker = make_member()
    placed = order(offer_for(sector, worker), sector)
    for status in (Order.ACCEPTED, Order.IN_PROGRESS):
        services.move(placed, status, worker.user)
    page = client.get(reverse("marketplace:track", args=[placed.tracking_code])).content.decode()
    assert "in progress" in page and "in_progress" not in page
    settings.LANGUAGES = [("en", "English"), ("fr", "Français")]
    french = client.get(reverse("marketplace:track", args=[placed.tracking_code]), headers={"accept-language": "fr"})
    assert "Historique" in french.content.decode() and "in progress" not in french.content.decode()
