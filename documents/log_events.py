"""The documents app's events in the decision log."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.log_events import EventSpec, register_events


def register() -> None:
    """Name the events this app appends (called from ``DocumentsConfig.ready``)."""
    register_events(
        [EventSpec("document_added", _("Document added"), {"kind": ("kind",), "comment": ()})]
    )
