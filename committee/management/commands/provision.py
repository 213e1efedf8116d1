import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from committee.provisioning import provision
from core.errors import DomainError


class Command(BaseCommand):
    help = "Create or update sponsors and users from a JSON file; all or nothing."

    def add_arguments(self, parser):
        parser.add_argument("file", help="path to the provisioning JSON file")

    def handle(self, *args, **options):
        path = Path(options["file"])
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise CommandError(f"no such file: {path}") from None
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"cannot read {path}: {error}") from None
        except json.JSONDecodeError as error:
            raise CommandError(
                f"{path} is not valid JSON: {error.msg} at line {error.lineno}"
            ) from None
        try:
            summary = provision(document)
        except DomainError as error:
            raise CommandError(f"{error.message}; nothing was changed") from None
        self.stdout.write(
            f"provisioned {summary.sponsors} sponsor(s), created {summary.users_created} "
            f"and updated {summary.users_updated} user(s)"
        )
