"""Pages of documents: the upload form's POST and the decision package of the latest ballot.

Downloads go through the API's view (``api-document-download``): one place asks the policy.
"""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.web import domain_errors, form_action
from projects.views import get_proposal, render_detail

from . import selectors, services
from .forms import DocumentForm
from .uploads import oversized_uploads


@login_required
@require_POST
@domain_errors
def document_upload(request: HttpRequest, pk: int) -> HttpResponse:
    """Attach a file. The service asks the policy and the proposal's state before it reads
    the form (``core.web.form_action``): whoever may not attach gets 403, whatever they sent."""
    proposal = get_proposal(request, pk)
    documents = list(selectors.documents_for(user=request.user, proposal=proposal))
    form = DocumentForm(
        request.POST, request.FILES, current=selectors.replaceable(request.user, documents)
    )

    def too_large(form: DocumentForm) -> None:
        # A file past the limit was never received: say so rather than "required".
        if "file" in oversized_uploads(request) and "file" not in request.FILES:
            form.is_valid()
            form.errors.pop("file", None)
            form.add_error("file", services.too_large_message())

    def rejected(form: DocumentForm) -> HttpResponse:
        messages.error(request, _("Please correct the highlighted fields."))
        return render_detail(request, proposal, status=400, document_form=form)

    return form_action(
        request,
        form,
        lambda body: services.document_add(user=request.user, proposal_id=proposal.pk, body=body),
        success=lambda document: redirect(
            reverse("proposal-detail", args=[proposal.pk]) + "#documents"
        ),
        invalid=rejected,
        message=lambda document: _("“%(title)s” is attached.") % {"title": document.title},
        prepare=too_large,
        transform=_upload_fields,
    )


def _upload_fields(data: dict) -> dict:
    return {
        "kind": data["kind"],
        "title": data["title"],
        "upload": data["file"],
        "supersedes_id": data["supersedes"],
    }


@login_required
@require_GET
@domain_errors
def package_page(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = get_proposal(request, pk)
    package = selectors.package_for(user=request.user, proposal=proposal)
    body = json.loads(bytes(package.canonical))
    return render(
        request,
        "documents/package.html",
        {"proposal": proposal, "package": package, "body": body},
    )
