"""Proposal pages: the list, the draft form, the detail page and its lifecycle buttons.

Views call selectors and services and render; a form goes to its service as the service's
input (``core.web.form_action``), read once the service's policy allows. Domain errors
become answers in one place (``domain_errors``): not visible → 404, not allowed → 403,
invalid input or state → a message and back to where the user was. Never a 500.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.policy import require_recent_sign_in
from core.errors import Invalid
from core.roles import membership_of
from core.web import (
    FormInvalid,
    add_domain_errors,
    confirmation_page,
    domain_errors,
    form_action,
    form_reader,
    is_confirmed,
)

from . import permissions, selectors, services, workflow
from .forms import ProposalFilterForm, ProposalForm, TransitionForm
from .models import Proposal
from .panels import render_panels

PAGE_SIZE = 25
BACKWARD_ACTIONS = ("return", "withdraw")
# The actions that cannot be undone: their buttons ask first (workflow's ``consequence``).
CONFIRMED_ACTIONS = tuple(
    action for action, transition in workflow.TRANSITIONS.items() if transition.consequence
)


def get_proposal(request: HttpRequest, pk: Any) -> Proposal:
    return selectors.proposal_get(user=request.user, proposal_id=pk)


# --- List -----------------------------------------------------------------------------


@login_required
@domain_errors
def proposal_list(request: HttpRequest) -> HttpResponse:
    form = ProposalFilterForm(request.GET or None)
    filters = form.filters()
    rows = selectors.proposal_list(user=request.user, filters=filters)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "projects/proposal_list.html",
        {
            "form": form,
            "page": page,
            "filtered": bool(filters),
            "can_create": permissions.can_create(request.user),
        },
    )


# --- Create and edit ------------------------------------------------------------------


@login_required
@domain_errors
def proposal_create(request: HttpRequest) -> HttpResponse:
    """The draft form (shown to whoever may create one) and its POST, which goes straight to
    the service: it asks the policy before it reads the form."""
    lead = getattr(membership_of(request.user), "sponsor", None)
    form = ProposalForm(request.POST or None, lead=lead)
    if request.method != "POST":
        if not permissions.can_create(request.user):
            raise PermissionDenied(_("Only a sponsor's users may create proposals."))
        return _proposal_form(request, form, None)

    def saved(proposal: Proposal) -> str:
        return _("Draft %(reference)s saved. Submit it when it is ready.") % {
            "reference": proposal.reference
        }

    return form_action(
        request,
        form,
        lambda body: services.proposal_create(user=request.user, body=body),
        success=lambda proposal: redirect("proposal-detail", pk=proposal.pk),
        invalid=lambda form: _proposal_form(request, form, None),
        message=saved,
        transform=lambda data: form.service_kwargs(),
    )


@login_required
@domain_errors
def proposal_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The draft's edit form (shown to whoever may edit it) and its POST, which goes straight
    to the service: it asks the policy (and then the state) before it reads the form."""
    proposal = get_proposal(request, pk)
    form = ProposalForm(
        request.POST or None, lead=proposal.sponsor, initial=ProposalForm.initial_for(proposal)
    )
    if request.method != "POST":
        if not permissions.can_edit(request.user, proposal):
            raise PermissionDenied(_("Only the lead sponsor edits a draft."))
        return _proposal_form(request, form, proposal)
    return form_action(
        request,
        form,
        lambda body: services.proposal_update(
            user=request.user, proposal_id=proposal.pk, body=body
        ),
        success=lambda updated: redirect("proposal-detail", pk=proposal.pk),
        invalid=lambda form: _proposal_form(request, form, proposal),
        message=_("Draft %(reference)s saved.") % {"reference": proposal.reference},
        transform=lambda data: form.service_kwargs(),
    )


def _proposal_form(request: HttpRequest, form: ProposalForm, proposal: Any) -> HttpResponse:
    status = 400 if form.errors else 200
    return render(
        request, "projects/proposal_form.html", {"form": form, "proposal": proposal}, status=status
    )


# --- Detail ---------------------------------------------------------------------------


