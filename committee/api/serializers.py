"""Committee JSON: input parsing and output rendering kept apart."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from committee.models import Conflict, Note, Review, Vote
from core.models import Visibility
from core.rules import format_at


class AuthoredOut(serializers.ModelSerializer):
    """Output only: every field is always present, so the schema marks each required."""

    author = serializers.CharField(source="author.username", read_only=True)


class ScoresOut(serializers.Serializer):
    strategic_fit = serializers.IntegerField(min_value=1, max_value=5)
    financial_viability = serializers.IntegerField(min_value=1, max_value=5)
    risk = serializers.IntegerField(min_value=1, max_value=5)
    execution = serializers.IntegerField(min_value=1, max_value=5)


class ReviewOut(AuthoredOut):
    scores = serializers.SerializerMethodField()

    class Meta:
        model = Review
        fields = [
            "id",
            "author",
            "delegation",
            "visibility",
            "created_at",
            "updated_at",
            "scores",
            "recommendation",
            "comments",
        ]
        read_only_fields = fields

    @extend_schema_field(ScoresOut)
    def get_scores(self, review: Review) -> dict[str, int]:
        return {
            "strategic_fit": review.strategic_fit,
            "financial_viability": review.financial_viability,
            "risk": review.risk,
            "execution": review.execution,
        }


class NoteOut(AuthoredOut):
    class Meta:
        model = Note
        fields = ["id", "author", "delegation", "visibility", "created_at", "text"]
        read_only_fields = fields


class ScoresIn(serializers.Serializer):
    strategic_fit = serializers.IntegerField(min_value=1, max_value=5)
    financial_viability = serializers.IntegerField(min_value=1, max_value=5)
    risk = serializers.IntegerField(
        min_value=1,
        max_value=5,
        help_text="Like every score, 5 is best: 1 = high risk, 5 = low risk.",
    )
    execution = serializers.IntegerField(min_value=1, max_value=5)


class ReviewIn(serializers.Serializer):
    scores = ScoresIn()
    recommendation = serializers.ChoiceField(
        choices=["approve", "approve_with_conditions", "reject"]
    )
    comments = serializers.CharField(required=False, allow_blank=True, max_length=50_000)
    visibility = serializers.ChoiceField(choices=Visibility.choices, default=Visibility.COMMITTEE)


class NoteIn(serializers.Serializer):
    text = serializers.CharField(max_length=50_000)
    visibility = serializers.ChoiceField(choices=Visibility.choices, default=Visibility.COMMITTEE)


class VoteIn(serializers.Serializer):
    choice = serializers.ChoiceField(choices=Vote.Choice.choices)
    rationale = serializers.CharField(required=False, allow_blank=True, max_length=10_000)


class VoteOut(serializers.ModelSerializer):
    voter = serializers.CharField(source="voter.username", read_only=True)

    class Meta:
        model = Vote
        fields = ["voter", "delegation", "choice", "rationale", "cast_at", "updated_at"]
        read_only_fields = fields


class ConflictIn(serializers.Serializer):
    reason = serializers.CharField(max_length=10_000)


class ConflictOut(serializers.ModelSerializer):
    user = serializers.CharField(source="user.username", read_only=True)

    class Meta:
        model = Conflict
        fields = ["id", "user", "reason", "created_at"]
        read_only_fields = fields


class DecisionLogEntryOut(serializers.Serializer):
    """An entry's eight keys, each always present (docs/decision-log.md)."""

    seq = serializers.IntegerField(read_only=True)
    at = serializers.SerializerMethodField(
        help_text="UTC, YYYY-MM-DDTHH:MM:SS.ffffffZ (the form the hash covers)"
    )
    actor = serializers.CharField(read_only=True, help_text="A username, or `system`")
    proposal = serializers.CharField(read_only=True, allow_null=True)
    event = serializers.CharField(read_only=True)
    data = serializers.DictField(read_only=True, help_text="Decimals as strings")
    prev_hash = serializers.CharField(read_only=True)
    hash = serializers.CharField(read_only=True)

    def get_at(self, entry) -> str:
        return format_at(entry.at)
