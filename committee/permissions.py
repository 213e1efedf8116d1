"""Who may read and write the committee's record: reviews, notes, conflicts, votes, the
decision log and the conditions of approval (docs/roles.md).

Written with the proposal policy's primitives (``projects.permissions``): seeing the proposal,
the per-user vote grant; the role vocabulary comes from ``core.roles``.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from core.models import Role, Visibility
from core.roles import VOTERS, delegation_of, role_of
from projects.models import Proposal, Status
from projects.permissions import VOTE, can_view, has_object_perm

RECORD_READERS = (Role.MEMBER, Role.CHAIR, Role.STAFF, Role.OBSERVER)


NOTE_WRITERS = (Role.MEMBER, Role.CHAIR, Role.STAFF)


def can_read_record(user: Any, proposal: Proposal) -> bool:
    """Reviews, notes, conflicts and ballot detail: the committee and secretariat only."""
    return role_of(user) in RECORD_READERS and can_view(user, proposal)


def can_review(user: Any, proposal: Proposal) -> bool:
    return role_of(user) in VOTERS and can_view(user, proposal)


def can_write_note(user: Any, proposal: Proposal) -> bool:
    return role_of(user) in NOTE_WRITERS and can_view(user, proposal)


def can_declare_conflict(user: Any, proposal: Proposal) -> bool:
    return role_of(user) in VOTERS and can_view(user, proposal)


def can_vote(user: Any, proposal: Proposal) -> bool:
    """Eligible on the open ballot: granted when it opened, removed by a recusal."""
    return role_of(user) in VOTERS and has_object_perm(user, VOTE, proposal, user_only=True)


def can_read_decision_log(user: Any) -> bool:
    return role_of(user) in RECORD_READERS


def can_export_decision_log(user: Any) -> bool:
    return role_of(user) == Role.STAFF


def record_visibility_q(user: Any) -> Q:
    """Reviews and notes ``user`` may read: committee-wide ones and their delegation's own."""
    delegation = delegation_of(user)
    if not delegation:
        return Q(pk__in=[])
    return Q(visibility=Visibility.COMMITTEE) | Q(delegation=delegation)


CONDITION_STATES = (Status.APPROVED, Status.FUNDING, Status.ACTIVE, Status.CLOSED)


CONDITION_WRITERS = (Role.CHAIR, Role.STAFF)


def can_add_condition(user: Any, proposal: Proposal) -> bool:
    """Chairs and secretariat staff set conditions of approval (state aside)."""
    return role_of(user) in CONDITION_WRITERS and can_view(user, proposal)


def can_change_condition(user: Any, proposal: Proposal) -> bool:
    """Chairs and secretariat staff correct or withdraw a condition (its status aside)."""
    return role_of(user) in CONDITION_WRITERS and can_view(user, proposal)


def can_satisfy_condition(user: Any, proposal: Proposal) -> bool:
    """Secretariat staff mark a condition satisfied, with evidence (state aside)."""
    return role_of(user) == Role.STAFF and can_view(user, proposal)


def can_record_decision(user: Any, proposal: Proposal) -> bool:
    """A chair writes down what the committee decided once the ballot has closed."""
    return role_of(user) == Role.CHAIR and can_view(user, proposal)
