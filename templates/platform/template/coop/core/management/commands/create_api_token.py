from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from coop.core.models import ApiToken


class Command(BaseCommand):
    help = "Create a JSON API token for a member (printed once; only its hash is stored)."

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, email, **options):
        user = get_user_model().objects.filter(email__iexact=email).first()
        if user is None:
            raise CommandError(f"No account uses {email}.")
        self.stdout.write(ApiToken.issue(user))
