"""Home-sharing: each listing's month calendar (booked, free, blocked and past days, month navigation),
the host blocking and freeing days, and stays refused on booked or blocked nights, all through the pages."""
from datetime import date, timedelta
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone

from coop.marketplace import sectors, services
from coop.marketplace.models import Order

pytestmark = pytest.mark.django_db


class Calendar(HTMLParser):
    """The served calendar as a user reads it: its caption, column heads and each day's state text."""

    def __init__(self, html):
        super().__init__()
        self.caption, self.heads, self.days, self.links = "", [], {}, {}
        self._in, self._day, self._inside_calendar = None, None, False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and "calendar" in (attrs.get("class") or ""):
            self._inside_calendar = True
        if not self._inside_calendar:
            if tag == "a" and attrs.get("rel") in ("prev", "next"):
                self.links[attrs["rel"]] = attrs["href"]
            return
        if tag in ("caption", "th"):
            self._in = tag
            if tag == "th":
                self.heads.append("")
        elif tag == "td" and attrs.get("data-date"):
            self._day = attrs["data-date"]
            self.days[self._day] = {"class": attrs.get("class"), "text": "", "current": attrs.get("aria-current")}
        elif tag == "a" and self._day:
            self.days[self._day]["link"] = attrs.get("href")

    def handle_endtag(self, tag):
        if tag == "table":
            self._inside_calendar = False
        if tag in ("caption", "th"):
            self._in = None
        if tag == "td":
            self._day = None

    def handle_data(self, data):
        if self._in == "caption":
            self.caption += data
        elif self._in == "th":
            self.heads[-1] += data.strip()
        elif self._day:
            self.days[self._day]["text"] += " " + " ".join(data.split())


@pytest.fixture
def home_sharing(monkeypatch):
    monkeypatch.setattr(services, "current_sector", lambda: sectors.get("home-sharing"))
    return sectors.get("home-sharing")


@pytest.fixture
def listing(home_sharing, make_member):
    host = make_member(name="Hana Host")
    return services.publish(host.user, title="Garden room", description="", price=Decimal("40.00"),
                            details={"address": "1 Lane", "max_guests": 2})


def stay(offer, start, nights, guests=1):
    return services.place_order(offer, customer_name="Gus", customer_email="gus@example.org",
                                details={"check_in": start.isoformat(), "check_out": (start + timedelta(days=nights)).isoformat(),
                                         "guests": guests})


def page(client, offer, headers=None, **params):
    response = client.get(reverse("marketplace:offer", args=[offer.pk]), params, headers=headers)
    assert response.status_code == 200
    return response.content.decode()


def next_month(day):
    return (day.replace(day=1) + timedelta(days=32)).replace(day=1)


def test_the_listing_shows_a_month_grid_with_booked_and_free_days(client, listing):
    start = next_month(timezone.localdate()) + timedelta(days=9)  # the 10th of next month
    stay(listing, start, 3)
    shown = Calendar(page(client, listing, month=start.strftime("%Y-%m")))
    assert shown.caption.strip() == start.strftime("%B %Y")
    assert shown.heads == ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]  # the locale's week (en: from Sunday)
    assert len(shown.days) == (next_month(start) - start.replace(day=1)).days  # every day of the month, once
    for offset in range(3):
        night = (start + timedelta(days=offset)).isoformat()
        assert shown.days[night]["class"] == "booked" and "booked" in shown.days[night]["text"]
    check_out = shown.days[(start + timedelta(days=3)).isoformat()]
    assert check_out["class"] == "free" and "free" in check_out["text"]  # the next guest may arrive that day
    assert check_out["link"].endswith(f"check_in={(start + timedelta(days=3)).isoformat()}#request")


def test_months_are_navigated_and_a_bad_month_shows_this_one(client, listing):
    today = timezone.localdate()
    shown = Calendar(page(client, listing))
    assert shown.caption.strip() == today.strftime("%B %Y")
    assert shown.days[today.isoformat()]["current"] == "date"
    yesterday = today - timedelta(days=1)
    if yesterday.month == today.month:
        assert shown.days[yesterday.isoformat()]["class"] == "past"
    following = Calendar(page(client, listing, month=shown.links["next"].split("=")[1].split("#")[0]))
    assert following.caption.strip() == next_month(today).strftime("%B %Y")
    back = Calendar(page(client, listing, month=following.links["prev"].split("=")[1].split("#")[0]))
    assert back.caption.strip() == today.strftime("%B %Y")
    for nonsense in ("2026-13", "abc", "0-0", "99999-01", "9999-12", "0001-01", "2026-1-1", "-1-1"):
        assert Calendar(page(client, listing, month=nonsense)).caption.strip() == today.strftime("%B %Y")


def test_choosing_a_free_day_fills_in_the_check_in(client, listing):
    day = timezone.localdate() + timedelta(days=4)
    html = page(client, listing, month=day.strftime("%Y-%m"), check_in=day.isoformat())
    assert f'name="check_in" value="{day.isoformat()}"' in html


