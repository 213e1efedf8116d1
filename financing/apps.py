from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _


class FinancingConfig(AppConfig):
    name = "financing"
    verbose_name = _("Financing")

    def ready(self) -> None:
        from projects.panels import register_panel

        from .templatetags.financing_ui import financing_panel

        register_panel(
            "financing",
            slot="main",
            order=30,
            template="financing/_panel.html",
            context=financing_panel,
        )
        connection_created.connect(_sqlite_functions, dispatch_uid="financing-sqlite-functions")
        from committee.work import WorkSection, register_work_section

        from .selectors import approvals_waiting_for

        register_work_section(
            WorkSection(
                key="approvals",
                heading=_("Entries waiting for your approval"),
                template="financing/_work_approvals.html",
                items=approvals_waiting_for,
            )
        )

        from . import log_events

        log_events.register()


def _sqlite_functions(sender, connection, **kwargs) -> None:
    """SQLite lacks exact decimals: give it the USD conversion the exposure queries call."""
    if connection.vendor == "sqlite":
        from .selectors.ledger import sqlite_usd_cents

        connection.connection.create_function(
            "ACCORD_USD_CENTS", 2, sqlite_usd_cents, deterministic=True
        )
