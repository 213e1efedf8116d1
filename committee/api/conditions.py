"""Conditions of approval and the committee's recorded decision (docs/lifecycle.md)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from committee import selectors, services
from committee.models import Ballot, Condition
from core.api.base import PolicyAPIView, anyone_signed_in, error_responses
from core.errors import NotVisible
from projects.api.base import ProposalAPIView


class ConditionOut(serializers.ModelSerializer):
    class Meta:
        model = Condition
        fields = [
            "id",
            "text",
            "due",
            "status",
            "evidence",
            "created_at",
            "satisfied_at",
            "withdrawn_reason",
            "withdrawn_at",
        ]


class ConditionIn(serializers.Serializer):
    text = serializers.CharField(max_length=10_000)
    due = serializers.DateField(
        input_formats=["%Y-%m-%d"], help_text="YYYY-MM-DD; today or later (else 400)."
    )


class ConditionEditIn(serializers.Serializer):
    text = serializers.CharField(max_length=10_000, required=False)
    due = serializers.DateField(
        input_formats=["%Y-%m-%d"],
        required=False,
        help_text="YYYY-MM-DD; today or later (else 400).",
    )
    reason = serializers.CharField(
        max_length=10_000, help_text="Why the condition changes: it goes into the decision log."
    )


class WithdrawIn(serializers.Serializer):
    reason = serializers.CharField(
        max_length=10_000, help_text="Why the condition is withdrawn: it goes into the log."
    )


class SatisfyIn(serializers.Serializer):
    evidence = serializers.CharField(max_length=10_000)


class DecisionIn(serializers.Serializer):
    text = serializers.CharField(max_length=20_000)


class DecisionOut(serializers.Serializer):
    ballot = serializers.IntegerField(source="pk")
    outcome = serializers.CharField()
    decided_at = serializers.DateTimeField(source="closed_at")
    text = serializers.CharField(source="decision_text", allow_blank=True)
    recorded_by = serializers.CharField(
        source="decision_by.username", allow_null=True, default=None
    )
    recorded_at = serializers.DateTimeField(source="decision_at", allow_null=True)


class ConditionListView(ProposalAPIView):
    """Conditions of approval: whoever sees the proposal reads them; chairs and staff add."""

    policy = staticmethod(anyone_signed_in)
    serializer_class = ConditionOut
    pagination_class = None

    @extend_schema(
        operation_id="conditions_list",
        responses={200: ConditionOut(many=True), **error_responses(404)},
    )
    def get(self, request, pk):
        rows = selectors.conditions_for(
            user=request.user, proposal=self.get_proposal(co_sponsors=False)
        )
        return Response(ConditionOut(rows, many=True).data)

    @extend_schema(
        operation_id="conditions_create",
        request=ConditionIn,
        responses={201: ConditionOut, **error_responses(400, 404, 409)},
    )
    def post(self, request, pk):
        condition = services.condition_add(
            user=request.user, proposal_id=pk, body=self.body(ConditionIn)
        )
        return Response(ConditionOut(condition).data, status=status.HTTP_201_CREATED)


class ConditionSatisfyView(PolicyAPIView):
    """Mark a condition satisfied, with evidence: secretariat staff."""

    policy = staticmethod(anyone_signed_in)
    serializer_class = ConditionOut

    @extend_schema(
        operation_id="condition_satisfy",
        request=SatisfyIn,
        responses={200: ConditionOut, **error_responses(400, 404, 409)},
    )
    def post(self, request, condition_id):
        condition = services.condition_satisfy(
            user=request.user, condition_id=condition_id, body=self.body(SatisfyIn)
        )
        return Response(ConditionOut(condition).data)


class ConditionDetailView(PolicyAPIView):
    """One condition: whoever sees the proposal reads it; chairs and staff correct it."""

    policy = staticmethod(anyone_signed_in)
    serializer_class = ConditionOut

    @extend_schema(
        operation_id="condition_retrieve", responses={200: ConditionOut, **error_responses(404)}
    )
    def get(self, request, condition_id):
        condition = selectors.condition_get(user=request.user, condition_id=condition_id)
        return Response(ConditionOut(condition).data)

    @extend_schema(
        operation_id="condition_edit",
        request=ConditionEditIn,
        responses={200: ConditionOut, **error_responses(400, 404, 409)},
    )
    def patch(self, request, condition_id):
        condition = services.condition_edit(
            user=request.user, condition_id=condition_id, body=self.body(ConditionEditIn)
        )
        return Response(ConditionOut(condition).data)


class ConditionWithdrawView(PolicyAPIView):
    """Withdraw a condition that is not satisfied, with the reason: chairs and staff."""

    policy = staticmethod(anyone_signed_in)
    serializer_class = ConditionOut

    @extend_schema(
        operation_id="condition_withdraw",
        request=WithdrawIn,
        responses={200: ConditionOut, **error_responses(400, 404, 409)},
    )
    def post(self, request, condition_id):
        condition = services.condition_withdraw(
            user=request.user, condition_id=condition_id, body=self.body(WithdrawIn)
        )
        return Response(ConditionOut(condition).data)


class DecisionView(ProposalAPIView):
    """The committee's decision after its ballot closed: outcome, date and terms."""

    policy = staticmethod(anyone_signed_in)
    serializer_class = DecisionOut

    @extend_schema(
        operation_id="decision_retrieve", responses={200: DecisionOut, **error_responses(404)}
    )
    def get(self, request, pk):
        ballot = selectors.decision_for(
            user=request.user, proposal=self.get_proposal(co_sponsors=False)
        )
        if ballot is None:
            raise NotVisible(_("No decision has been taken on this proposal."))
        return Response(DecisionOut(ballot).data)

    @extend_schema(
        operation_id="decision_create",
        request=DecisionIn,
        responses={201: DecisionOut, **error_responses(400, 404, 409)},
    )
    def post(self, request, pk):
        ballot: Ballot = services.decision_record(
            user=request.user, proposal_id=pk, body=self.body(DecisionIn)
        )
        return Response(DecisionOut(ballot).data, status=status.HTTP_201_CREATED)
