"""The financing panel of the proposal page and the pieces of the exposure page.

``financing_panel`` is registered as a panel of the proposal page in ``apps.py``. Nothing here
decides anything: who sees the panel and its forms is asked of ``financing.permissions``;
figures come from ``financing.selectors``.
"""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.template.defaultfilters import floatformat
from django.utils.formats import localize
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from financing import charts, permissions, rules, selectors
from financing.forms import (
    TYPE_LABELS,
    DistributionForm,
    FxRateForm,
    InstrumentForm,
    TransactionForm,
    instrument_label,
)
from financing.models import Distribution, Kind, Provider, Transaction
from projects.models import Sector, Status

register = template.Library()

_KIND_LABELS = dict(Kind.choices)
_PROVIDER_LABELS = dict(Provider.choices)
_SECTOR_LABELS = dict(Sector.choices)
_PHASE_LABELS = dict(Distribution.Phase.choices)
_LIMIT_LABELS = {
    "program": gettext_lazy("Program commitments"),
    "equity": gettext_lazy("Equity ceiling (2%)"),
}


@register.filter
def kind_label(kind: str) -> str:
    return _KIND_LABELS.get(kind, kind)


@register.filter
def provider_label(provider: str) -> str:
    return _PROVIDER_LABELS.get(provider, provider)


@register.filter
def type_label(type_: str) -> str:
    return TYPE_LABELS.get(type_, type_)


@register.simple_tag
def approval_summary(approval) -> str:
    """What a pending entry will record, in a line: ``Reversal of a transaction: disbursement
    100.00 USD on 2025-01-01``."""
    payload = approval.payload
    what = approval.get_what_display()
    if approval.what == "true_up":
        return _("%(what)s: %(japan)s USD to Japan, %(us)s USD to the US") % {
            "what": what,
            "japan": payload.get("japan"),
            "us": payload.get("us"),
        }
    detail = " ".join(
        str(part)
        for part in (
            TYPE_LABELS.get(payload.get("type"), payload.get("type") or ""),
            payload.get("amount"),
            payload.get("currency"),
            payload.get("value_date") or payload.get("date"),
        )
        if part
    )
    return f"{what}: {detail}"


# --- What a correction asks before it is made ------------------------------------------------
# The same question in the shared dialog (static/js/accord.js, from the attributes below) and
# on the confirmation page a browser without script gets (financing.views).


def _confirm(action: str, title: str, consequence: str, reason: str = "") -> dict[str, str]:
    """A question: ``reason`` is "" (none asked), "required" or "optional"."""
    return {
        "title": title,
        "consequence": consequence,
        "button": _("Confirm: %(action)s") % {"action": action},
        "reason": reason,
    }


def reversal_question(row: Transaction | Distribution) -> dict[str, str]:
    """Asking for a transaction or a distribution to be reversed (a reason is required)."""
    if isinstance(row, Distribution):
        consequence = _(
            "This records a reversing distribution of −%(amount)s %(currency)s dated %(day)s "
            "(Japan −%(japan)s USD, US −%(us)s USD) and restates every split after it, once "
            "another staff user approves it."
        ) % {
            "amount": localize(row.amount),
            "currency": row.currency,
            "day": row.date.isoformat(),
            "japan": localize(row.japan),
            "us": localize(row.us),
        }
        title = _("Reverse this distribution?")
    else:
        consequence = _(
            "This records a reversing entry of −%(amount)s %(currency)s (%(type)s, value date "
            "%(day)s) that cancels this one, once another staff user approves it."
        ) % {
            "amount": localize(row.amount),
            "currency": row.instrument.currency,
            "type": TYPE_LABELS.get(row.type, row.type),
            "day": row.value_date.isoformat(),
        }
        title = _("Reverse this transaction?")
    return _confirm(_("Reverse"), title, consequence, "required")


def true_up_question(proposal, owed: Decimal) -> dict[str, str]:
    """Asking to settle the true-up the restated waterfall says is owed (a reason is optional)."""
    return _confirm(
        _("Settle the true-up"),
        _("Settle the true-up of %(reference)s?") % {"reference": proposal.reference},
        _(
            "This records a settlement of %(japan)s USD to Japan and the opposite to the US, "
            "once another staff user approves it."
        )
        % {"japan": floatformat(owed, 2)},
        "optional",
    )