def render_detail(
    request: HttpRequest, proposal: Proposal, *, status: int = 200, **bound_forms: Any
) -> HttpResponse:
    """The proposal page: its header and description, then the panels apps registered
    (``projects.panels``); a POST view that failed passes its bound form to show the errors."""
    user = request.user
    page = {"request": request, "user": user, "proposal": proposal, "bound_forms": bound_forms}
    context: dict[str, Any] = {
        "proposal": proposal,
        "co_sponsors": list(proposal.co_sponsors.all()),
        "can_edit": permissions.can_edit(user, proposal),
        "panels": render_panels(request, page),
    }
    return render(request, "projects/proposal_detail.html", context, status=status)


def actions_panel(page: dict[str, Any]) -> dict[str, Any] | None:
    """The lifecycle buttons the user may press: forward moves first, then the ones that send
    a proposal back or out."""
    actions = sorted(
        permissions.allowed_actions(page["user"], page["proposal"]),
        key=lambda transition: transition.action in BACKWARD_ACTIONS,
    )
    if not actions:
        return None
    return {
        "actions": actions,
        "backward_actions": BACKWARD_ACTIONS,
        # A refused closing time comes back beside its field, with what was typed.
        "action_form": page["bound_forms"].get("action_form"),
    }


def returned_panel(page: dict[str, Any]) -> dict[str, Any] | None:
    """A returned draft's banner with the secretariat's reason; None for any other page."""
    entry = selectors.last_return(user=page["user"], proposal=page["proposal"])
    return None if entry is None else {"returned": entry}


@login_required
@domain_errors
def proposal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render_detail(request, get_proposal(request, pk))


@login_required
@domain_errors
def proposal_by_reference(request: HttpRequest, reference: str) -> HttpResponse:
    """Follow a reference (as the decision log names proposals) to the proposal's page."""
    proposal = selectors.proposal_by_reference(user=request.user, reference=reference)
    return redirect("proposal-detail", pk=proposal.pk)


def confirm_action(
    request: HttpRequest, proposal: Proposal, transition: workflow.Transition
) -> HttpResponse:
    """The confirmation page of a lifecycle action that cannot be undone, once the policy
    allows it (the same checks as the action: 404, 403, then the state)."""
    permissions.require_fire(request.user, proposal, transition)
    values = {"action": transition.label, "reference": proposal.reference}
    return confirmation_page(
        request,
        title=_("%(action)s %(reference)s?") % values,
        subject=f"{proposal.reference} · {proposal.title or _('(untitled draft)')}",
        consequence=transition.consequence,
        action=reverse("proposal-action", args=[proposal.pk, transition.action]),
        button=_("Confirm: %(action)s") % {"action": transition.label},
        cancel=reverse("proposal-detail", args=[proposal.pk]),
        danger=transition.action in BACKWARD_ACTIONS,
    )


def _transition_fields(data: dict[str, Any]) -> dict[str, Any]:
    return {"comment": data["comment"], "closes_at": data["closes_at"]}


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors
def proposal_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    transition = workflow.transition_for(action)
    asks = transition is not None and bool(transition.consequence)
    if request.method == "GET" and not asks:
        return HttpResponseNotAllowed(["POST"])
    proposal = get_proposal(request, pk)
    if asks and not is_confirmed(request):
        return confirm_action(request, proposal, transition)
    if action in workflow.RECENT_SIGN_IN_ACTIONS:
        require_recent_sign_in(request)
    form = TransitionForm(request.POST)
    form.action = action
    try:
        # The service asks the policy (404, 403) before it reads the form.
        proposal = services.proposal_transition(
            user=request.user,
            proposal_id=proposal.pk,
            action=action,
            body=form_reader(form, transform=_transition_fields),
        )
    except FormInvalid:
        pass  # its errors are on the form
    except Invalid as error:
        if "closes_at" not in error.detail:
            raise  # not about the closing time typed: a message, and back to the page
        add_domain_errors(form, error)
    if form.errors:
        # Show the page again with what was typed and the message beside its field, once.
        messages.error(request, _("Please correct the highlighted fields."))
        return render_detail(request, proposal, status=400, action_form=form)
    transition = workflow.transition_for(action)
    messages.success(
        request,
        _("%(action)s: done. %(reference)s is now “%(status)s”.")
        % {
            "action": transition.label,
            "reference": proposal.reference,
            "status": proposal.get_status_display(),
        },
    )
    # Returning a submission takes it out of the secretariat's sight: go home, not to a 404.
    if not permissions.can_view(request.user, proposal):
        return redirect("home")
    return redirect("proposal-detail", pk=proposal.pk)
