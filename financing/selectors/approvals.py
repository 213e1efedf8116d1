"""Reads of what waits for a second staff user (maker-checker)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from financing import permissions
from projects import permissions as proposal_permissions
from projects.models import Proposal

from ..models import Approval


def approvals_list(
    *, user: Any, status: str | None = None, proposal: Proposal | None = None
) -> QuerySet:
    """Approvals, newest first, for staff (they approve one another's entries)."""
    proposal_permissions.require(
        permissions.can_check_entries(user), _("Only secretariat staff see approvals.")
    )
    rows = Approval.objects.select_related("proposal", "made_by", "decided_by")
    if status:
        rows = rows.filter(status=status)
    if proposal is not None:
        rows = rows.filter(proposal=proposal)
    return rows.order_by("-made_at", "-id")


def approvals_waiting_for(user: Any) -> list[Approval]:
    """Pending entries another staff user made: what waits for this one (none: not staff)."""
    if not permissions.can_check_entries(user):
        return []
    return list(
        Approval.objects.filter(status=Approval.Status.PENDING)
        .exclude(made_by=user)
        .select_related("proposal", "made_by")
        .order_by("made_at", "id")
    )
