from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """The kernel every app builds on; it imports none of them."""

    name = "core"
    verbose_name = _("Accord")

    def ready(self) -> None:
        from . import checks  # noqa: F401 - registers Accord's deployment checks
