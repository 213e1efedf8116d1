import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from financing.tasks import recompute_exposure


class Command(BaseCommand):
    help = (
        "Recompute every instrument's exposure snapshot as of a day (default: today, UTC): "
        "the same job Celery runs nightly and after each transaction."
    )

    def add_arguments(self, parser):
        parser.add_argument("--as-of", dest="as_of", metavar="DATE", help="YYYY-MM-DD")

    def handle(self, *args, as_of=None, **options):
        if as_of is not None:
            try:
                as_of = dt.date.fromisoformat(as_of.strip()).isoformat()
            except ValueError:
                raise CommandError(f"--as-of {as_of!r} is not a date: use YYYY-MM-DD") from None
        # The task itself, run here in-process: exactly what a worker would run.
        written = recompute_exposure.apply(args=[as_of], throw=True).get()
        self.stdout.write(
            f"Recomputed exposure as of {as_of or 'today'}: {written} snapshots written "
            "(new or changed; unchanged ones kept)"
        )
