from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from coop import profile
from coop.core import accounts
from coop.core import models as audit
from coop.core.roles import ADMIN, BOARD, SECRETARY
from coop.members import services
from coop.members.models import BoardTerm, Member


class Command(BaseCommand):
    help = ("Create the roles and make the founders in governance/coop.json the first members (idempotent). "
            "With --invite, email each founder who has no password yet a link to set one.")

    def add_arguments(self, parser):
        parser.add_argument("--invite", action="store_true", help="email founders without a password a set-password link")

    def handle(self, *args, **options):
        created = self.register_founders()
        self.stdout.write(f"{created} founder(s) registered as members.")
        if options["invite"]:
            sent = 0
            for member in Member.objects.filter(user__isnull=False, ceased_on__isnull=True).select_related("user"):
                if not member.user.has_usable_password():
                    accounts.invite(member.user, member.name)
                    sent += 1
            self.stdout.write(f"{sent} invitation(s) sent.")

    @transaction.atomic
    def register_founders(self):
        for role in (BOARD, SECRETARY, ADMIN):
            Group.objects.get_or_create(name=role)
        current = profile.current()
        board_size = int(current.governance.get("board_size") or 0)
        users = get_user_model().objects
        created = 0
        for index, founder in enumerate(current.coop.get("founders") or []):
            email = founder["email"].strip().lower()
            if Member.objects.filter(email__iexact=email).exists():
                continue
            user = users.filter(email__iexact=email).first() or users.create_user(email, None)
            member = Member.objects.create(
                user=user, name=founder["name"], email=email, address="",
                member_class=founder["member_class"], admitted_on=timezone.localdate(),
            )
            try:
                services.subscribe(member, int(founder.get("shares") or 1), paid=True)
            except ValidationError as error:
                raise CommandError(f"Founder {index + 1}: {' '.join(error.messages)}") from None
            if index < board_size:
                user.groups.add(Group.objects.get(name=BOARD))
                BoardTerm.objects.create(member=member, started_on=member.admitted_on)
            if index == 0:
                user.groups.add(Group.objects.get(name=SECRETARY))
            audit.record("member.founder", None, member=member.pk)
            created += 1
        return created
