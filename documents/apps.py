from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = _("Documents")

    def ready(self) -> None:
        from projects.panels import register_panel

        from . import log_events
        from .services import register_transition_steps
        from .templatetags.documents_ui import documents_panel

        register_transition_steps()
        register_panel(
            "documents",
            slot="main",
            order=20,
            template="documents/_panel.html",
            context=documents_panel,
        )
        log_events.register()
