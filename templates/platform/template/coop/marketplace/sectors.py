"""The fields each sector adds to an offer and to an order (stored in their `details`).

The sector id comes from governance/coop.json. To add a sector: add an entry here (and its
vocabulary in coopkit's templates/sectors/<id>.yml); the forms and pages follow.
"""
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    kind: str = "text"  # text | longtext | date | datetime | int | decimal | choice
    required: bool = True
    choices: tuple = ()


@dataclass(frozen=True)
class Sector:
    offer_fields: tuple = ()
    order_fields: tuple = ()
    quantity: str | None = None  # the order field counted as units (price × quantity)
    hours: str | None = None  # the order field counted as hours of work for patronage
    stock: str | None = None  # the offer field holding stock, decremented by orders
    nights: tuple | None = None  # (check-in field, check-out field): quantity is the nights between
    extra: dict = field(default_factory=dict)


SECTORS = {
    "delivery": Sector(
        offer_fields=(Field("area", _("Area covered")), Field("window_start", _("Available from"), "datetime"),
                      Field("window_end", _("Available until"), "datetime")),
        order_fields=(Field("pickup", _("Pickup address"), "longtext"), Field("dropoff", _("Drop-off address"), "longtext"),
                      Field("distance_km", _("Distance (km)"), "decimal"), Field("window", _("Delivery window"))),
        quantity="distance_km",  # the offer's price is per km: distance-based price
        extra={"max_distance_km": 100, "dispatch": True},
    ),
    "ride-hailing": Sector(
        offer_fields=(Field("vehicle", _("Vehicle")), Field("area", _("Area served"))),
        order_fields=(Field("origin", _("From")), Field("destination", _("To")), Field("pickup_time", _("Time"), "datetime")),
    ),
    "home-sharing": Sector(
        offer_fields=(Field("address", _("Address"), "longtext"), Field("max_guests", _("Maximum guests"), "int")),
        order_fields=(Field("check_in", _("Check-in"), "date"), Field("check_out", _("Check-out"), "date"),
                      Field("guests", _("Guests"), "int")),
        nights=("check_in", "check_out"),
        extra={"capacity": ("guests", "max_guests")},
    ),
    "freelance": Sector(
        offer_fields=(Field("skills", _("Skills")),),
        order_fields=(Field("brief", _("Brief"), "longtext"), Field("deliverable", _("Deliverable")),
                      Field("deadline", _("Deadline"), "date"), Field("hours", _("Estimated hours"), "decimal")),
        quantity="hours", hours="hours",
    ),
    "care": Sector(
        offer_fields=(Field("services", _("Care offered"), "longtext"),),
        order_fields=(Field("first_visit", _("First visit"), "datetime"), Field("visits", _("Number of visits"), "int"),
                      Field("every_days", _("Days between visits"), "int"), Field("hours_per_visit", _("Hours per visit"), "decimal")),
        quantity="visits",
    ),
    "cleaning": Sector(
        offer_fields=(Field("area", _("Area covered")),),
        order_fields=(Field("address", _("Address"), "longtext"), Field("when", _("When"), "datetime"),
                      Field("hours", _("Hours"), "decimal")),
        quantity="hours", hours="hours",
    ),
    "marketplace": Sector(
        offer_fields=(Field("stock", _("Stock"), "int"),),
        order_fields=(Field("quantity", _("Quantity"), "int"), Field("delivery_address", _("Delivery address"), "longtext")),
        quantity="quantity", stock="stock",
    ),
    "stock-media": Sector(
        offer_fields=(Field("asset_url", _("Preview link")), Field("media_type", _("Media type"), "choice",
                      choices=(("photo", _("Photo")), ("video", _("Video")), ("audio", _("Audio")), ("illustration", _("Illustration"))))),
        order_fields=(Field("licence", _("Licence"), "choice", choices=(("standard", _("Standard")), ("extended", _("Extended")))),
                      Field("usage", _("Intended use"), "longtext", required=False)),
    ),
}
GENERIC = Sector()


def get(sector_id):
    return SECTORS.get(sector_id, GENERIC)


