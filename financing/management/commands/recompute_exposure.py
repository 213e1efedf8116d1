import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from financing.models import ExposureDay
from financing.selectors import today
from financing.tasks import recompute_exposure


class Command(BaseCommand):
    help = (
        "Run the exposure job Celery runs nightly: every instrument's figures brought up to "
        "today (the changed ones written), then the program's totals recorded as of a day "
        "(default: today) for the exposure page's trend."
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
        as_of = as_of or today().isoformat()
        written = recompute_exposure.apply(args=[as_of], throw=True).get()
        day = ExposureDay.objects.get(as_of=as_of)
        missing = f", {day.missing} without a rate (not counted)" if day.missing else ""
        self.stdout.write(
            f"Recomputed exposure as of {day.as_of}: {day.exposure_usd:,} USD over "
            f"{day.instruments} instrument(s){missing}; figures of {written} instrument(s) "
            "written (new or changed; unchanged ones kept)"
        )
