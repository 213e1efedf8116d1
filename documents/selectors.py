"""Reads of documents and decision packages, always through the permission policy."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext as _

from core.errors import NotVisible, object_pk
from core.roles import role_of
from documents import permissions
from projects import permissions as proposal_permissions
from projects.models import Proposal

from .models import DecisionPackage, Document, Party


def documents_for(*, user: Any, proposal: Proposal) -> QuerySet[Document]:
    """Every version of the proposal's documents, oldest first, each marked ``superseded``."""
    proposal_permissions.require_view(user, proposal)
    newer = Document.objects.filter(supersedes=OuterRef("pk"))
    return (
        Document.objects.filter(proposal=proposal)
        .select_related("uploaded_by")
        .annotate(superseded=Exists(newer))
        .order_by("uploaded_at", "id")
    )


def document_get(*, user: Any, document_id: Any) -> Document:
    """The document if the user may see its proposal, else ``NotVisible`` (404)."""
    pk = object_pk(document_id)
    document = Document.objects.select_related("proposal").filter(pk=pk).first()
    if document is None:
        raise NotVisible(_("Not found."))
    proposal_permissions.require_view(user, document.proposal)
    return document


def latest_package(proposal: Proposal) -> DecisionPackage | None:
    """The package of the proposal's latest ballot (no policy: callers ask it)."""
    return (
        DecisionPackage.objects.filter(proposal=proposal)
        .select_related("ballot")
        .order_by("-ballot__opened_at", "-id")
        .first()
    )


def package_for(*, user: Any, proposal: Proposal) -> DecisionPackage:
    """The frozen package of the latest ballot, for the record's readers; 404 before one."""
    proposal_permissions.require_view(user, proposal)
    proposal_permissions.require(
        permissions.can_read_package(user, proposal),
        _("The decision package is for the committee and the secretariat."),
    )
    package = latest_package(proposal)
    if package is None:
        raise NotVisible(_("No ballot has been opened on this proposal: there is no package yet."))
    return package


def party_of(user: Any) -> str:
    """The side a user attaches documents for: sponsor, secretariat or committee."""
    role = role_of(user)
    if role == "sponsor":
        return Party.SPONSOR
    return Party.SECRETARIAT if role == "staff" else Party.COMMITTEE


def replaceable(user: Any, documents: list[Document]) -> list[Document]:
    """The current versions the user's side attached: the ones it may replace."""
    party = party_of(user)
    return [d for d in documents if not d.superseded and d.party == party]
