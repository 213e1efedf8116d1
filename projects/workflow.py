"""The proposal lifecycle as one table: action, from, to, who may fire it, and its log event.

Plain data, read by the transition service, the permission policy, the API and the pages.
Audiences named in ``grant``/``revoke`` gain or lose the right to see the proposal in the
same transaction as the change (see ``projects.permissions.apply_audience_changes``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from core.models import Role

from .models import Status

# Audiences of a proposal, granted as it moves.
LEAD_SPONSOR = "lead_sponsor"
CO_SPONSORS = "co_sponsors"
SECRETARIAT = "secretariat"
COMMITTEE = "committee"


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[str]
    targets: tuple[str, ...]
    roles: frozenset[str]
    event: str
    label: str  # lazily translated
    comment_required: bool = False
    grant: tuple[str, ...] = ()
    revoke: tuple[str, ...] = ()
    stamps: tuple[str, ...] = field(default=())

    @property
    def target(self) -> str:
        """The single target of a transition that has one."""
        return self.targets[0]


def _t(action, sources, targets, roles, event, label, **extra) -> Transition:
    return Transition(
        action=action,
        sources=frozenset(sources),
        targets=tuple(targets),
        roles=frozenset(roles),
        event=event,
        label=label,
        **extra,
    )


S = Status
TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in (
        _t(
            "submit",
            [S.DRAFT],
            [S.SUBMITTED],
            [Role.SPONSOR],
            "proposal_submitted",
            _("Submit"),
            grant=(CO_SPONSORS, SECRETARIAT),
            stamps=("submitted_at",),
        ),
        _t(
            "withdraw",
            [S.DRAFT, S.SUBMITTED, S.IN_REVIEW],
            [S.WITHDRAWN],
            [Role.SPONSOR],
            "proposal_withdrawn",
            _("Withdraw"),
        ),
        _t(
            "return",
            [S.SUBMITTED],
            [S.DRAFT],
            [Role.STAFF],
            "proposal_returned",
            _("Return to sponsor"),
            comment_required=True,
            revoke=(CO_SPONSORS, SECRETARIAT),
        ),
        _t(
            "accept",
            [S.SUBMITTED],
            [S.IN_REVIEW],
            [Role.STAFF],
            "proposal_accepted",
            _("Accept for review"),
            grant=(COMMITTEE,),
        ),
        _t(
            "open_ballot",
            [S.IN_REVIEW],
            [S.VOTING],
            [Role.CHAIR],
            "ballot_opened",
            _("Open ballot"),
        ),
        _t(
            "close_ballot",
            [S.VOTING],
            [S.APPROVED, S.REJECTED, S.IN_REVIEW],
            [Role.CHAIR],
            "ballot_closed",
            _("Close ballot"),
        ),
        _t(
            "start_funding",
            [S.APPROVED],
            [S.FUNDING],
            [Role.STAFF],
            "funding_started",
            _("Start funding"),
        ),
        _t("activate", [S.FUNDING], [S.ACTIVE], [Role.STAFF], "proposal_activated", _("Activate")),
        _t("close", [S.ACTIVE], [S.CLOSED], [Role.STAFF], "proposal_closed", _("Close")),
    )
}
del S

ACTIONS = tuple(TRANSITIONS)


def transition_for(action: str) -> Transition | None:
    return TRANSITIONS.get(action)


def actions_from(status: str) -> list[Transition]:
    """Transitions whose source includes ``status``, in table order."""
    return [t for t in TRANSITIONS.values() if status in t.sources]
