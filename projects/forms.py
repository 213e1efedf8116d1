"""Forms of the proposal pages: they parse input into plain values for the services.

They hold no business rule: what a draft must contain, who may do what and which
transitions exist are answered by ``projects.services``, ``permissions`` and ``workflow``;
errors those raise are put back on the form with ``core.web.add_domain_errors``.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.fields import AmountField
from projects.models import Currency, Sector, Sponsor, Status
from projects.rules import MAX_AMOUNT

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


class ProposalForm(forms.Form):
    """A draft's fields. Nothing is required here: the service says what a draft lacks."""

    title = forms.CharField(label=_("Title"), max_length=300, required=False)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("What the project builds, where, and how the financing is structured."),
    )
    sector = forms.ChoiceField(
        label=_("Sector"), choices=[("", "—")] + list(Sector.choices), required=False
    )
    amount_requested = AmountField(
        label=_("Amount requested"), required=False, max_value=MAX_AMOUNT, decimal_places=2
    )
    currency = forms.ChoiceField(
        label=_("Currency"), choices=Currency.choices, initial=Currency.USD
    )
    co_sponsors = forms.MultipleChoiceField(
        label=_("Co-sponsors"),
        required=False,
        widget=forms.SelectMultiple(),
        help_text=_(
            "Consortium partners. Their users may follow the proposal once it is submitted; "
            "only your organisation edits it. Hold Ctrl (⌘ on a Mac) to choose several."
        ),
    )

    def __init__(self, *args: Any, lead: Sponsor | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        others = Sponsor.objects.order_by("name")
        if lead is not None:
            others = others.exclude(pk=lead.pk)
        choices = [(name, name) for name in others.values_list("name", flat=True)]
        self.fields["co_sponsors"].choices = choices
        self.fields["co_sponsors"].widget.attrs["size"] = min(max(len(choices), 3), 10)

    @classmethod
    def initial_for(cls, proposal: Any) -> dict[str, Any]:
        return {
            "title": proposal.title,
            "description": proposal.description,
            "sector": proposal.sector,
            "amount_requested": proposal.amount_requested,
            "currency": proposal.currency,
            "co_sponsors": [sponsor.name for sponsor in proposal.co_sponsors.all()],
        }

    def service_kwargs(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        if data.get("amount_requested") is None:
            data.pop("amount_requested", None)
        data["co_sponsors"] = list(data.get("co_sponsors") or [])
        return data


class ProposalFilterForm(forms.Form):
    """The list's filters, read from the query string."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("Title or reference"), "type": "search"}),
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("Any status"))] + list(Status.choices), required=False
    )
    sector = forms.ChoiceField(
        label=_("Sector"), choices=[("", _("Any sector"))] + list(Sector.choices), required=False
    )
    sponsor = forms.ChoiceField(label=_("Sponsor"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        names = Sponsor.objects.order_by("name").values_list("name", flat=True)
        self.fields["sponsor"].choices = [("", _("Any sponsor"))] + [(n, n) for n in names]

    def filters(self) -> dict[str, str]:
        """The valid filters only: an unknown value is dropped rather than refused."""
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return {key: value for key, value in cleaned.items() if value}


class TransitionForm(forms.Form):
    """One lifecycle action: an optional comment and, for opening a ballot, a deadline."""

    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    closes_at = forms.DateTimeField(
        label=_("Closes at (UTC)"),
        required=False,
        input_formats=[DATETIME_LOCAL, "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
    )
