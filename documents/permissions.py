"""Who may attach documents to a proposal and read its decision package (docs/roles.md).

Uploading is split like every action: the role (403) and then the state (409). Only the lead
sponsor's users attach documents: co-sponsors do not see drafts and never edit the proposal.
The sponsor keeps sending what the committee asks for (the term sheet that "follows next
week") while the proposal is submitted, in review or voting; a frozen package never changes.
"""

from __future__ import annotations

from typing import Any

from committee.permissions import can_read_record
from core.models import Role
from core.roles import VOTERS, role_of
from projects.models import Proposal, Status
from projects.permissions import REVIEWABLE, can_view, is_lead_sponsor_user

DOCUMENT_STAFF_CLOSED = (Status.DRAFT, Status.WITHDRAWN)
DOCUMENT_SPONSOR_OPEN = (Status.DRAFT, Status.SUBMITTED, *REVIEWABLE)


def may_upload_documents(user: Any, proposal: Proposal) -> bool:
    """Whether the user's role ever attaches documents to this proposal (state aside)."""
    role = role_of(user)
    if role == Role.SPONSOR:
        return is_lead_sponsor_user(user, proposal)
    return role in (Role.STAFF, *VOTERS) and can_view(user, proposal)


def document_upload_open(user: Any, proposal: Proposal) -> bool:
    """Whether the proposal's state lets the user's role attach documents now."""
    role = role_of(user)
    if role == Role.SPONSOR:
        return proposal.status in DOCUMENT_SPONSOR_OPEN
    if role == Role.STAFF:
        return proposal.status not in DOCUMENT_STAFF_CLOSED
    return role in VOTERS and proposal.status in REVIEWABLE


def can_upload_document(user: Any, proposal: Proposal) -> bool:
    return may_upload_documents(user, proposal) and document_upload_open(user, proposal)


def can_read_package(user: Any, proposal: Proposal) -> bool:
    """The decision package holds the committee's reviews: the record's readers only."""
    return can_read_record(user, proposal)
