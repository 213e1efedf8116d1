"""Financing pages: the exposure page and the forms of the proposal page's financing panel.

Views hand a form to a service, which asks the policy before it reads the form
(``core.web.form_action``), and render what comes back. A form that fails re-renders the page
it came from (the proposal page through ``projects.views.render_detail``) with the service's
messages beside the fields, and a 400.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.policy import require_recent_sign_in
from core.errors import DomainError, Invalid, InvalidState
from core.formatting import number
from core.inputs import Reader
from core.web import (
    confirmation_page,
    domain_errors,
    error_message,
    form_action,
    is_confirmed,
    redirect_back,
)
from financing import corrections, permissions, rules, selectors, services
from financing.forms import (
    AsOfForm,
    DistributionForm,
    FxRateForm,
    InstrumentForm,
    ReasonForm,
    TransactionForm,
    instrument_label,
)
from financing.models import Approval, Distribution, Transaction
from financing.templatetags.financing_ui import (
    decision_question,
    reversal_question,
    true_up_question,
)
from projects.templatetags.accord import money
from projects.views import get_proposal, render_detail


def instrument_choices(user: Any, proposal: Any) -> list[tuple[int, str]]:
    """The proposal's instruments as a transaction form offers them."""
    rows = selectors.instruments_for(user, proposal).values(
        "id", "kind", "provider", "currency", "committed"
    )
    return [instrument_label(row) for row in rows]


def instrument_kinds(user: Any, proposal: Any) -> dict[int, str]:
    """Each of the proposal's instruments' kind: the transaction form offers what fits."""
    return dict(selectors.instruments_for(user, proposal).values_list("id", "kind"))


# --- The exposure page (docs/ledger.md) -------------------------------------------------


@login_required
@domain_errors
def exposure(request: HttpRequest, *, fx_form: FxRateForm | None = None) -> HttpResponse:
    if not permissions.can_read_exposure(request.user):
        raise PermissionDenied(_("Your role may not read the program's exposure."))
    as_of = selectors.today()
    form = AsOfForm(request.GET or None, initial={"as_of": as_of})
    if form.is_valid() and form.cleaned_data["as_of"]:
        as_of = form.cleaned_data["as_of"]
    elif not form.is_bound:
        form = AsOfForm({"as_of": as_of})
    context = {
        "as_of_form": form,
        "dashboard": selectors.exposure_dashboard(user=request.user, as_of=as_of),
        "recovery": selectors.recovery_table(
            user=request.user, on=as_of, page=request.GET.get("page")
        ),
        "today": selectors.today(),
    }
    if permissions.can_set_fx_rates(request.user):
        context["fx_form"] = fx_form or FxRateForm(initial={"date": selectors.today()})
        context["fx_rates"] = list(selectors.fx_rates_list()[:10])
    status = 400 if (fx_form is not None or form.errors) else 200
    return render(request, "financing/exposure.html", context, status=status)


@login_required
@require_POST
@domain_errors
def exposure_fx_rate(request: HttpRequest) -> HttpResponse:
    """Enter a JPY rate from the exposure page."""
    return form_action(
        request,
        FxRateForm(request.POST),
        lambda body: services.fx_rate_set(user=request.user, body=body),
        success=lambda rate: redirect("exposure"),
        # The page as it was, with the form's errors.
        invalid=lambda form: exposure(request, fx_form=form),
        message=_fx_saved,
    )


def _fx_saved(rate: Any) -> str:
    return _("Rate for %(date)s saved: 1 USD = %(quote)s yen (1 yen = %(rate)s USD).") % {
        "date": rate.date.isoformat(),
        "quote": number(rules.quote_from_usd_per_unit(rate.usd_per_unit)),
        "rate": number(rate.usd_per_unit),
    }


# --- The financing panel's forms on the proposal page ------------------------------------


