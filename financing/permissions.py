"""Who may see and run a project's financing and the program's exposure (docs/roles.md)."""

from __future__ import annotations

from typing import Any

from core.models import Role
from core.roles import role_of
from projects.models import Proposal, Status
from projects.permissions import can_view

FUNDING_STATES = (Status.FUNDING, Status.ACTIVE)
# Reversals and true-up settlements: while a project's accounts are open, or after it closed.
CORRECTING_STATES = (*FUNDING_STATES, Status.CLOSED)


FINANCING_READERS = (Role.STAFF, Role.CHAIR, Role.MEMBER, Role.OBSERVER)


def can_run_funding(user: Any, proposal: Proposal) -> bool:
    """Secretariat staff commit instruments and record transactions (state aside)."""
    return role_of(user) == Role.STAFF and can_view(user, proposal)


def can_correct(user: Any, proposal: Proposal) -> bool:
    """Staff ask for reversals and true-up settlements once a project is in funding (the
    pages offer the buttons exactly when the service would take the request)."""
    return can_run_funding(user, proposal) and proposal.status in CORRECTING_STATES


def can_read_financing(user: Any, proposal: Proposal) -> bool:
    """Staff and the committee of both delegations, and the proposal's own sponsors (lead
    and co-sponsors: the ones who see it), read its instruments and transactions."""
    return role_of(user) in (*FINANCING_READERS, Role.SPONSOR) and can_view(user, proposal)


def can_read_exposure(user: Any) -> bool:
    """The program-wide exposure: staff, chairs, members and observers; never a sponsor."""
    return role_of(user) in FINANCING_READERS


def can_set_fx_rates(user: Any) -> bool:
    return role_of(user) == Role.STAFF


def can_read_fx_rates(user: Any) -> bool:
    return role_of(user) in FINANCING_READERS


def can_check_entries(user: Any) -> bool:
    """Staff of either delegation see what waits for a second pair of eyes and approve or
    reject another staff user's entries (never their own: the service says so)."""
    return role_of(user) == Role.STAFF


def can_read_recovery(user: Any, proposal: Proposal) -> bool:
    """The restated waterfall and the true-up between the countries: the committee and
    staff of both delegations, not the project's sponsors."""
    return role_of(user) in FINANCING_READERS and can_view(user, proposal)