def quantity(sector, details):
    """Units ordered: nights of a stay, hours of work, items... 1 when the sector has none."""
    if sector.nights:
        start, end = (date.fromisoformat(str(details[f])) for f in sector.nights)
        return Decimal((end - start).days)
    if sector.quantity:
        return Decimal(str(details[sector.quantity]))
    return Decimal(1)


MAX_HOURS = Decimal(24)


def _aware(moment):
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def _number(details, name):
    value = details.get(name)
    return None if value in (None, "") else Decimal(str(value))


def validate(sector, details, offer_details, today, now):
    """Every sector's order rules. Returns {field: message} (empty when the order is acceptable)."""
    errors = {}
    for spec in sector.order_fields:
        value = details.get(spec.name)
        if value in (None, ""):
            continue
        if spec.kind == "date" and date.fromisoformat(str(value)[:10]) < today:
            errors[spec.name] = _("This date is in the past.")
        elif spec.kind == "datetime" and _aware(datetime.fromisoformat(str(value))) < now:
            errors[spec.name] = _("This time is in the past.")
        elif spec.kind in ("int", "decimal") and Decimal(str(value)) < 0:
            errors[spec.name] = _("This cannot be negative.")
    if sector.nights and not errors:
        start, end = (details.get(f) for f in sector.nights)
        if start and end and str(end) <= str(start):
            errors[sector.nights[1]] = _("Check-out must be after check-in.")
    capacity = sector.extra.get("capacity")
    if capacity:
        wanted, limit = _number(details, capacity[0]), _number(offer_details, capacity[1])
        if wanted is not None and wanted < 1:
            errors[capacity[0]] = _("At least one.")
        elif wanted is not None and limit is not None and wanted > limit:
            errors[capacity[0]] = _("At most %(n)s.") % {"n": limit}
    for name in ("hours", "hours_per_visit"):
        hours_value = _number(details, name)
        if hours_value is not None and not (0 < hours_value <= MAX_HOURS):
            errors[name] = _("Between 0 and %(n)s hours.") % {"n": MAX_HOURS}
    visits = _number(details, "visits")
    if visits is not None and visits < 1:
        errors["visits"] = _("At least one visit.")
    if visits is not None and visits > 1 and (_number(details, "every_days") or 0) < 1:
        errors["every_days"] = _("Repeated visits need at least one day between them.")
    if "quantity" in details and (_number(details, "quantity") or 0) < 1:
        errors["quantity"] = _("At least one.")
    distance = _number(details, "distance_km")
    if distance is not None:
        most = Decimal(str(sector.extra.get("max_distance_km", 100)))
        if not (0 < distance <= most):
            errors["distance_km"] = _("Between 0 and %(n)s km.") % {"n": most}
    if "origin" in details and "destination" in details and str(details["origin"]).strip().lower() == str(details["destination"]).strip().lower():
        errors["destination"] = _("The destination must differ from the starting point.")
    return errors


def validate_offer(sector, details, now):
    """Every sector's offer rules (a window that ends after it starts, room for a guest). {field: message}."""
    errors = {}
    for spec in sector.offer_fields:
        value = details.get(spec.name)
        if spec.kind in ("int", "decimal") and value not in (None, "") and Decimal(str(value)) < 0:
            errors[spec.name] = _("This cannot be negative.")
    start, end = details.get("window_start"), details.get("window_end")
    if start and end and _aware(datetime.fromisoformat(str(end))) <= _aware(datetime.fromisoformat(str(start))):
        errors["window_end"] = _("The end must be after the start.")
    elif end and _aware(datetime.fromisoformat(str(end))) < now:
        errors["window_end"] = _("This time is in the past.")
    guests = _number(details, "max_guests")
    if guests is not None and guests < 1:
        errors["max_guests"] = _("At least one.")
    return errors


def hours(sector, details):
    if sector.hours:
        return Decimal(str(details.get(sector.hours) or 0))
    if "hours_per_visit" in details:
        return Decimal(str(details["hours_per_visit"])) * Decimal(str(details.get("visits") or 0))
    return Decimal(0)
