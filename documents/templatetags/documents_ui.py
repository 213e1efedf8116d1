"""The documents panel of the proposal page, and the package line of the ballot panel.

``projects`` never imports this app: its page loads these tags (``{% documents_panel %}``).
"""

from __future__ import annotations

from typing import Any

from django import template

from projects import permissions

from .. import selectors
from ..forms import DocumentForm
from ..models import Kind

register = template.Library()
KIND_LABELS = dict(Kind.choices)


@register.inclusion_tag("documents/_panel.html", takes_context=True)
def documents_panel(context: template.Context) -> dict[str, Any]:
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


@register.inclusion_tag("documents/_package_line.html", takes_context=True)
def ballot_package(context: template.Context) -> dict[str, Any]:
    """Which package the ballot is about: its short hash and a link, for the record's readers."""
    request = context["request"]
    proposal = context["proposal"]
    ballot = context.get("ballot") or {}
    sha256 = ballot.get("package_sha256")
    show = bool(sha256) and permissions.can_read_package(request.user, proposal)
    return {"proposal": proposal, "sha256": sha256 if show else None}


@register.filter
def kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind, kind)
