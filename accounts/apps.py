from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """Sign-in and what guards it: second factors, re-authentication, API tokens, sessions.

    Ranked with the kernel at the bottom: it imports none of Accord's other apps (a user's
    role is read through the ``membership`` relation), so every app may use its helpers.
    """

    default_auto_field = "django.db.models.BigAutoField"
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from . import audit, sessions

        audit.connect()
        sessions.connect()
