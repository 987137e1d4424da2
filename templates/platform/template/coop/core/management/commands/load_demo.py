"""Demo data for a first look: founders who can log in, a proposal, offers and orders."""
from datetime import timedelta
from decimal import Decimal

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from coop.governance import services as governance
from coop.governance.models import Proposal
from coop.ledger import services as ledger
from coop.marketplace import services as market
from coop.marketplace.models import Offer
from coop.members.models import Member

DEMO_PASSWORD = "demo-password"  # noqa: S105 - local demo only; README says so


def sample(spec, today):
    if spec.kind == "date":
        return (today + timedelta(days=10 if spec.name == "check_out" else 7)).isoformat()
    if spec.kind == "datetime":  # a window that ends after it starts
        return (timezone.now() + timedelta(days=2 if spec.name.endswith("_end") else 1)).replace(microsecond=0).isoformat()
    if spec.kind == "int":
        return 20 if spec.name == "stock" else 2
    if spec.kind == "decimal":
        return "3"
    if spec.kind == "choice":
        return spec.choices[0][0]
    return f"Demo {spec.name}"


class Command(BaseCommand):
    help = "Load demo data (founders with the password 'demo-password', a proposal, offers). Never in production."

    @transaction.atomic
    def handle(self, *args, **options):
        call_command("bootstrap_coop", stdout=self.stdout)
        members = list(Member.objects.filter(ceased_on__isnull=True, user__isnull=False))
        for index, member in enumerate(members):
            member.user.set_password(DEMO_PASSWORD)
            member.user.is_staff = member.user.is_superuser = index == 0
            member.user.save()
        if not members:
            self.stdout.write("No founders in governance/coop.json: nothing more to load.")
            return
        first = members[0].user
        if not Proposal.objects.exists():
            governance.create_proposal(
                first, title="Adopt the co-op's first annual plan",
                text="The board proposes the plan discussed at the founding meeting.",
            )
        if not Offer.objects.exists():
            sector = market.current_sector()
            today = timezone.localdate()
            for index, member in enumerate(members[:3]):
                offer = market.publish(
                    member.user, title=f"Demo offer {index + 1} by {member.name}", description="A demo offer.",
                    price=Decimal("25.00"), details={f.name: sample(f, today) for f in sector.offer_fields},
                )
                market.place_order(
                    offer, customer_name="Demo customer", customer_email="customer@example.org",
                    details={f.name: sample(f, today) for f in sector.order_fields},
                )
                ledger.report_hours(member.user, date=today, hours=Decimal(8 + index), description="Demo hours")
        self.stdout.write(f"Demo loaded. Log in as {first.email} with the password {DEMO_PASSWORD!r}.")
