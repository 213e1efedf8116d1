"""The committee's events in the decision log: votes, conflicts, conditions, the decision."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.log_events import EventSpec, register_events

LABELS = {
    "vote_cast": _("Vote cast"),
    "vote_changed": _("Vote changed"),
    "vote_voided": _("Vote voided"),
    "conflict_declared": _("Conflict of interest declared"),
    "decision_log_exported": _("Decision log exported"),
    "condition_added": _("Condition of approval added"),
    "condition_satisfied": _("Condition of approval satisfied"),
    "condition_overdue": _("Condition of approval overdue"),
    "condition_edited": _("Condition of approval edited"),
    "condition_withdrawn": _("Condition of approval withdrawn"),
    "decision_recorded": _("Decision recorded"),
}


def register() -> None:
    """Name the events this app appends (called from ``CommitteeConfig.ready``)."""
    from . import log_prose

    register_events(EventSpec(code, label) for code, label in LABELS.items())
    log_prose.register()
