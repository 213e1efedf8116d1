from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from committee.provisioning import register_user_field
        from core.decision_log import entry_appended

        from .middleware import language_on_login
        from .receivers import dispatch_on_commit
        from .services import language_set_by_provisioning, provisioned_language_check

        user_logged_in.connect(language_on_login, dispatch_uid="accord-language-on-login")
        # Mail follows the decision log: see notifications.dispatch.
        entry_appended.connect(dispatch_on_commit, dispatch_uid="accord-mail-on-commit")
        # ``provision`` files may give a user's language (docs/roles.md).
        register_user_field(
            "language", check=provisioned_language_check, apply=language_set_by_provisioning
        )
