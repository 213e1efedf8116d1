"""Decision-log entries in human words: event names, their data in prose, and hashes."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext_lazy as _

from committee import permissions
from core.log_events import event_label as label_of

from ..log_prose import prose

register = template.Library()

OUTCOME_LABELS = {
    "approved": _("Approved"),
    "rejected": _("Rejected"),
    "no_quorum": _("No quorum"),
}


@register.filter
def event_label(event: str) -> str:
    return label_of(event)


@register.filter
def outcome_label(outcome: str | None) -> str:
    return OUTCOME_LABELS.get(outcome or "", outcome or "—")


@register.filter
def short_hash(value: str) -> str:
    return (value or "")[:12]


@register.filter
def entry_prose(entry: Any) -> list[str]:
    """The entry's key values as short sentences in the reader's language."""
    return prose(entry.event, entry.data)


@register.filter
def can_read_decision_log(user: Any) -> bool:
    return permissions.can_read_decision_log(user)
