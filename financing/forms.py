"""Forms of the financing panel and the exposure page: they parse input for the services.

No rule lives here: which types fit which kind, what an amount may be, the program limits and
the waterfall are the services' and ``rules``' to say; their errors come back beside the
fields through ``core.web.add_domain_errors``.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from financing import rules
from financing.models import Kind, Provider

CURRENCY_CHOICES = [(code, code) for code in rules.CURRENCIES]
AMOUNT = {"inputmode": "decimal", "autocomplete": "off"}
TYPE_LABELS = {
    "disbursement": _("Disbursement"),
    "repayment": _("Repayment"),
    "write_off": _("Write-off"),
    "issue": _("Issue"),
    "release": _("Release"),
    "call": _("Call"),
    "contribution": _("Contribution"),
    "return_of_capital": _("Return of capital"),
}


def instrument_label(row: dict) -> tuple[int, str]:
    """How a transaction form names an instrument: ``#3 · Loan · JBIC · USD``."""
    kind = dict(Kind.choices).get(row["kind"], row["kind"])
    provider = dict(Provider.choices).get(row["provider"], row["provider"])
    return row["id"], f"#{row['id']} · {kind} · {provider} · {row['currency']}"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class InstrumentForm(forms.Form):
    prefix = "instrument"

    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    provider = forms.ChoiceField(label=_("Provider"), choices=Provider.choices)
    currency = forms.ChoiceField(label=_("Currency"), choices=CURRENCY_CHOICES)
    committed = forms.CharField(
        label=_("Committed"), widget=forms.TextInput(attrs=AMOUNT), max_length=40
    )


class TransactionForm(forms.Form):
    prefix = "transaction"

    instrument = forms.TypedChoiceField(label=_("Instrument"), coerce=int)
    type = forms.ChoiceField(
        label=_("Type"),
        choices=[(t, TYPE_LABELS.get(t, t)) for t in rules.TRANSACTION_TYPES],
        help_text=_(
            "Loans: disbursement, repayment, write-off. Guarantees: issue, release, call. "
            "Equity: contribution, return of capital."
        ),
    )
    amount = forms.CharField(
        label=_("Amount"),
        widget=forms.TextInput(attrs=AMOUNT),
        max_length=40,
        help_text=_("In the instrument's currency."),
    )
    value_date = forms.DateField(
        label=_("Value date"), widget=DateInput(), help_text=_("The day the money moved.")
    )

    def __init__(self, *args: Any, instruments: list[tuple[int, str]] = (), **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["instrument"].choices = list(instruments)


class DistributionForm(forms.Form):
    prefix = "distribution"

    amount = forms.CharField(label=_("Amount"), widget=forms.TextInput(attrs=AMOUNT), max_length=40)
    currency = forms.ChoiceField(label=_("Currency"), choices=CURRENCY_CHOICES)
    date = forms.DateField(
        label=_("Date"), widget=DateInput(), help_text=_("The day the cash was distributed.")
    )


class FxRateForm(forms.Form):
    prefix = "fx"

    date = forms.DateField(label=_("Date"), widget=DateInput())
    currency = forms.ChoiceField(label=_("Currency"), choices=[("JPY", "JPY")], initial="JPY")
    usd_per_unit = forms.CharField(
        label=_("USD per unit"),
        widget=forms.TextInput(attrs={**AMOUNT, "placeholder": "0.0066"}),
        max_length=40,
        help_text=_("How many US dollars one yen bought that day."),
    )


class AsOfForm(forms.Form):
    as_of = forms.DateField(label=_("As of"), required=False, widget=DateInput())
