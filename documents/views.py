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

from core.errors import Invalid
from core.web import add_domain_errors, domain_errors
from projects.views import get_proposal, render_detail

from . import selectors, services
from .forms import DocumentForm
from .uploads import oversized_uploads


@login_required
@require_POST
@domain_errors
def document_upload(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = get_proposal(request, pk)
    services.document_upload_check(request.user, proposal)
    documents = list(selectors.documents_for(user=request.user, proposal=proposal))
    form = DocumentForm(
        request.POST, request.FILES, current=selectors.replaceable(request.user, documents)
    )
    if "file" in oversized_uploads(request) and "file" not in request.FILES:
        form.is_valid()
        form.errors.pop("file", None)
        form.add_error("file", services.too_large_message())
    elif form.is_valid():
        try:
            document = services.document_add(
                user=request.user,
                proposal_id=proposal.pk,
                kind=form.cleaned_data["kind"],
                title=form.cleaned_data["title"],
                upload=form.cleaned_data["file"],
                supersedes_id=form.cleaned_data["supersedes"],
            )
        except Invalid as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, _("“%(title)s” is attached.") % {"title": document.title})
            return redirect(reverse("proposal-detail", args=[proposal.pk]) + "#documents")
    messages.error(request, _("Please correct the highlighted fields."))
    return render_detail(request, proposal, status=400, document_form=form)


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
