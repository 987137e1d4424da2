"""Write one copier answers file per sector (plus hostile variants) into a folder.

Usage: python make_answers.py OUT_DIR   (needs PyYAML and copier.yml next to this folder)
"""
import copy
import sys
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
QUESTIONS = yaml.safe_load((HERE.parent / "copier.yml").read_text(encoding="utf-8"))
DEFAULTS = {k: v["default"] for k, v in QUESTIONS.items() if not k.startswith("_")}


def vocab(worker, workers, customer, customers, unit, units, listing, listings, booking, bookings):
    return dict(worker=worker, workers=workers, customer=customer, customers=customers, unit=unit, units=units,
                listing=listing, listings=listings, booking=booking, bookings=bookings)


SECTORS = {
    "delivery": ("Delivery", vocab("Courier", "Couriers", "Customer", "Customers", "delivery", "deliveries",
                                   "delivery slot", "delivery slots", "delivery order", "delivery orders")),
    "ride-hailing": ("Ride-hailing", vocab("Driver", "Drivers", "Rider", "Riders", "ride", "rides",
                                           "availability", "availabilities", "ride request", "ride requests")),
    "home-sharing": ("Home-sharing", vocab("Host", "Hosts", "Guest", "Guests", "night", "nights",
                                           "listing", "listings", "booking", "bookings")),
    "freelance": ("Freelance", vocab("Freelancer", "Freelancers", "Client", "Clients", "project", "projects",
                                     "service", "services", "commission", "commissions")),
    "care": ("Care", vocab("Carer", "Carers", "Family", "Families", "visit", "visits",
                           "care offer", "care offers", "care plan", "care plans")),
    "cleaning": ("Cleaning", vocab("Cleaner", "Cleaners", "Client", "Clients", "hour", "hours",
                                   "service", "services", "booking", "bookings")),
    "marketplace": ("Marketplace", vocab("Maker", "Makers", "Buyer", "Buyers", "item", "items",
                                         "product", "products", "order", "orders")),
    "stock-media": ("Stock media", vocab("Creator", "Creators", "Licensee", "Licensees", "licence", "licences",
                                         "asset", "assets", "licence purchase", "licence purchases")),
}

HOSTILE_NAME = 'Zoë\'s "Co-op" {{ 7*7 }} {% raw %} <script>alert(1)</script> ../../etc ✊🏽 تعاونية ' + "x" * 200


def answers(sector_id):
    data = copy.deepcopy(DEFAULTS)
    name, words = SECTORS[sector_id]
    data["sector"] = {"id": sector_id, "name": name, "vocabulary": words}
    coop = data["coop"]
    coop["sector"] = sector_id
    coop["member_classes"][0]["label"] = words["worker"]
    return data


def variants():
    for sector_id in SECTORS:
        yield sector_id, answers(sector_id)
    hostile = answers("marketplace")
    hostile["coop"].update(name=HOSTILE_NAME, purpose="<b>{{ 7*7 }}</b> & ${HOME} `rm -rf /`", region="الإسكندرية",
                           registered_office="'; DROP TABLE members; --", language="ar")
    hostile["full_name"] = HOSTILE_NAME + " Limited"
    hostile["rules_title"] = "{{ 7*7 }} <script>"
    hostile["rules_markdown"] = "# Rules of {{ 7*7 }}\n\n<script>alert(1)</script>\n\n[click](javascript:alert(1))\n"
    yield "hostile", hostile
    multi = answers("home-sharing")
    multi["coop"].update(coop_type="multi-stakeholder", language="pt-BR")
    multi["coop"]["platform"]["languages"] = ["pt-BR", "en"]
    multi["coop"]["governance"].update(class_weighted_voting=True, admission_by="general_meeting", special_majority_percent=66.67)
    multi["coop"]["member_classes"] = [
        {"id": "worker", "label": "Host", "voting": True, "share_price": 50, "min_shares": 1, "vote_weight_percent": 60},
        {"id": "user", "label": "Guest", "voting": True, "share_price": 10, "min_shares": 1, "vote_weight_percent": 40},
    ]
    yield "multi-stakeholder", multi


if __name__ == "__main__":
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    for label, data in variants():
        (out / f"{label}.yml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
        print(label)
