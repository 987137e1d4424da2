from django.core.management.base import BaseCommand

from coop.governance import services


class Command(BaseCommand):
    help = "Declare the result of every proposal whose voting window has closed (run from cron)."

    def handle(self, *args, **options):
        results = services.close_due()
        self.stdout.write(f"{len(results)} result(s) declared.")
