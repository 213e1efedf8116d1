"""Proposal JSON (CONTRACT §3): input parsing and output rendering kept apart."""

from __future__ import annotations

from rest_framework import serializers

from projects.models import Currency, Proposal, Sector


class ProposalOut(serializers.ModelSerializer):
    sponsor = serializers.CharField(source="sponsor.name")
    co_sponsors = serializers.SerializerMethodField()
    amount_requested = serializers.DecimalField(max_digits=20, decimal_places=2)

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

    def get_co_sponsors(self, proposal: Proposal) -> list[str]:
        return sorted(sponsor.name for sponsor in proposal.co_sponsors.all())


class ProposalIn(serializers.Serializer):
    title = serializers.CharField(max_length=300, allow_blank=True, required=False)
    description = serializers.CharField(allow_blank=True, required=False, max_length=100_000)
    sector = serializers.ChoiceField(choices=Sector.choices, allow_blank=True, required=False)
    amount_requested = serializers.DecimalField(
        max_digits=20, decimal_places=2, min_value=0, required=False
    )
    currency = serializers.ChoiceField(choices=Currency.choices, required=False)
    co_sponsors = serializers.ListField(
        child=serializers.CharField(max_length=200), required=False, max_length=50
    )


class ActionIn(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, max_length=10_000)
    closes_at = serializers.DateTimeField(required=False, allow_null=True)