def decision_question(approval, approve: bool) -> dict[str, str]:
    """Approving or rejecting another staff user's pending entry: neither can be undone."""
    summary = approval_summary(approval)
    if approve:
        return _confirm(
            _("Approve"),
            _("Approve this request?"),
            _(
                "The entry is recorded now and counts from then on (%(summary)s); only a "
                "reversal, approved in turn by another staff user, can cancel it."
            )
            % {"summary": summary},
        )
    return _confirm(
        pgettext("approval", "Reject"),
        _("Reject this request?"),
        _(
            "The request is closed for good (%(summary)s): the entry will never count, and "
            "asking again takes a new request."
        )
        % {"summary": summary},
    )


@register.simple_tag
def confirm_attributes(question: dict[str, str]) -> str:
    """A form's ``data-confirm…`` attributes: the shared dialog asks ``question`` before the
    form posts (and asks for the reason, when the question has one)."""
    html = format_html(
        ' data-confirm="{}" data-confirm-title="{}" data-confirm-button="{}"',
        question["consequence"],
        question["title"],
        question["button"],
    )
    if question["reason"]:
        html += format_html(
            ' data-confirm-field="reason" data-confirm-field-label="{}"', _("Reason")
        )
    if question["reason"] == "required":
        html += format_html(' data-confirm-field-required="{}"', REASON_NEEDED)
    return html


# The reason a correction is asked for is kept in the decision log: it cannot be left out.
REASON_NEEDED = gettext_lazy("Say why: the reason is kept in the decision log.")

register.simple_tag(reversal_question)
register.simple_tag(true_up_question)
register.simple_tag(decision_question)


@register.filter
def jpy_per_usd(usd_per_unit: Decimal | None) -> str:
    """A stored rate (USD per yen) as the market quotes it: yen per dollar."""
    if not usd_per_unit:
        return "—"
    return str(rules.quote_from_usd_per_unit(usd_per_unit))


@register.filter
def can_read_exposure(user) -> bool:
    return permissions.can_read_exposure(user)


@register.filter
def limit_label(name: str) -> str:
    return _LIMIT_LABELS.get(name, name)


register.filter("percent", charts.percent)  # the chart's gauges write a share the same way


@register.simple_tag
def phase_badge(phase: str) -> str:
    css = {"pre_recovery": "funding", "crossing": "voting", "post_recovery": "approved"}
    return format_html(
        '<span class="badge badge-{} phase">{}</span>',
        css.get(phase, "soft"),
        _PHASE_LABELS.get(phase, phase),
    )


@register.simple_tag
def recovery_badge(position: dict) -> str:
    """A project's recovery phase, or a plain word on why there is none yet."""
    shown = rules.phase_shown(
        investment=position.get("japan_investment") or Decimal(0),
        complete=position.get("complete", True),
        phase=position.get("phase"),
    )
    if shown == rules.UNVALUED:
        return format_html(
            '<span class="badge badge-soft phase phase-unvalued">{}</span>',
            _("No phase: J cannot be valued yet"),
        )
    if shown == rules.NO_INVESTMENT:
        return format_html(
            '<span class="badge badge-soft phase phase-none">{}</span>',
            _("No Japanese money disbursed yet"),
        )
    return phase_badge(shown)


# --- Charts of the exposure page ----------------------------------------------------------


def _labelled(totals: dict, labels: dict | None = None) -> list[tuple[str, Decimal]]:
    return [(str((labels or {}).get(key, key) or "—"), value) for key, value in totals.items()]


@register.simple_tag
def exposure_by_kind_chart(dashboard: dict) -> str:
    return charts.bar_chart(
        _labelled(dashboard["totals"]["by_kind"], _KIND_LABELS),
        label=_("Exposure by kind, USD"),
    )


@register.simple_tag
def exposure_by_provider_chart(dashboard: dict) -> str:
    return charts.bar_chart(
        _labelled(dashboard["totals"]["by_provider"], _PROVIDER_LABELS),
        label=_("Exposure by provider, USD"),
    )


@register.simple_tag
def exposure_by_sector_chart(dashboard: dict) -> str:
    return charts.bar_chart(
        _labelled(dashboard["totals"]["by_sector"], _SECTOR_LABELS)[:10],
        label=_("Exposure by sector, USD"),
    )


@register.simple_tag
def limits_chart(dashboard: dict) -> str:
    limits = [
        {**limit, "label": str(_LIMIT_LABELS.get(limit["name"], limit["name"]))}
        for limit in dashboard["limits"]
    ]
    return charts.limit_chart(limits, label=_("Use of the program limits"))


@register.simple_tag
def exposure_over_time_chart(dashboard: dict) -> str:
    return charts.line_chart(dashboard["series"], label=_("Total exposure over time, USD"))


