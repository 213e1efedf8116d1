from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommitteeConfig(AppConfig):
    name = "committee"
    verbose_name = _("Committee")

    def ready(self) -> None:
        from . import log_events, panels
        from .services import register_transition_steps

        register_transition_steps()
        panels.register()
        log_events.register()
