"""Financing pages: the exposure page and the forms of the proposal page's financing panel.

Views parse input, ask the policy, call selectors and services, and render. A form that fails
re-renders the page it came from (the proposal page through ``projects.views.render_detail``)
with the service's messages beside the fields, and a 400.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import Invalid, InvalidState
from core.formatting import number
from core.web import add_domain_errors, domain_errors
from financing import permissions, selectors, services
from financing.forms import (
    AsOfForm,
    DistributionForm,
    FxRateForm,
    InstrumentForm,
    TransactionForm,
    instrument_label,
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
    form = FxRateForm(request.POST)
    if form.is_valid():
        try:
            rate = services.fx_rate_set(user=request.user, **form.cleaned_data)
        except Invalid as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, _fx_saved(rate))
            return redirect("exposure")
    return exposure(request, fx_form=form)  # the page as it was, with the form's errors


def _fx_saved(rate: Any) -> str:
    return _("Rate for %(date)s saved: 1 %(currency)s = %(rate)s USD.") % {
        "date": rate.date.isoformat(),
        "currency": rate.currency,
        "rate": number(rate.usd_per_unit),
    }


# --- The financing panel's forms on the proposal page ------------------------------------


def _panel_post(
    request: HttpRequest,
    pk: int,
    form: Any,
    form_name: str,
    call: Any,
    done: Any,
) -> HttpResponse:
    """Validate ``form``, call the service; on error show the proposal page with the form."""
    proposal = get_proposal(request, pk)
    if not permissions.can_run_funding(request.user, proposal):
        raise PermissionDenied(_("Only secretariat staff record financing."))
    if form.is_valid():
        try:
            result = call(proposal, form.cleaned_data)
        except (Invalid, InvalidState) as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, done(result))
            return redirect(reverse("proposal-detail", args=[proposal.pk]) + "#financing")
    return render_detail(request, proposal, status=400, **{form_name: form})


@login_required
@require_POST
@domain_errors
def instrument_create(request: HttpRequest, pk: int) -> HttpResponse:
    return _panel_post(
        request,
        pk,
        InstrumentForm(request.POST),
        "instrument_form",
        lambda proposal, data: services.instrument_commit(
            user=request.user, proposal_id=proposal.pk, **data
        ),
        lambda instrument: _("Instrument #%(id)s committed.") % {"id": instrument.pk},
    )


@login_required
@require_POST
@domain_errors
def transaction_create(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = get_proposal(request, pk)
    readable = permissions.can_read_financing(request.user, proposal)
    choices = instrument_choices(request.user, proposal) if readable else []
    kinds = instrument_kinds(request.user, proposal) if readable else {}
    return _panel_post(
        request,
        pk,
        TransactionForm(request.POST, instruments=choices, kinds=kinds),
        "transaction_form",
        lambda proposal, data: services.transaction_record(
            user=request.user,
            instrument_id=data["instrument"],
            type=data["type"],
            amount=data["amount"],
            value_date=data["value_date"],
        ),
        lambda row: _("Transaction recorded on instrument #%(id)s.") % {"id": row.instrument_id},
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
        lambda proposal, data: services.distribution_record(
            user=request.user, proposal_id=proposal.pk, **data
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
        lambda proposal, data: services.fx_rate_set(user=request.user, **data),
        _fx_saved,
    )
