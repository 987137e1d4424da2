"""The fields each sector adds to an offer and to an order (stored in their `details`).

The sector id comes from governance/coop.json. To add a sector: add an entry here (and its
vocabulary in coopkit's templates/sectors/<id>.yml); the forms and pages follow.
"""
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

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
                      Field("window", _("Delivery window"))),
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


def hours(sector, details):
    if sector.hours:
        return Decimal(str(details.get(sector.hours) or 0))
    if "hours_per_visit" in details:
        return Decimal(str(details["hours_per_visit"])) * Decimal(str(details.get("visits") or 0))
    return Decimal(0)
