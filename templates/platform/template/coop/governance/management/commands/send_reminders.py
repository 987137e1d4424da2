from django.core.management.base import BaseCommand

from coop.governance import services


class Command(BaseCommand):
    help = ("Email voting members who have not voted about proposals closing within 24 hours (once per proposal), "
            "and declare due results. Run from cron, e.g. hourly.")

    def handle(self, *args, **options):
        results = services.close_due()
        sent = services.send_reminders()
        self.stdout.write(f"{sent} reminder(s) sent, {len(results)} result(s) declared.")
