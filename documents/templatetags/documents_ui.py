"""The documents panel of the proposal page (registered in ``apps.py``), and labels."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import template

from documents import permissions

from .. import selectors
from ..forms import DocumentForm
from ..models import Kind

register = template.Library()
KIND_LABELS = dict(Kind.choices)


def documents_panel(context: Mapping[str, Any]) -> dict[str, Any]:
    """The list of documents (every version), download links and the upload form."""
    request = context["request"]
    proposal = context["proposal"]
    user = request.user
    documents = list(selectors.documents_for(user=user, proposal=proposal))
    package = selectors.latest_package(proposal)
    opened_at = package.ballot.opened_at if package else None
    for document in documents:
        document.after_vote = bool(opened_at and document.uploaded_at > opened_at)
    form = None
    if permissions.can_upload_document(user, proposal):
        bound = (context.get("bound_forms") or {}).get("document_form")
        form = bound or DocumentForm(current=selectors.replaceable(user, documents))
    return {
        "request": request,
        "proposal": proposal,
        "documents": documents,
        "current_count": sum(1 for d in documents if not d.superseded),
        "document_form": form,
        "package": package,
        "csrf_token": context.get("csrf_token"),
    }


@register.filter
def kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind, kind)
