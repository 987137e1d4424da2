from django.core.management.base import BaseCommand

from coop.core import integrity


class Command(BaseCommand):
    help = ("Append the audit chain's head to the signed checkpoint file (COOP_CHECKPOINT_FILE), outside the "
            "database. Run it from cron (e.g. hourly); results and minutes also write one.")

    def handle(self, *args, **options):
        line = integrity.write_checkpoint()
        if line is None:
            self.stdout.write("The audit trail is empty: nothing to checkpoint.")
        else:
            self.stdout.write(f"Checkpoint: entry #{line['seq']} {line['hash']} ({integrity.checkpoint_file()}).")
