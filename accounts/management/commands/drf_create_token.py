"""``drf_create_token USER``: a new API token for a script, ending after ACCORD_TOKEN_DAYS.

Replaces DRF's command of the same name (which made tokens that never end): the same call,
the same line printed, but the token is one of the user's named, hashed, expiring tokens.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from accounts.models import ApiToken
from accounts.services import AccountError, token_create


class Command(BaseCommand):
    help = "Create an API token for a user (it ends after ACCORD_TOKEN_DAYS days)."

    def add_arguments(self, parser):
        parser.add_argument("username", help="the user the token acts as")
        parser.add_argument(
            "-r",
            "--reset",
            action="store_true",
            help="revoke the user's earlier tokens made by this command first",
        )
        parser.add_argument("--name", default="drf_create_token", help="the token's name")

    def handle(self, *args, **options):
        User = get_user_model()
        username = options["username"]
        if "\x00" in username or "\x00" in options["name"]:
            raise CommandError("A username or a token's name cannot contain a NUL character.")
        user = User.objects.filter(**{User.USERNAME_FIELD: username}).first()
        if user is None:
            raise CommandError(f"Cannot create the Token: user {username} does not exist")
        if options["reset"]:
            ApiToken.objects.filter(user=user, name=options["name"]).delete()
        try:
            token, secret = token_create(user=user, name=options["name"])
        except AccountError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Generated token {secret} for user {username}")
        self.stdout.write(f"It ends {token.expiry:%Y-%m-%d %H:%M} UTC.")
