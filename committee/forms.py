"""Forms of the committee's record: notes, reviews, conflicts, votes and the log's filters.

They parse input for ``committee.services``; every rule (who may write, what a review
needs, when a ballot takes votes) is the services' and the policy's.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.fields import IsoDateField
from core.models import Visibility

# Every criterion is scored the same way round: 5 is the best a project can be. For risk
# that is 5 = low risk, so its scale names both ends in words, never a bare "1 to 5".
SCORE_CHOICES = [
    (1, _("1 (weak)")),
    (2, "2"),
    (3, "3"),
    (4, "4"),
    (5, _("5 (strong)")),
]
RISK_CHOICES = [
    (1, _("1 (high risk)")),
    (2, "2"),
    (3, "3"),
    (4, "4"),
    (5, _("5 (low risk)")),
]
RECOMMENDATION_CHOICES = [
    ("approve", _("Approve")),
    ("approve_with_conditions", _("Approve with conditions")),
    ("reject", _("Reject")),
]
# Users and their scripts rely on these labels of the vote form: keep them as they are.
VOTE_CHOICES = [("for", _("For")), ("against", _("Against")), ("abstain", _("Abstain"))]
VISIBILITY_CHOICES = [
    (Visibility.COMMITTEE, _("Committee (both delegations)")),
    (Visibility.DELEGATION, _("My delegation only")),
]


class OwnIdsForm(forms.Form):
    """A form whose element ids start with its own name (``id_note_visibility_0``), so that
    several forms on one page (a note and a review both ask "who may read it") never share an
    id, while the names posted stay the plain field names."""

    id_prefix = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"id_{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)


class NoteForm(OwnIdsForm):
    id_prefix = "note"

    text = forms.CharField(
        label=_("Note"),
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": _("Add a note to the file…")}),
    )
    visibility = forms.ChoiceField(
        label=_("Who may read it"),
        choices=VISIBILITY_CHOICES,
        initial=Visibility.COMMITTEE,
        widget=forms.RadioSelect,
    )


class ReviewForm(OwnIdsForm):
    id_prefix = "review"

    strategic_fit = forms.TypedChoiceField(
        label=_("Strategic fit"), choices=SCORE_CHOICES, coerce=int, widget=forms.RadioSelect
    )
    financial_viability = forms.TypedChoiceField(
        label=_("Financial viability"), choices=SCORE_CHOICES, coerce=int, widget=forms.RadioSelect
    )
    risk = forms.TypedChoiceField(
        label=_("Risk (5 = low risk)"),
        choices=RISK_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
    )
    execution = forms.TypedChoiceField(
        label=_("Execution"), choices=SCORE_CHOICES, coerce=int, widget=forms.RadioSelect
    )
    recommendation = forms.ChoiceField(
        label=_("Recommendation"), choices=[("", "—"), *RECOMMENDATION_CHOICES]
    )
    comments = forms.CharField(
        label=_("Comments"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    visibility = forms.ChoiceField(
        label=_("Who may read it"),
        choices=VISIBILITY_CHOICES,
        initial=Visibility.COMMITTEE,
        widget=forms.RadioSelect,
    )

    SCORE_FIELDS = ("strategic_fit", "financial_viability", "risk", "execution")

    @classmethod
    def initial_for(cls, review: Any) -> dict[str, Any]:
        if review is None:
            return {}
        fields = (*cls.SCORE_FIELDS, "recommendation", "comments", "visibility")
        return {name: getattr(review, name) for name in fields}

    def score_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.SCORE_FIELDS]

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "scores": {name: data[name] for name in self.SCORE_FIELDS},
            "recommendation": data["recommendation"],
            "comments": data.get("comments", ""),
            "visibility": data["visibility"],
        }


class ConflictForm(OwnIdsForm):
    id_prefix = "conflict"

    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(
            attrs={"rows": 2, "placeholder": _("e.g. a family member works for the sponsor")}
        ),
    )


class VoteForm(OwnIdsForm):
    id_prefix = "vote"

    choice = forms.ChoiceField(label=_("Your vote"), choices=VOTE_CHOICES, widget=forms.RadioSelect)
    rationale = forms.CharField(
        label=_("Rationale (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class DecisionLogFilterForm(forms.Form):
    proposal = forms.CharField(
        label=_("Proposal"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"placeholder": "P-2025-0001"}),
    )
    event = forms.CharField(
        label=_("Event"),
        required=False,
        max_length=64,
        help_text=_("Its name or code, or part of either"),
        widget=forms.TextInput(attrs={"list": "event-names", "autocomplete": "off"}),
    )
    since = IsoDateField(label=_("Since"), required=False)
    until = IsoDateField(label=_("Until"), required=False)

    def filters(self) -> dict[str, str]:
        """The filters that parsed, as the selector reads them (dates as YYYY-MM-DD)."""
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return {
            key: value.isoformat() if hasattr(value, "isoformat") else value.strip()
            for key, value in cleaned.items()
            if value
        }


# --- Conditions of approval and the recorded decision ---------------------------------


class _OwnIds(forms.Form):
    """Field ids of its own: the proposal page holds several forms with a ``text`` field."""

    id_prefix = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)


class ConditionForm(_OwnIds):
    id_prefix = "condition"
    text = forms.CharField(
        label=_("Condition"),
        max_length=10_000,
        widget=forms.Textarea(
            attrs={"rows": 2, "placeholder": _("e.g. a signed offtake agreement")}
        ),
    )
    due = IsoDateField(label=_("Due"))


REASON_HELP = _("Goes into the decision log beside the change.")


class ConditionEditForm(forms.Form):
    """Correct a condition's text or due date; the reason is logged."""

    text = forms.CharField(
        label=_("Condition"), max_length=10_000, widget=forms.Textarea(attrs={"rows": 2})
    )
    due = IsoDateField(label=_("Due"))
    reason = forms.CharField(
        label=_("Reason for the change"),
        max_length=10_000,
        help_text=REASON_HELP,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, condition_id: int, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"c{condition_id}_edit_%s")
        super().__init__(*args, **kwargs)
        self.condition_id = condition_id


class ConditionWithdrawForm(forms.Form):
    """Withdraw a condition; the reason is logged."""

    reason = forms.CharField(
        label=_("Reason for withdrawing"),
        max_length=10_000,
        help_text=REASON_HELP,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": _("e.g. entered twice by mistake")}),
    )

    def __init__(self, *args: Any, condition_id: int, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"c{condition_id}_withdraw_%s")
        super().__init__(*args, **kwargs)
        self.condition_id = condition_id


class SatisfyForm(_OwnIds):
    id_prefix = "satisfy"
    evidence = forms.CharField(
        label=_("Evidence"),
        max_length=10_000,
        widget=forms.Textarea(
            attrs={"rows": 2, "placeholder": _("e.g. the agreement signed on 2026-03-01")}
        ),
    )


class DecisionForm(_OwnIds):
    id_prefix = "decision"
    text = forms.CharField(
        label=_("Decision"),
        max_length=20_000,
        widget=forms.Textarea(
            attrs={"rows": 4, "placeholder": _("What was approved, and on what terms")}
        ),
    )
