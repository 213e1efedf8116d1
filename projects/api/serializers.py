"""Proposal JSON (docs/lifecycle.md): input parsing and output rendering kept apart."""

from __future__ import annotations

from django.core.validators import RegexValidator
from rest_framework import serializers

from core.formatting import too_large_message
from projects.models import Currency, Proposal, Sector, Status
from projects.rules import MAX_AMOUNT


class ProposalOut(serializers.ModelSerializer):
    sponsor = serializers.CharField(source="sponsor.name", read_only=True)
    co_sponsors = serializers.SerializerMethodField()
    amount_requested = serializers.DecimalField(max_digits=20, decimal_places=2, read_only=True)
    # Declared: a read-only model field would lose `allow_blank`, and a draft's sector is "".
    sector = serializers.ChoiceField(choices=Sector.choices, allow_blank=True, read_only=True)

    class Meta:
        model = Proposal
        fields = [
            "id",
            "reference",
            "title",
            "sponsor",
            "co_sponsors",
            "sector",
            "description",
            "amount_requested",
            "currency",
            "status",
            "created_at",
            "submitted_at",
            "decided_at",
        ]
        # Output only: every field is always present, so the schema marks each required.
        read_only_fields = fields

    def get_co_sponsors(self, proposal: Proposal) -> list[str]:
        return sorted(sponsor.name for sponsor in proposal.co_sponsors.all())


class ProposalIn(serializers.Serializer):
    title = serializers.CharField(max_length=300, allow_blank=True, required=False)
    description = serializers.CharField(allow_blank=True, required=False, max_length=100_000)
    sector = serializers.ChoiceField(choices=Sector.choices, allow_blank=True, required=False)
    amount_requested = serializers.DecimalField(
        max_digits=20,
        decimal_places=2,
        min_value=0,
        required=False,
        error_messages={
            "max_digits": too_large_message(MAX_AMOUNT),
            "max_whole_digits": too_large_message(MAX_AMOUNT),
        },
    )
    currency = serializers.ChoiceField(choices=Currency.choices, required=False)
    co_sponsors = serializers.ListField(
        child=serializers.CharField(max_length=200), required=False, max_length=50
    )


class ActionIn(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, max_length=10_000)


class ReturnIn(serializers.Serializer):
    """``return`` says why, for the sponsor (docs/lifecycle.md: `comment` required)."""

    comment = serializers.CharField(max_length=10_000)


class OpenBallotIn(ActionIn):
    closes_at = serializers.DateTimeField(
        required=False, allow_null=True, help_text="When the ballot closes; in the future."
    )


def action_input(action: str) -> type[serializers.Serializer]:
    """The body an action takes: ``return`` needs a comment, ``open_ballot`` may set a close."""
    return {"return": ReturnIn, "open_ballot": OpenBallotIn}.get(action, ActionIn)


class ProposalFilterIn(serializers.Serializer):
    """The list's filters: an unknown status or sector is an error, not an empty page."""

    STATUS_LIST = f"^(?:{'|'.join(Status.values)})(?:,(?:{'|'.join(Status.values)}))*$"

    status = serializers.CharField(
        required=False,
        validators=[RegexValidator(STATUS_LIST, "Use statuses separated by commas.")],
    )
    sector = serializers.ChoiceField(choices=Sector.choices, required=False)
    sponsor = serializers.CharField(required=False, allow_blank=True)
    q = serializers.CharField(required=False, allow_blank=True)
