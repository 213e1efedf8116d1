from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from committee.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET, USERS, seed_demo
from core.errors import DomainError


class Command(BaseCommand):
    help = "Load the demo program (idempotent) and print the demo logins."

    def handle(self, *args, **options):
        try:
            result = seed_demo()
        except DomainError as error:
            raise CommandError(error.message) from None
        for note in result["notes"]:
            self.stdout.write(f"Note: {note}")
        self.stdout.write(
            f"Demo ready: {result['proposals_created']} proposal(s) created, "
            f"{result['users']} users. Log in at http://127.0.0.1:8000/accounts/login/"
        )
        self.stdout.write(f"Every demo user's password: {DEMO_PASSWORD}")
        roles = ", ".join(settings.ACCORD_MFA_REQUIRED_ROLES)
        if roles:
            self.stdout.write(
                f"Roles {roles} then enter an authenticator code. Demo only: their "
                f"authenticator secret is {DEMO_TOTP_SECRET} (add it to an authenticator "
                "app), or print the current code with: python manage.py demo_code"
            )
        self.stdout.write(f"{'username':<14} {'role':<9} delegation / sponsor")
        for username, role, where, _display in USERS:
            self.stdout.write(f"{username:<14} {role:<9} {where}")
