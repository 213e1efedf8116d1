"""The proposal lifecycle as one table: action, from, to, who may fire it, and its log event.

Plain data, read by the transition service, the permission policy, the API and the pages
(docs/lifecycle.md). Audiences named in ``grant``/``revoke`` gain or lose the right to see the
proposal in the same transaction as the change (``projects.permissions``).

Apps above ``projects`` attach their part of a transition (the ballot, the decision package,
the conditions guard) with ``register_step`` from their ``AppConfig.ready()``; a row's
``requires`` names the apps that must have done so, and a system check (``projects.checks``)
fails when one has not.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

from core.models import Role

from .models import Proposal, Status

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
    # (target, field): the date field set to now when the transition lands in that state.
    stamps: tuple[tuple[str, str], ...] = ()
    # outcome -> target, for a transition whose steps decide where it goes.
    outcomes: tuple[tuple[str, str], ...] = ()
    # Apps that must register a step for this action (checked at start-up).
    requires: tuple[str, ...] = ()
    # May run without a user (the scheduler).
    scheduled: bool = False
    # What cannot be undone, in one sentence: the pages ask for confirmation, saying it.
    consequence: str = ""  # lazily translated

    def target_for(self, outcome: str | None) -> str:
        """Where the transition goes: its one target, or the one its steps' outcome picks."""
        if not self.outcomes:
            return self.targets[0]
        return dict(self.outcomes)[outcome]

    def stamped_fields(self, target: str) -> list[str]:
        return [name for state, name in self.stamps if state == target]


def _t(action, sources, targets, roles, event, label, **extra) -> Transition:
    for key in ("stamps", "outcomes"):
        if key in extra:
            extra[key] = tuple(dict(extra[key]).items())
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
            stamps={S.SUBMITTED: "submitted_at"},
        ),
        _t(
            "withdraw",
            [S.DRAFT, S.SUBMITTED, S.IN_REVIEW],
            [S.WITHDRAWN],
            [Role.SPONSOR],
            "proposal_withdrawn",
            _("Withdraw"),
            consequence=_(
                "The proposal leaves the committee's process for good: "
                "it cannot be submitted again."
            ),
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
            requires=("committee", "documents"),
        ),
        _t(
            "close_ballot",
            [S.VOTING],
            [S.APPROVED, S.REJECTED, S.IN_REVIEW],
            [Role.CHAIR],
            "ballot_closed",
            _("Close ballot"),
            consequence=_(
                "Voting ends now: nobody can cast or change a vote, "
                "and the outcome is counted and recorded."
            ),
            outcomes={"approved": S.APPROVED, "rejected": S.REJECTED, "no_quorum": S.IN_REVIEW},
            stamps={S.APPROVED: "decided_at", S.REJECTED: "decided_at"},
            requires=("committee",),
            scheduled=True,
        ),
        _t(
            "start_funding",
            [S.APPROVED],
            [S.FUNDING],
            [Role.STAFF],
            "funding_started",
            _("Start funding"),
            consequence=_(
                "The approved proposal moves to funding, where instruments and money are "
                "recorded against it; it cannot return to “approved”."
            ),
            requires=("committee",),
        ),
        _t(
            "activate",
            [S.FUNDING],
            [S.ACTIVE],
            [Role.STAFF],
            "proposal_activated",
            _("Activate"),
            consequence=_(
                "The project is marked as funded and running (“active”); "
                "it cannot return to “funding”."
            ),
        ),
        _t(
            "close",
            [S.ACTIVE],
            [S.CLOSED],
            [Role.STAFF],
            "proposal_closed",
            _("Close"),
            consequence=_(
                "The project is closed for good: no instrument, transaction or distribution "
                "can be recorded on it any more."
            ),
        ),
    )
}
del S

ACTIONS = tuple(TRANSITIONS)

# Actions that decide: the person must have signed in (or confirmed who they are) within
# ACCORD_REAUTH_SECONDS (accounts.policy); casting a vote is the other one.
RECENT_SIGN_IN_ACTIONS = frozenset({"close_ballot"})


def transition_for(action: str) -> Transition | None:
    return TRANSITIONS.get(action)


def actions_from(status: str) -> list[Transition]:
    """Transitions whose source includes ``status``, in table order."""
    return [t for t in TRANSITIONS.values() if status in t.sources]


# --- Steps other apps attach to a transition ---------------------------------------------


@dataclass
class TransitionContext:
    """What a step sees and adds to: ``data`` becomes the log entry's data; a step that
    decides the target sets ``outcome``; ``options`` carries the action's extra input."""

    proposal: Proposal
    user: Any
    transition: Transition
    comment: str
    options: Mapping[str, Any]
    data: dict[str, Any] = field(default_factory=dict)
    outcome: str | None = None


@dataclass(frozen=True)
class Step:
    app_label: str
    order: int
    run: Callable[[TransitionContext], None]


_STEPS: dict[str, list[Step]] = {}


def register_step(
    action: str, *, app_label: str, order: int, run: Callable[[TransitionContext], None]
) -> None:
    """Run ``run(context)`` inside ``action``'s transaction, before the state changes, in
    ``order``; it may refuse by raising a domain error. Idempotent per (action, app)."""
    if action not in TRANSITIONS:
        raise ValueError(f"unknown action {action!r}")
    steps = [s for s in _STEPS.get(action, []) if s.app_label != app_label or s.run != run]
    steps.append(Step(app_label=app_label, order=order, run=run))
    _STEPS[action] = sorted(steps, key=lambda step: step.order)


def steps_for(action: str) -> list[Step]:
    return list(_STEPS.get(action, []))


def missing_steps() -> list[tuple[str, str]]:
    """(action, app) for every app a row requires that registered no step for it."""
    return [
        (t.action, app)
        for t in TRANSITIONS.values()
        for app in t.requires
        if app not in {step.app_label for step in _STEPS.get(t.action, [])}
    ]
