from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from coop.core.roles import SECRETARY
from coop.governance import services


class Command(BaseCommand):
    help = ("Call the annual general meeting in the rules' agm_month (with the rules' notice) if it is not called yet, "
            "and list board terms (board_term_years) that end within a year, for the AGM's elections.")

    def handle(self, *args, **options):
        secretary = get_user_model().objects.filter(groups__name=SECRETARY, is_active=True).first()
        if secretary is None:
            raise CommandError("No secretary: run `python manage.py bootstrap_coop` first.")
        meeting, created = services.schedule_agm(secretary)
        self.stdout.write(f"{'Called' if created else 'Already called'}: {meeting.title} on {meeting.scheduled_for:%Y-%m-%d}.")
        for term in services.board_elections_due():
            self.stdout.write(f"Board election due: {term.member.name} (term ends {term.ends_on}).")
