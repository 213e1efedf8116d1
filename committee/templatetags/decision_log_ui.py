"""Decision-log entries in human words: event names, short data summaries and hashes."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext_lazy as _

from committee import permissions
from projects.models import Status

register = template.Library()

EVENT_LABELS = {
    "proposal_created": _("Draft created"),
    "proposal_submitted": _("Submitted to the secretariat"),
    "proposal_withdrawn": _("Withdrawn by the sponsor"),
    "proposal_returned": _("Returned to the sponsor"),
    "proposal_accepted": _("Accepted for committee review"),
    "ballot_opened": _("Ballot opened"),
    "ballot_closed": _("Ballot closed"),
    "funding_started": _("Funding started"),
    "proposal_activated": _("Project activated"),
    "proposal_closed": _("Project closed"),
    "vote_cast": _("Vote cast"),
    "vote_changed": _("Vote changed"),
    "vote_voided": _("Vote voided"),
    "conflict_declared": _("Conflict of interest declared"),
    "document_added": _("Document added"),
    "decision_log_exported": _("Decision log exported"),
    "instrument_committed": _("Instrument committed"),
    "transaction_recorded": _("Transaction recorded"),
    "distribution_recorded": _("Distribution recorded"),
    "fx_rate_recorded": _("FX rate recorded"),
    "fx_rate_set": _("FX rate recorded"),
    "approval_requested": _("Entry waiting for a second staff user"),
    "approval_approved": _("Entry approved by a second staff user"),
    "approval_rejected": _("Entry rejected by a second staff user"),
    "transaction_reversed": _("Transaction reversed"),
    "distribution_reversed": _("Distribution reversed"),
    "true_up_arose": _("True-up owed"),
    "true_up_cleared": _("True-up no longer owed"),
    "true_up_settled": _("True-up settled"),
    "limit_breached": _("Program limit breached"),
    "limit_cleared": _("Program limit breach cleared"),
    "condition_added": _("Condition of approval added"),
    "condition_satisfied": _("Condition of approval satisfied"),
    "condition_overdue": _("Condition of approval overdue"),
    "condition_edited": _("Condition of approval edited"),
    "condition_withdrawn": _("Condition of approval withdrawn"),
    "decision_recorded": _("Decision recorded"),
}

OUTCOME_LABELS = {
    "approved": _("Approved"),
    "rejected": _("Rejected"),
    "no_quorum": _("No quorum"),
}

_STATUS_LABELS = dict(Status.choices)
# Keys worth a glance in a table cell; the full entry is in the export.
_SUMMARY_KEYS = (
    "from",
    "to",
    "outcome",
    "rule",
    "closes_at",
    "sponsor",
    "delegation",
    "format",
    "reason",
    "comment",
    "amount",
    "currency",
    "kind",
    "provider",
)


@register.filter
def event_label(event: str) -> str:
    if event in EVENT_LABELS:
        return EVENT_LABELS[event]
    return str(event).replace("_", " ").capitalize()


@register.filter
def outcome_label(outcome: str | None) -> str:
    return OUTCOME_LABELS.get(outcome or "", outcome or "—")


@register.filter
def short_hash(value: str) -> str:
    return (value or "")[:12]


def _text(key: str, value: Any) -> str:
    if key in ("from", "to") and value in _STATUS_LABELS:
        return str(_STATUS_LABELS[value])
    if key == "outcome":
        return str(outcome_label(value))
    text = str(value)
    return text if len(text) <= 60 else text[:57] + "…"


@register.filter
def data_summary(data: Any) -> str:
    """A one-line view of an entry's data: a few telling keys, never the whole blob."""
    if not isinstance(data, dict) or not data:
        return ""
    parts = []
    if "from" in data and "to" in data:
        parts.append(f"{_text('from', data['from'])} → {_text('to', data['to'])}")
    for key in _SUMMARY_KEYS:
        if key in ("from", "to") or key not in data or data[key] in (None, ""):
            continue
        parts.append(f"{key}: {_text(key, data[key])}")
    if isinstance(data.get("votes"), list):
        parts.append(f"votes: {len(data['votes'])}")
    if not parts:
        parts = [f"{key}: {_text(key, value)}" for key, value in list(data.items())[:3]]
    return " · ".join(parts)


@register.filter
def can_read_decision_log(user: Any) -> bool:
    return permissions.can_read_decision_log(user)
