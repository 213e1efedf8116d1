"""The lifecycle's events in the decision log: their names in both languages."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.log_events import EventSpec, register_events

LABELS = {
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
}


def register() -> None:
    """Name the events this app appends (called from ``ProjectsConfig.ready``)."""
    register_events(EventSpec(code, label) for code, label in LABELS.items())
