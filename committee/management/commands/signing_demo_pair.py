from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from committee.signing import demo_pair


class Command(BaseCommand):
    help = (
        "Make a self-signed key and certificate for signing resolutions in the demo "
        "(once; an existing pair is kept). Real deployments set ACCORD_SIGNING_KEY/CERT."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dir", default=str(settings.ACCORD_DEMO_SIGNING_DIR), help="where to write it"
        )

    def handle(self, *args, **options):
        try:
            key, cert = demo_pair(Path(options["dir"]))
        except OSError as error:
            raise CommandError(f"cannot write the demo pair: {error.strerror}") from None
        self.stdout.write(f"demo signing pair: {key} {cert}")
