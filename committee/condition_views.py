"""Proposal-page forms for conditions of approval and the recorded decision.

Thin like every view: parse, call one service, redirect; on bad input show the proposal
page again with the form's errors (``render_detail``), and let ``domain_errors`` answer 404,
403 or a message for a refused state.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import Invalid, NotVisible
from core.web import add_domain_errors, domain_errors
from projects.views import get_proposal

from . import selectors, services
from .forms import (
    ConditionEditForm,
    ConditionForm,
    ConditionWithdrawForm,
    DecisionForm,
    SatisfyForm,
)
from .views import _show_errors


@login_required
@require_POST
@domain_errors
def condition_create(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = get_proposal(request, pk)
    form = ConditionForm(request.POST)
    if form.is_valid():
        try:
            services.condition_add(user=request.user, proposal_id=proposal.pk, **form.cleaned_data)
        except Invalid as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, _("Condition added."))
            return redirect(reverse("proposal-detail", args=[proposal.pk]) + "#conditions")
    return _show_errors(request, proposal, "condition_form", form)


@login_required
@require_POST
@domain_errors
def condition_satisfy(request: HttpRequest, pk: int, condition_id: int) -> HttpResponse:
    proposal = get_proposal(request, pk)
    condition = selectors.condition_get(user=request.user, condition_id=condition_id)
    if condition.proposal_id != proposal.pk:
        raise NotVisible(_("Not found."))
    form = SatisfyForm(request.POST, auto_id=f"c{condition.pk}_%s")
    if form.is_valid():
        try:
            services.condition_satisfy(
                user=request.user, condition_id=condition.pk, **form.cleaned_data
            )
        except Invalid as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, _("Condition marked satisfied."))
            return redirect(reverse("proposal-detail", args=[proposal.pk]) + "#conditions")
    form.condition_id = condition.pk
    return _show_errors(request, proposal, "satisfy_form", form)


def _condition_of(request: HttpRequest, proposal: Any, condition_id: int) -> Any:
    condition = selectors.condition_get(user=request.user, condition_id=condition_id)
    if condition.proposal_id != proposal.pk:
        raise NotVisible(_("Not found."))
    return condition


@login_required
@require_POST
@domain_errors
def condition_edit(request: HttpRequest, pk: int, condition_id: int) -> HttpResponse:
    proposal = get_proposal(request, pk)
    condition = _condition_of(request, proposal, condition_id)
    form = ConditionEditForm(request.POST, condition_id=condition.pk)
    if form.is_valid():
        try:
            services.condition_edit(
                user=request.user, condition_id=condition.pk, **form.cleaned_data
            )
        except Invalid as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, _("Condition changed; the reason is in the decision log."))
            return redirect(reverse("proposal-detail", args=[proposal.pk]) + "#conditions")
    return _show_errors(request, proposal, "condition_edit_form", form)


@login_required
@require_POST
@domain_errors
def condition_withdraw(request: HttpRequest, pk: int, condition_id: int) -> HttpResponse:
    proposal = get_proposal(request, pk)
    condition = _condition_of(request, proposal, condition_id)
    form = ConditionWithdrawForm(request.POST, condition_id=condition.pk)
    if form.is_valid():
        try:
            services.condition_withdraw(
                user=request.user, condition_id=condition.pk, **form.cleaned_data
            )
        except Invalid as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, _("Condition withdrawn; the reason is in the decision log."))
            return redirect(reverse("proposal-detail", args=[proposal.pk]) + "#conditions")
    return _show_errors(request, proposal, "condition_withdraw_form", form)


@login_required
@require_POST
@domain_errors
def decision_record(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = get_proposal(request, pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            services.decision_record(
                user=request.user, proposal_id=proposal.pk, text=form.cleaned_data["text"]
            )
        except Invalid as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, _("Decision recorded."))
            return redirect(reverse("proposal-detail", args=[proposal.pk]) + "#decision")
    return _show_errors(request, proposal, "decision_form", form)