@register.filter
def sector_name(sector: str) -> str:
    return _SECTOR_LABELS.get(sector, sector) if sector else "—"


# --- The proposal page's panel ------------------------------------------------------------


def _distribution_rows(history: list, restated: rules.Restatement) -> list[dict]:
    """Each recorded distribution beside its restated split (and whether it was reversed)."""
    by_id = {row.paid.id: row for row in restated.rows}
    rows = []
    for distribution in history:
        row = by_id.get(distribution.pk)
        rows.append(
            {
                "d": distribution,
                "restated_japan": row.japan if row else None,
                "restated_us": row.us if row else None,
                "reversed": bool(row and row.paid.reversed),
                "differs": bool(row and row.japan is not None and row.japan != row.paid.japan),
            }
        )
    return rows


def _corrections(user, proposal) -> dict:
    """Staff: the proposal's pending approvals, and whether they may ask for corrections."""
    if not permissions.can_check_entries(user):
        return {}
    return {
        "approvals": list(selectors.approvals_list(user=user, status="pending", proposal=proposal)),
        "can_correct": permissions.can_correct(user, proposal),
    }


# Money moves once a project is approved: before that the panel would only say "nothing yet".
PANEL_STATES = (Status.APPROVED, *permissions.FUNDING_STATES, Status.CLOSED)


def _instrument_groups(instruments: list[dict]) -> list[dict]:
    """The program's instruments (JBIC and NEXI), then the co-financing beside them."""
    return [
        {
            "id": "program-instruments",
            "title": _("Instruments (JBIC and NEXI)"),
            "help": "",
            "empty": _("No instruments committed yet."),
            "rows": [row for row in instruments if rules.is_program(row["provider"])],
        },
        {
            "id": "co-financing",
            "title": _("Co-financing (private)"),
            "help": _("Private money beside the program: it uses none of the program's headroom."),
            "empty": _("No co-financing recorded."),
            "rows": [row for row in instruments if not rules.is_program(row["provider"])],
        },
    ]


# What the panel's instrument tables read of each instrument.
INSTRUMENT_FIELDS = (
    "id",
    "kind",
    "provider",
    "currency",
    "signed_on",
    "covers_id",
    "cover_ratio",
    "f_committed",
    "f_exposure",
    "f_undrawn",
    "f_claims",
    "f_exposure_usd",
)


def financing_panel(context) -> dict:
    """Instruments, transactions, distributions and recovery; staff get the forms."""
    request = context.get("request")
    proposal = context.get("proposal")
    user = getattr(request, "user", None)
    if proposal is None or user is None or proposal.status not in PANEL_STATES:
        return {"show": False}
    if not permissions.can_read_financing(user, proposal):
        return {"show": False}
    bound = context.get("bound_forms") or {}
    instruments = list(selectors.instruments_for(user, proposal).values(*INSTRUMENT_FIELDS))
    position = selectors.recovery_position(user=user, proposal=proposal)
    restated = selectors.restatement(proposal=proposal)
    rows = _distribution_rows(position["distributions"], restated)
    out = {
        "show": True,
        "proposal": proposal,
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "instruments": instruments,
        "instrument_groups": _instrument_groups(instruments),
        "transactions": list(
            selectors.proposal_transactions(user=user, proposal=proposal).select_related(
                "reversed_by"
            )
        ),
        "position": position,
        "restated": restated,
        "distribution_rows": rows,
        # The restated split gets a column only where it differs from what was paid.
        "restated_differs": any(row["differs"] or row["reversed"] for row in rows),
        "funding_open": proposal.status in permissions.FUNDING_STATES,
        "show_restated": permissions.can_read_recovery(user, proposal),
    }
    out.update(_corrections(user, proposal))
    if permissions.can_run_funding(user, proposal):
        out.update(_staff_forms(instruments, bound))
    return out


def _staff_forms(instruments: list[dict], bound: dict) -> dict:
    """The funding forms, blank or as posted back with their errors (``bound``)."""
    choices = [instrument_label(row) for row in instruments]
    today = selectors.today()
    transaction_form = bound.get("transaction_form") or TransactionForm(
        instruments=choices,
        kinds={row["id"]: row["kind"] for row in instruments},
        initial={"value_date": today},
    )
    return {
        "instrument_form": bound.get("instrument_form") or InstrumentForm(),
        "transaction_form": transaction_form,
        "distribution_form": bound.get("distribution_form")
        or DistributionForm(initial={"date": today}),
        "fx_form": bound.get("fx_form") or FxRateForm(initial={"date": today}),
        "open_form": next(iter(bound), None),
    }