def _panel_post(
    request: HttpRequest,
    pk: int,
    form: Any,
    form_name: str,
    call: Callable[[Any, Reader], Any],
    done: Callable[[Any], str],
    prepare: Callable[[Any, Any], None] | None = None,
    transform: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
) -> HttpResponse:
    """Call the service (``call(proposal, body)``), which asks its policy before it reads
    the form (``prepare(proposal, form)`` just before); on error (a refused state too) show
    the proposal page with the form. An entry at or above the four-eyes threshold waits for
    approval."""
    proposal = get_proposal(request, pk)
    return form_action(
        request,
        form,
        lambda body: call(proposal, body),
        success=lambda result: _back_to_panel(
            proposal.pk, "approvals" if isinstance(result, Approval) else "financing"
        ),
        invalid=lambda form: render_detail(request, proposal, status=400, **{form_name: form}),
        message=lambda result: (
            _pending_message(result) if isinstance(result, Approval) else done(result)
        ),
        catch=(Invalid, InvalidState),
        prepare=(lambda form: prepare(proposal, form)) if prepare else None,
        transform=transform,
    )


@login_required
@require_POST
@domain_errors
def instrument_create(request: HttpRequest, pk: int) -> HttpResponse:
    return _panel_post(
        request,
        pk,
        InstrumentForm(request.POST),
        "instrument_form",
        lambda proposal, body: services.instrument_commit(
            user=request.user, proposal_id=proposal.pk, body=body
        ),
        lambda instrument: _("Instrument #%(id)s committed.") % {"id": instrument.pk},
    )


@login_required
@require_POST
@domain_errors
def transaction_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a transaction on one of the project's instruments; the form offers them once
    the service has let the user record (``prepare``)."""

    def offer(proposal: Any, form: TransactionForm) -> None:
        user = request.user
        form.offer(instrument_choices(user, proposal), instrument_kinds(user, proposal))

    def fields(data: dict[str, Any]) -> dict[str, Any]:
        return {
            "instrument_id": data["instrument"],
            "type": data["type"],
            "amount": data["amount"],
            "value_date": data["value_date"],
        }

    return _panel_post(
        request,
        pk,
        TransactionForm(request.POST),
        "transaction_form",
        lambda proposal, body: services.transaction_record_on(
            user=request.user, proposal_id=proposal.pk, body=body
        ),
        lambda row: _("Transaction recorded on instrument #%(id)s.") % {"id": row.instrument_id},
        prepare=offer,
        transform=fields,
    )


@login_required
@require_POST
@domain_errors
def distribution_create(request: HttpRequest, pk: int) -> HttpResponse:
    return _panel_post(
        request,
        pk,
        DistributionForm(request.POST),
        "distribution_form",
        lambda proposal, body: services.distribution_record(
            user=request.user, proposal_id=proposal.pk, body=body
        ),
        lambda d: (
            _("Distribution recorded: Japan %(japan)s USD, US %(us)s USD.")
            % {"japan": money(d.japan), "us": money(d.us)}
        ),
    )


@login_required
@require_POST
@domain_errors
def fx_rate_create(request: HttpRequest, pk: int) -> HttpResponse:
    return _panel_post(
        request,
        pk,
        FxRateForm(request.POST),
        "fx_form",
        lambda proposal, body: services.fx_rate_set(user=request.user, body=body),
        _fx_saved,
    )


# --- Corrections: reversals, true-ups and the second pair of eyes ---------------------------


def _back_to_panel(proposal_id: int, anchor: str = "financing") -> HttpResponse:
    return redirect(reverse("proposal-detail", args=[proposal_id]) + f"#{anchor}")


def _pending_message(approval: Any) -> str:
    return _("Request #%(id)s recorded: it takes effect when another staff user approves it.") % {
        "id": approval.pk
    }


def _ask_first(
    request: HttpRequest, proposal: Any, question: dict[str, str], anchor: str
) -> HttpResponse:
    """The confirmation page of a correction (what a browser without script shows; with
    script the shared dialog asks the same ``question``), its reason editable."""
    reason = ("reason",) if question["reason"] else ()
    return confirmation_page(
        request,
        title=question["title"],
        subject=f"{proposal.reference} · {proposal.title}",
        consequence=question["consequence"],
        action=request.path,
        button=question["button"],
        cancel=reverse("proposal-detail", args=[proposal.pk]) + f"#{anchor}",
        editable=reason,
        required=reason if question["reason"] == "required" else (),
    )


@login_required
@require_POST
@domain_errors
def transaction_reverse(request: HttpRequest, pk: int, transaction_id: int) -> HttpResponse:
    """Ask for a transaction of this project to be reversed, once confirmed with a reason."""
    proposal = get_proposal(request, pk)
    row = (
        Transaction.objects.select_related("instrument")
        .filter(pk=transaction_id, instrument__proposal=proposal)
        .first()
    )
    if row is None:
        raise Http404
    return _correction_post(
        request,
        proposal,
        lambda body: corrections.transaction_reverse(
            user=request.user, transaction_id=row.pk, body=body
        ),
        lambda: reversal_question(row),
    )


@login_required
@require_POST
@domain_errors
def distribution_reverse(request: HttpRequest, pk: int, distribution_id: int) -> HttpResponse:
    """Ask for a distribution of this project to be reversed, once confirmed with a reason."""
    proposal = get_proposal(request, pk)
    row = Distribution.objects.filter(pk=distribution_id, proposal=proposal).first()
    if row is None:
        raise Http404
    return _correction_post(
        request,
        proposal,
        lambda body: corrections.distribution_reverse(
            user=request.user, distribution_id=row.pk, body=body
        ),
        lambda: reversal_question(row),
    )


@login_required
@require_POST
@domain_errors
def true_up_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask to settle the project's true-up as it stands, once confirmed."""
    proposal = get_proposal(request, pk)

    def question() -> dict[str, str] | None:
        # Nothing owed (or nothing valued): nothing to confirm, the service says why not.
        owed = selectors.restatement(proposal=proposal).true_up
        return true_up_question(proposal, owed) if owed else None

    return _correction_post(
        request,
        proposal,
        lambda body: corrections.true_up_request(
            user=request.user, proposal_id=proposal.pk, body=body
        ),
        question,
        reason_required=False,
    )


