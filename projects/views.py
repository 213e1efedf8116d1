"""Proposal pages: the list, the draft form, the detail page and its lifecycle buttons.

Views parse input, ask the policy, call selectors and services, and render. Domain errors
become answers in one place (``domain_errors``): not visible → 404, not allowed → 403,
invalid input or state → a message and back to where the user was. Never a 500.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from committee import selectors as committee_selectors
from committee.forms import ConflictForm, NoteForm, ReviewForm, VoteForm
from core.errors import Invalid
from core.roles import membership_of
from core.web import add_domain_errors, domain_errors

from . import permissions, selectors, services, workflow
from .forms import ProposalFilterForm, ProposalForm, TransitionForm
from .models import Proposal

PAGE_SIZE = 25
BACKWARD_ACTIONS = ("return", "withdraw")


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
    if not permissions.can_create(request.user):
        raise PermissionDenied(_("Only a sponsor's users may create proposals."))
    lead = membership_of(request.user).sponsor
    form = ProposalForm(request.POST or None, lead=lead)
    if request.method == "POST" and form.is_valid():
        try:
            proposal = services.proposal_create(user=request.user, **form.service_kwargs())
        except Invalid as error:
            add_domain_errors(form, error)
        else:
            messages.success(
                request,
                _("Draft %(reference)s saved. Submit it when it is ready.")
                % {"reference": proposal.reference},
            )
            return redirect("proposal-detail", pk=proposal.pk)
    status = 400 if form.errors else 200
    return render(
        request, "projects/proposal_form.html", {"form": form, "proposal": None}, status=status
    )


@login_required
@domain_errors
def proposal_edit(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = get_proposal(request, pk)
    if not permissions.can_edit(request.user, proposal):
        raise PermissionDenied(_("Only the lead sponsor edits a draft."))
    form = ProposalForm(
        request.POST or None, lead=proposal.sponsor, initial=ProposalForm.initial_for(proposal)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.proposal_update(
                user=request.user, proposal_id=proposal.pk, **form.service_kwargs()
            )
        except Invalid as error:
            add_domain_errors(form, error)
        else:
            messages.success(
                request, _("Draft %(reference)s saved.") % {"reference": proposal.reference}
            )
            return redirect("proposal-detail", pk=proposal.pk)
    status = 400 if form.errors else 200
    return render(
        request, "projects/proposal_form.html", {"form": form, "proposal": proposal}, status=status
    )


# --- Detail ---------------------------------------------------------------------------


def render_detail(
    request: HttpRequest, proposal: Proposal, *, status: int = 200, **bound_forms: Any
) -> HttpResponse:
    """The proposal page; a POST view that failed passes its bound form to show the errors."""
    user = request.user
    context: dict[str, Any] = {
        "proposal": proposal,
        "co_sponsors": list(proposal.co_sponsors.all()),
        # Moves forward first, then the ones that send a proposal back or out.
        "actions": sorted(
            permissions.allowed_actions(user, proposal),
            key=lambda transition: transition.action in BACKWARD_ACTIONS,
        ),
        "can_edit": permissions.can_edit(user, proposal),
        "timeline": list(committee_selectors.timeline(user=user, proposal=proposal)),
        "ballot": committee_selectors.ballot_summary(user=user, proposal=proposal),
        "can_read_record": permissions.can_read_record(user, proposal),
        "backward_actions": BACKWARD_ACTIONS,
    }
    reviewable = proposal.status in permissions.REVIEWABLE
    if context["can_read_record"]:
        reviews = list(committee_selectors.reviews_for(user=user, proposal=proposal))
        conflicts = list(committee_selectors.conflicts_for(user=user, proposal=proposal))
        my_review = next((r for r in reviews if r.author_id == user.pk), None)
        my_conflict = next((c for c in conflicts if c.user_id == user.pk), None)
        context.update(
            reviews=reviews,
            notes=list(committee_selectors.notes_for(user=user, proposal=proposal)),
            conflicts=conflicts,
            my_review=my_review,
            my_conflict=my_conflict,
        )
        if permissions.can_write_note(user, proposal):
            context["note_form"] = bound_forms.get("note_form") or NoteForm()
        if reviewable and permissions.can_review(user, proposal):
            context["review_form"] = bound_forms.get("review_form") or ReviewForm(
                initial=ReviewForm.initial_for(my_review)
            )
        if reviewable and my_conflict is None and permissions.can_declare_conflict(user, proposal):
            context["conflict_form"] = bound_forms.get("conflict_form") or ConflictForm()
    ballot = context["ballot"]
    if ballot and ballot["status"] == "open" and permissions.can_vote(user, proposal):
        vote = committee_selectors.my_vote(user=user, proposal=proposal)
        initial = {"choice": vote.choice, "rationale": vote.rationale} if vote else {}
        context["my_vote"] = vote
        context["vote_form"] = bound_forms.get("vote_form") or VoteForm(initial=initial)
    # Bound forms of other apps' panels (conditions, documents, financing): their inclusion
    # tags find them here and show the errors beside the fields.
    context["bound_forms"] = bound_forms
    return render(request, "projects/proposal_detail.html", context, status=status)


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


@login_required
@require_POST
@domain_errors
def proposal_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    proposal = get_proposal(request, pk)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        for name, field_errors in form.errors.items():
            for message in field_errors:
                messages.error(request, f"{form.fields[name].label}: {message}")
        return redirect("proposal-detail", pk=proposal.pk)
    proposal = services.proposal_transition(
        user=request.user,
        proposal_id=proposal.pk,
        action=action,
        comment=form.cleaned_data["comment"],
        closes_at=form.cleaned_data["closes_at"],
    )
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