def test_the_host_blocks_and_frees_days_from_the_page(client, listing):
    first = next_month(timezone.localdate()) + timedelta(days=4)
    client.force_login(listing.worker.user)
    html = page(client, listing, month=first.strftime("%Y-%m"))
    assert reverse("marketplace:block_days", args=[listing.pk]) in html and "Block several days" in html
    done = client.post(reverse("marketplace:block_days", args=[listing.pk]),
                       {"start": first.isoformat(), "end": (first + timedelta(days=2)).isoformat(), "action": "block"},
                       follow=True)
    html = done.content.decode()
    assert "Days blocked." in html
    shown = Calendar(html)
    assert shown.caption.strip() == first.strftime("%B %Y")  # back on the month that was changed
    for offset in range(3):
        assert shown.days[(first + timedelta(days=offset)).isoformat()]["class"] == "blocked"
        assert "blocked by the host" in shown.days[(first + timedelta(days=offset)).isoformat()]["text"]

    client.logout()
    refused = client.post(reverse("marketplace:offer", args=[listing.pk]), {
        "customer_name": "Gus", "customer_email": "gus@example.org", "check_in": (first - timedelta(days=1)).isoformat(),
        "check_out": (first + timedelta(days=1)).isoformat(), "guests": 1})
    assert refused.status_code == 200 and "The host has blocked" in refused.content.decode()
    assert not Order.objects.exists()

    client.force_login(listing.worker.user)
    client.post(reverse("marketplace:block_days", args=[listing.pk]), {"start": first.isoformat(), "action": "free"})
    shown = Calendar(page(client, listing, month=first.strftime("%Y-%m")))
    assert shown.days[first.isoformat()]["class"] == "free"
    assert shown.days[(first + timedelta(days=1)).isoformat()]["class"] == "blocked"
    client.logout()
    assert stay(listing, first - timedelta(days=1), 2).pk  # the freed night can be booked again


def test_a_booked_night_or_a_past_day_cannot_be_blocked(client, listing):
    start = timezone.localdate() + timedelta(days=3)
    stay(listing, start, 2)
    client.force_login(listing.worker.user)
    refused = client.post(reverse("marketplace:block_days", args=[listing.pk]),
                          {"start": start.isoformat(), "end": (start + timedelta(days=5)).isoformat(), "action": "block"},
                          follow=True).content.decode()
    assert "already booked" in refused
    past = client.post(reverse("marketplace:block_days", args=[listing.pk]),
                       {"start": (timezone.localdate() - timedelta(days=2)).isoformat(), "action": "block"},
                       follow=True).content.decode()
    assert "Days in the past cannot be changed." in past
    listing.refresh_from_db()
    assert not listing.details.get("blocked_days")


def test_only_the_host_blocks_days(client, listing, make_member):
    day = (timezone.localdate() + timedelta(days=6)).isoformat()
    url = reverse("marketplace:block_days", args=[listing.pk])
    assert client.post(url, {"start": day}).status_code == 302  # to the login page
    other = make_member(name="Other Host")
    client.force_login(other.user)
    assert "Block several days" not in page(client, listing)
    answer = client.post(url, {"start": day, "action": "block"}, follow=True).content.decode()
    assert "Only the host of this listing" in answer
    listing.refresh_from_db()
    assert not listing.details.get("blocked_days")


def test_an_overlapping_stay_is_refused_on_the_page_and_the_calendar_is_unchanged(client, listing):
    start = timezone.localdate() + timedelta(days=8)
    stay(listing, start, 3)
    response = client.post(reverse("marketplace:offer", args=[listing.pk]), {
        "customer_name": "Ola", "customer_email": "ola@example.org", "check_in": (start + timedelta(days=2)).isoformat(),
        "check_out": (start + timedelta(days=4)).isoformat(), "guests": 1})
    assert response.status_code == 200 and "Already booked from" in response.content.decode()
    assert Order.objects.count() == 1
    shown = Calendar(page(client, listing, month=(start + timedelta(days=3)).strftime("%Y-%m")))
    assert shown.days[(start + timedelta(days=3)).isoformat()]["class"] == "free"


def test_other_sectors_have_no_calendar(client, make_member, monkeypatch):
    monkeypatch.setattr(services, "current_sector", lambda: sectors.get("cleaning"))
    offer = services.publish(make_member().user, title="Clean", description="", price=Decimal("20.00"), details={"area": "A"})
    assert 'class="calendar"' not in page(client, offer)


def test_the_calendar_speaks_the_visitors_language(client, listing, settings):
    settings.LANGUAGES = [("en", "English"), ("de", "Deutsch")]
    shown = Calendar(page(client, listing, headers={"accept-language": "de"}, month="2027-02"))
    assert shown.caption.strip() == "Februar 2027"
    assert shown.heads == ["Mo", "Di", "Mi", "Do", "Fr", "Sa", "So"]  # German weeks start on Monday
    assert len(shown.days) == 28 and date(2027, 2, 28).isoformat() in shown.days
    assert "frei" in shown.days["2027-02-01"]["text"]
