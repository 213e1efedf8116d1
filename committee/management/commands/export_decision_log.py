import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from committee import services
from committee.exports import FORMATS, write_export
from core.errors import DomainError


def _date(value: str) -> str:
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"not a date (YYYY-MM-DD): {value!r}") from None
    return value


class Command(BaseCommand):
    help = "Export the decision log for auditors as csv, jsonl or xlsx."

    def add_arguments(self, parser):
        parser.add_argument("--format", required=True, choices=sorted(FORMATS))
        parser.add_argument("--since", type=_date, help="first day included (YYYY-MM-DD)")
        parser.add_argument("--until", type=_date, help="last day included (YYYY-MM-DD)")
        parser.add_argument("--proposal", help="a proposal reference, e.g. P-2025-0001")
        parser.add_argument(
            "--lang", default="en", choices=["en", "ja"], help="language of the labels"
        )
        parser.add_argument("-o", "--output", required=True, help="file to write")

    def handle(self, *args, **options):
        path = Path(options["output"])
        if not path.parent.is_dir():
            raise CommandError(f"no such directory: {path.parent}")
        filters = {key: options[key] for key in ("since", "until", "proposal") if options[key]}
        try:
            rows = services.decision_log_export(
                user=None, fmt=options["format"], filters=filters, lang=options["lang"]
            )
            write_export(rows, options["format"], str(path), options["lang"])
        except DomainError as error:
            raise CommandError(error.message) from None
        except OSError as error:
            raise CommandError(f"cannot write {path}: {error.strerror}") from None
        self.stdout.write(f"wrote {path}")
