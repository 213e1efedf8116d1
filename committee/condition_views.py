"""Proposal-page forms for conditions of approval and the recorded decision.

Thin like every view: parse, call one service, redirect; on bad input show the proposal
page again with the form's errors (``render_detail``), and let ``domain_errors`` answer 404,
403 or a message for a refused state.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import NotVisible
from core.web import domain_errors, form_action
from projects.views import get_proposal

from . import selectors, services
from .forms import (
    ConditionEditForm,
    ConditionForm,
    ConditionWithdrawForm,
    DecisionForm,
    SatisfyForm,
)
from .views import _errors_on_page, _on_page, _show_errors


@login_required
@require_POST
@domain_errors
def condition_create(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = get_proposal(request, pk)
    return form_action(
        request,
        ConditionForm(request.POST),
        lambda body: services.condition_add(user=request.user, proposal_id=proposal.pk, body=body),
        success=_on_page(proposal, "#conditions"),
        invalid=_errors_on_page(request, proposal, "condition_form"),
        message=_("Condition added."),
    )


def _condition_of(request: HttpRequest, proposal: Any, condition_id: int) -> Any:
    condition = selectors.condition_get(user=request.user, condition_id=condition_id)
    if condition.proposal_id != proposal.pk:
        raise NotVisible(_("Not found."))
    return condition


def _condition_post(
    request: HttpRequest,
    pk: int,
    condition_id: int,
    *,
    form: Callable[[int], forms.Form],
    service: Callable[..., Any],
    form_name: str,
    message: str,
) -> HttpResponse:
    """One of a condition's own forms (satisfy, correct, withdraw): ``form(condition_id)``
    bound to the post, ``service`` called with the condition and the form's data."""
    proposal = get_proposal(request, pk)
    condition = _condition_of(request, proposal, condition_id)
    bound = form(condition.pk)

    def invalid(bound: forms.Form) -> HttpResponse:
        bound.condition_id = condition.pk  # the page opens this condition's form again
        return _show_errors(request, proposal, form_name, bound)

    return form_action(
        request,
        bound,
        lambda body: service(user=request.user, condition_id=condition.pk, body=body),
        success=_on_page(proposal, "#conditions"),
        invalid=invalid,
        message=message,
    )


@login_required
@require_POST
@domain_errors
def condition_satisfy(request: HttpRequest, pk: int, condition_id: int) -> HttpResponse:
    return _condition_post(
        request,
        pk,
        condition_id,
        form=lambda condition: SatisfyForm(request.POST, auto_id=f"c{condition}_%s"),
        service=services.condition_satisfy,
        form_name="satisfy_form",
        message=_("Condition marked satisfied."),
    )


@login_required
@require_POST
@domain_errors
def condition_edit(request: HttpRequest, pk: int, condition_id: int) -> HttpResponse:
    return _condition_post(
        request,
        pk,
        condition_id,
        form=lambda condition: ConditionEditForm(request.POST, condition_id=condition),
        service=services.condition_edit,
        form_name="condition_edit_form",
        message=_("Condition changed; the reason is in the decision log."),
    )


@login_required
@require_POST
@domain_errors
def condition_withdraw(request: HttpRequest, pk: int, condition_id: int) -> HttpResponse:
    return _condition_post(
        request,
        pk,
        condition_id,
        form=lambda condition: ConditionWithdrawForm(request.POST, condition_id=condition),
        service=services.condition_withdraw,
        form_name="condition_withdraw_form",
        message=_("Condition withdrawn; the reason is in the decision log."),
    )


@login_required
@require_POST
@domain_errors
def decision_record(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = get_proposal(request, pk)
    return form_action(
        request,
        DecisionForm(request.POST),
        lambda body: services.decision_record(
            user=request.user, proposal_id=proposal.pk, body=body
        ),
        success=_on_page(proposal, "#decision"),
        invalid=_errors_on_page(request, proposal, "decision_form"),
        message=_("Decision recorded."),
    )
