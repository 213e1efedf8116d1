"""Reads of proposals, always filtered by the permission policy."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from core.errors import object_pk
from core.models import DecisionLogEntry

from . import permissions, workflow
from .models import Proposal, Sponsor, Status


def proposal_list(*, user: Any, filters: Mapping[str, Any] | None = None) -> QuerySet[Proposal]:
    """Proposals the user may see, filtered by status, sector, sponsor name or a search."""
    rows = permissions.visible_proposals(
        user,
        Proposal.objects.select_related("sponsor").prefetch_related(
            Prefetch("co_sponsors", queryset=Sponsor.objects.only("id", "name"))
        ),
    )
    filters = filters or {}
    status = filters.get("status")
    if status:
        rows = rows.filter(status__in=[s for s in str(status).split(",") if s in Status.values])
    if filters.get("sector"):
        rows = rows.filter(sector=filters["sector"])
    if filters.get("sponsor"):
        sponsor = filters["sponsor"]
        rows = rows.filter(Q(sponsor__name=sponsor) | Q(co_sponsors__name=sponsor)).distinct()
    if filters.get("q"):
        rows = rows.filter(Q(title__icontains=filters["q"]) | Q(reference__icontains=filters["q"]))
    return rows.order_by("-created_at", "-id")


def proposal_get(*, user: Any, proposal_id: Any, co_sponsors: bool = True) -> Proposal:
    """The proposal if the user may see it, else ``NotVisible`` (404).

    ``co_sponsors=False`` skips reading them, for callers that do not render the proposal.
    """
    pk = object_pk(proposal_id)
    rows = Proposal.objects.select_related("sponsor")
    if co_sponsors:
        rows = rows.prefetch_related("co_sponsors")
    return permissions.require_view(user, rows.filter(pk=pk).first())


def proposal_by_reference(*, user: Any, reference: str) -> Proposal:
    """The proposal with this reference if the user may see it, else ``NotVisible``."""
    proposal = Proposal.objects.select_related("sponsor").filter(reference=reference).first()
    return permissions.require_view(user, proposal)


def last_return(*, user: Any, proposal: Proposal) -> DecisionLogEntry | None:
    """The log entry that sent this draft back to its sponsor (its ``data`` holds the
    secretariat's comment), or None: only a draft that was returned has one that stands.

    A draft is seen by its sponsor alone; one query, and none for any other state.
    """
    if proposal.status != Status.DRAFT or not permissions.can_view(user, proposal):
        return None
    event = workflow.transition_for("return").event
    return (
        DecisionLogEntry.objects.filter(proposal=proposal.reference, event=event)
        .order_by("-seq")
        .first()
    )
