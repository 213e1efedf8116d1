"""Committee JSON (CONTRACT §4, §5): input parsing and output rendering kept apart."""

from __future__ import annotations

from rest_framework import serializers

from committee.models import Conflict, Note, Review, Visibility, Vote
from committee.rules import format_at


class AuthoredOut(serializers.ModelSerializer):
    author = serializers.CharField(source="author.username")


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


class ScoresIn(serializers.Serializer):
    strategic_fit = serializers.IntegerField(min_value=1, max_value=5)
    financial_viability = serializers.IntegerField(min_value=1, max_value=5)
    risk = serializers.IntegerField(min_value=1, max_value=5)
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
    voter = serializers.CharField(source="voter.username")

    class Meta:
        model = Vote
        fields = ["voter", "delegation", "choice", "rationale", "cast_at", "updated_at"]


class ConflictIn(serializers.Serializer):
    reason = serializers.CharField(max_length=10_000)


class ConflictOut(serializers.ModelSerializer):
    user = serializers.CharField(source="user.username")

    class Meta:
        model = Conflict
        fields = ["id", "user", "reason", "created_at"]


class DecisionLogEntryOut(serializers.Serializer):
    seq = serializers.IntegerField()
    at = serializers.SerializerMethodField()
    actor = serializers.CharField()
    proposal = serializers.CharField(allow_null=True)
    event = serializers.CharField()
    data = serializers.JSONField()
    prev_hash = serializers.CharField()
    hash = serializers.CharField()

    def get_at(self, entry) -> str:
        return format_at(entry.at)
