from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from coop import profile
from coop.core import models as audit
from coop.core.roles import ADMIN, BOARD, SECRETARY
from coop.members import services
from coop.members.models import Member


class Command(BaseCommand):
    help = "Create the roles and make the founders in governance/coop.json the first members (idempotent)."

    @transaction.atomic
    def handle(self, *args, **options):
        for role in (BOARD, SECRETARY, ADMIN):
            Group.objects.get_or_create(name=role)
        current = profile.current()
        board_size = int(current.governance.get("board_size") or 0)
        users = get_user_model().objects
        created = 0
        for index, founder in enumerate(current.coop.get("founders") or []):
            email = founder["email"]
            if Member.objects.filter(email=email).exists():
                continue
            user, _ = users.get_or_create(username=email[:150], defaults={"email": email})
            if not user.has_usable_password():
                user.set_unusable_password()
            user.save()
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
            if index == 0:
                user.groups.add(Group.objects.get(name=SECRETARY))
            audit.record("member.founder", None, member=member.pk)
            created += 1
        self.stdout.write(f"{created} founder(s) registered as members.")
