from django.core.management.base import BaseCommand, CommandError

from coop.core import integrity


class Command(BaseCommand):
    help = ("Verify the whole audit chain against the signed checkpoints and every chained record (votes, results, "
            "proposals, patronage, sweat equity, shares, allocations). Exit code 1 when anything was tampered with.")

    def handle(self, *args, **options):
        report = integrity.verify_all()
        if not report.checkpoints:
            self.stdout.write(self.style.WARNING("No signed checkpoint yet: run `python manage.py checkpoint_audit`."))
        if report.intact:
            self.stdout.write(self.style.SUCCESS(
                f"Intact: {report.entries} audit entries, {report.checkpoints} signed checkpoint(s), "
                f"{report.records} chained records."))
            return
        for problem in report.problems:
            self.stdout.write(self.style.ERROR(problem))
        raise CommandError(f"{len(report.problems)} problem(s) found: the records were tampered with.")
