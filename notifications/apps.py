from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from committee.provisioning import register_user_field

        from .middleware import language_on_login
        from .services import language_set_by_provisioning, provisioned_language_check

        user_logged_in.connect(language_on_login, dispatch_uid="accord-language-on-login")
        # ``provision`` files may give a user's language (docs/roles.md).
        register_user_field(
            "language", check=provisioned_language_check, apply=language_set_by_provisioning
        )
