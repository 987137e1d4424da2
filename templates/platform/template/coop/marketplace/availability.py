"""The availability calendar of a listing in a sector that books nights (home-sharing).

A stay from check-in to check-out occupies the nights check-in .. check-out - 1, so a stay may begin on
the day another ends. The host blocks nights (kept in the offer's details as ISO dates); a blocked or
booked night refuses a stay that includes it.
"""
import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.dates import WEEKDAYS, WEEKDAYS_ABBR
from django.utils.formats import date_format, get_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coop.core import models as audit
from coop.core.roles import member_of

from .models import Offer, Order

BLOCKED_KEY = "blocked_days"
MAX_BLOCK_DAYS = 366
LABELS = {"free": gettext_lazy("free"), "booked": gettext_lazy("booked"), "blocked": gettext_lazy("blocked by the host"),
          "past": gettext_lazy("past")}


@dataclass(frozen=True)
class Day:
    date: date
    state: str  # free | booked | blocked | past
    is_today: bool

    @property
    def label(self):
        return LABELS[self.state]

    @property
    def iso(self):
        return self.date.isoformat()


@dataclass(frozen=True)
class Month:
    first: date
    weeks: list  # of 7 Day-or-None
    weekdays: list  # of (full name, abbreviation), in the locale's week order

    @property
    def title(self):
        return date_format(self.first, "YEAR_MONTH_FORMAT")

    @property
    def key(self):
        return self.first.strftime("%Y-%m")

    @property
    def previous(self):
        return (self.first - timedelta(days=1)).strftime("%Y-%m")

    @property
    def next(self):
        return (self.first + timedelta(days=32)).replace(day=1).strftime("%Y-%m")


def parse_month(text, today):
    """The first day of "YYYY-MM", or of today's month when the text is missing, not a month, or so far
    away that its neighbours would not be dates."""
    try:
        year, month = (int(part) for part in str(text or "").split("-"))
        if not 1900 <= year <= 2999:
            raise ValueError(year)
        return date(year, month, 1)
    except ValueError:
        return today.replace(day=1)


def stays(offer, nights):
    """(check-in, check-out) of every stay not cancelled, as dates."""
    found = []
    for order in offer.orders.exclude(status=Order.CANCELLED).only("details"):
        try:
            found.append(tuple(date.fromisoformat(str(order.details.get(f))[:10]) for f in nights))
        except ValueError:
            continue
    return sorted(found)


def blocked_days(offer):
    return {date.fromisoformat(day) for day in offer.details.get(BLOCKED_KEY, [])}


def month(offer, nights, first, today):
    """The month starting at `first` as weeks of days, each free, booked, blocked or past."""
    booked = stays(offer, nights)
    blocked = blocked_days(offer)
    python_first = (int(get_format("FIRST_DAY_OF_WEEK")) - 1) % 7  # Django counts from Sunday, Python from Monday
    grid = calendar.Calendar(firstweekday=python_first).monthdatescalendar(first.year, first.month)

    def state(day):
        if any(start <= day < end for start, end in booked):
            return "booked"
        if day in blocked:
            return "blocked"
        return "past" if day < today else "free"

    weeks = [[Day(d, state(d), d == today) if d.month == first.month else None for d in week] for week in grid]
    order = [(python_first + i) % 7 for i in range(7)]
    return Month(first, weeks, [(WEEKDAYS[i], WEEKDAYS_ABBR[i]) for i in order])


def refuse_blocked(offer, nights, start, end):
    """Raise when a stay from start to end includes a night the host blocked."""
    start, end = date.fromisoformat(str(start)[:10]), date.fromisoformat(str(end)[:10])
    taken = sorted(day for day in blocked_days(offer) if start <= day < end)
    if taken:
        raise ValidationError({nights[0]: _("The host has blocked %(day)s: choose other dates.")
                               % {"day": date_format(taken[0], "DATE_FORMAT")}})


def set_blocked(offer, by, start, end, block, today):
    """The host blocks (or frees again) the nights from start to end inclusive."""
    if member_of(by) is None or member_of(by) != offer.worker:
        raise PermissionDenied(_("Only the host of this listing can block or free its days."))
    if end < start:
        raise ValidationError(_("The last day must not be before the first."))
    if start < today:
        raise ValidationError(_("Days in the past cannot be changed."))
    if (end - start).days >= MAX_BLOCK_DAYS:
        raise ValidationError(_("Change at most %(n)s days at a time.") % {"n": MAX_BLOCK_DAYS})
    days = {start + timedelta(days=i) for i in range((end - start).days + 1)}
    with transaction.atomic():
        offer = Offer.objects.select_for_update().get(pk=offer.pk)
        current = blocked_days(offer)
        if block:
            from .services import current_sector

            nights = current_sector().nights
            booked = sorted(d for d in days for s, e in stays(offer, nights) if s <= d < e) if nights else []
            if booked:
                raise ValidationError(_("%(day)s is already booked: a booked night cannot be blocked.")
                                      % {"day": date_format(booked[0], "DATE_FORMAT")})
            current |= days
        else:
            current -= days
        offer.details[BLOCKED_KEY] = sorted(day.isoformat() for day in current)
        offer.save(update_fields=["details"])
    audit.record("offer.blocked" if block else "offer.unblocked", by, offer=offer.pk, start=start.isoformat(),
                 end=end.isoformat())
    return offer
