"""The documents app's events in the decision log."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.log_events import EventSpec, register_data, register_events


def register() -> None:
    """Name the events this app appends (called from ``DocumentsConfig.ready``)."""
    from .models import Kind

    register_events(
        [EventSpec("document_added", _("Document added"), {"kind": ("kind",), "comment": ()})]
    )
    register_data({}, words=dict(Kind.choices))