def _correction_post(
    request: HttpRequest,
    proposal: Any,
    call: Callable[[Reader], Any],
    question: Callable[[], dict[str, str] | None],
    *,
    reason_required: bool = True,
) -> HttpResponse:
    """Once confirmed, call a correction service with the reason (``call(body)``); a missing
    reason or the service's refusal comes back as a message on the proposal page (the panel
    shows the state it refers to). Unconfirmed, the page asks ``question()`` first (None:
    nothing to ask, the service refuses), once the service's own check
    (``services.funding_check``) lets the user correct this ledger."""
    if not is_confirmed(request):
        services.funding_check(request.user, proposal.pk)
        asked = question()
        if asked is not None:
            return _ask_first(request, proposal, asked, "financing")

    def unsaid(form: ReasonForm) -> HttpResponse:
        messages.error(request, _("Say why: the reason is kept in the decision log."))
        return _back_to_panel(proposal.pk)

    def refused(error: DomainError) -> HttpResponse:
        messages.error(request, error_message(error))
        return _back_to_panel(proposal.pk, "approvals")

    return form_action(
        request,
        ReasonForm(request.POST, reason_required=reason_required),
        call,
        success=lambda approval: _back_to_panel(proposal.pk, "approvals"),
        invalid=unsaid,
        message=_pending_message,
        catch=(Invalid, InvalidState),
        refused=refused,
    )


@login_required
@require_POST
@domain_errors
def approval_decide(request: HttpRequest, approval_id: int, decision: str) -> HttpResponse:
    """Approve or reject another staff user's pending entry, once confirmed (neither can be
    undone); back to its proposal's page. Deciding needs a recent sign-in.

    Unconfirmed, the confirmation page is shown once the service's own check
    (``corrections.approval_check``) lets the user decide it; one already decided goes
    straight to the service, which says so and changes nothing."""
    approve = decision == "approve"
    if not is_confirmed(request):
        approval = corrections.approval_check(request.user, approval_id)
        if approval.status == Approval.Status.PENDING:
            question = decision_question(approval, approve)
            return _ask_first(request, approval.proposal, question, "approvals")
    require_recent_sign_in(request)

    def decided(approval: Approval) -> str:
        if approval.status == Approval.Status.APPROVED:
            return _("Approved: the entry now counts.")
        return _("Rejected: the entry will never count.")

    def unsaid(form: ReasonForm) -> HttpResponse:
        messages.error(request, error_message(Invalid("", detail=form.errors)))
        return redirect_back(request, reverse("home"))

    return form_action(
        request,
        ReasonForm(request.POST, reason_required=False),
        lambda body: corrections.approval_decide(
            user=request.user, approval_id=approval_id, approve=approve, body=body
        ),
        success=lambda approval: _back_to_panel(approval.proposal_id),
        invalid=unsaid,
        message=decided,
        catch=(),
        transform=lambda data: {"comment": data["reason"]},
    )
