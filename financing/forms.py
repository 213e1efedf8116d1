"""Forms of the financing panel and the exposure page: they parse input for the services.

No rule lives here: which types fit which kind, what an amount may be, the program limits and
the waterfall are the services' and ``rules``' to say; their errors come back beside the
fields through ``core.web.add_domain_errors``.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.fields import AmountField, AmountInput, IsoDateField
from financing import rules
from financing.models import Kind, Provider

# The largest amount and rate stored exactly on either database (15 digits, 2 or 10 of them
# decimals: docs/ledger.md, "Amounts"); the services refuse the same.
MONEY_LIMIT = Decimal("9999999999999.99")
RATE_LIMIT = Decimal("99999.9999999999")

CURRENCY_CHOICES = [(code, code) for code in rules.CURRENCIES]
AMOUNT = {"inputmode": "decimal", "autocomplete": "off"}
TYPE_LABELS = rules.TYPE_LABELS  # the labels every message and list uses


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
    error_codes = ("limit",)  # the API's name of a breached limit; the message says it

    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    provider = forms.ChoiceField(label=_("Provider"), choices=Provider.choices)
    currency = forms.ChoiceField(label=_("Currency"), choices=CURRENCY_CHOICES)
    committed = AmountField(label=_("Committed"), max_value=MONEY_LIMIT, decimal_places=2)
    signed_on = IsoDateField(
        label=_("Signed on"),
        required=False,
        help_text=_("Empty: today, or the first value date if earlier."),
    )
    covers = forms.IntegerField(
        label=_("Covers loan #"),
        required=False,
        min_value=1,
        help_text=_("A JBIC or NEXI guarantee: the private loan it covers."),
    )
    cover_ratio = AmountField(
        label=_("Cover ratio"),
        required=False,
        max_value=Decimal(1),
        decimal_places=4,
        help_text=_("The share of the loan covered: above 0, at most 1."),
    )


class TransactionForm(forms.Form):
    prefix = "transaction"

    instrument = forms.TypedChoiceField(label=_("Instrument"), coerce=int)
    type = forms.ChoiceField(
        label=_("Type"),
        choices=[(t, TYPE_LABELS.get(t, t)) for t in rules.TRANSACTION_TYPES],
        help_text=_("Only the types that fit the project's instruments are offered."),
    )
    amount = AmountField(
        label=_("Amount"),
        max_value=MONEY_LIMIT,
        decimal_places=2,
        help_text=_("In the instrument's currency."),
    )
    value_date = IsoDateField(label=_("Value date"), help_text=_("The day the money moved."))

    def __init__(
        self,
        *args: Any,
        instruments: list[tuple[int, str]] = (),
        kinds: dict[int, str] | None = None,
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        self.offer(instruments, kinds)

    def offer(self, instruments: Any, kinds: dict[int, str] | None = None) -> None:
        """Offer these instruments (and the types that fit their ``kinds``)."""
        self.fields["instrument"].choices = list(instruments)
        if kinds is not None:
            self.fields["type"].choices = type_choices(sorted(set(kinds.values())))
            # The page's script narrows the list further to the chosen instrument's kind.
            self.fields["instrument"].widget.attrs["data-kinds"] = json.dumps(
                {str(pk): kind for pk, kind in kinds.items()}
            )
            self.fields["type"].widget.attrs["data-types"] = json.dumps(
                {kind: list(rules.types_for(kind)) for kind in set(kinds.values())}
            )


def type_choices(kinds: list[str]) -> list[Any]:
    """The transaction types that fit ``kinds``: a flat list for one kind, grouped by kind
    (under its label) for several, so the list never offers a type no instrument takes."""
    groups = [
        (
            rules.KIND_LABELS.get(kind, kind),
            [(t, TYPE_LABELS.get(t, t)) for t in rules.types_for(kind)],
        )
        for kind in kinds
    ]
    if len(groups) == 1:
        return groups[0][1]
    return groups


class DistributionForm(forms.Form):
    prefix = "distribution"

    amount = AmountField(label=_("Amount"), max_value=MONEY_LIMIT, decimal_places=2)
    currency = forms.ChoiceField(label=_("Currency"), choices=CURRENCY_CHOICES)
    date = IsoDateField(label=_("Date"), help_text=_("The day the cash was distributed."))


class FxRateForm(forms.Form):
    prefix = "fx"

    date = IsoDateField(label=_("Date"))
    currency = forms.ChoiceField(label=_("Currency"), choices=[("JPY", "JPY")], initial="JPY")
    jpy_per_usd = AmountField(
        label=_("Yen per US dollar"),
        required=False,
        max_value=RATE_LIMIT,
        decimal_places=10,
        widget=AmountInput(attrs={"placeholder": "151.50"}),
        help_text=_("As the market and the Bank of Japan quote it, e.g. 151.50."),
    )
    usd_per_unit = AmountField(
        label=_("or USD per yen"),
        required=False,
        max_value=RATE_LIMIT,
        decimal_places=10,
        widget=AmountInput(attrs={"placeholder": "0.0066"}),
        help_text=_("Leave empty when you give yen per dollar."),
    )
    source = forms.CharField(
        label=_("Source"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": "JBIC TTM"}),
    )
    confirm = forms.BooleanField(
        label=_("This rate is right: record it anyway"),
        required=False,
        help_text=_(
            "Needed only for a move of more than 10 percent from the nearest recorded rate."
        ),
    )

    @property
    def needs_confirming(self) -> bool:
        """The service asked to confirm a large move (or the user already ticked the box)."""
        return bool(self.is_bound and ("confirm" in self.errors or self.data.get("fx-confirm")))


class AsOfForm(forms.Form):
    as_of = IsoDateField(label=_("As of"), required=False)


class ReasonForm(forms.Form):
    """Why a correction is asked for (kept in the decision log), or a checker's comment."""

    reason = forms.CharField(
        label=_("Reason"), max_length=2000, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )

    def __init__(self, *args: Any, reason_required: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = reason_required
