"""Corrections endpoints: reversals, approvals (maker-checker), the restated recovery
position and true-ups. Parse, call one service or selector, render."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from accounts.policy import require_recent_authentication
from core.api.base import PolicyAPIView, anyone_signed_in, error_responses
from core.api.schema import DATE_OR_EMPTY
from financing import corrections, permissions, selectors
from financing.api.ledger import parse_as_of
from financing.api.pending import PendingOut, pending_answer
from financing.models import Approval
from projects.api.base import ProposalAPIView

MONEY = {"max_digits": 20, "decimal_places": 2}


class ReasonIn(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, help_text="Why: kept in the decision log.")


class OptionalReasonIn(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class CommentIn(serializers.Serializer):
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class ApprovalOut(serializers.Serializer):
    """An entry that waits for (or had) a second staff user's decision."""

    id = serializers.IntegerField()
    what = serializers.ChoiceField(choices=Approval.What.choices)
    proposal = serializers.CharField(source="proposal.reference")
    made_by = serializers.CharField(source="made_by.username")
    made_at = serializers.DateTimeField()
    status = serializers.ChoiceField(choices=Approval.Status.choices)
    reason = serializers.CharField()
    entry = serializers.JSONField(source="payload", help_text="What it records once approved.")
    decided_by = serializers.CharField(source="decided_by.username", allow_null=True)
    decided_at = serializers.DateTimeField(allow_null=True)
    entry_id = serializers.IntegerField(allow_null=True, help_text="The row it recorded.")


class TransactionReverseView(PolicyAPIView):
    """Ask for a transaction to be reversed (staff): a second staff user approves it."""

    policy = staticmethod(anyone_signed_in)
    serializer_class = ReasonIn

    @extend_schema(
        request=ReasonIn, responses={202: PendingOut, **error_responses(400, 403, 404, 409)}
    )
    def post(self, request, transaction_id):
        approval = corrections.transaction_reverse(
            user=request.user, transaction_id=transaction_id, body=self.body(ReasonIn)
        )
        return pending_answer(approval)


class DistributionReverseView(PolicyAPIView):
    """Ask for a distribution to be reversed (staff): a second staff user approves it."""

    policy = staticmethod(anyone_signed_in)
    serializer_class = ReasonIn

    @extend_schema(
        request=ReasonIn, responses={202: PendingOut, **error_responses(400, 403, 404, 409)}
    )
    def post(self, request, distribution_id):
        approval = corrections.distribution_reverse(
            user=request.user, distribution_id=distribution_id, body=self.body(ReasonIn)
        )
        return pending_answer(approval)


class TrueUpView(ProposalAPIView):
    """Ask to settle a project's true-up as it stands (staff, four eyes)."""

    policy = staticmethod(anyone_signed_in)
    serializer_class = OptionalReasonIn

    @extend_schema(
        request=OptionalReasonIn,
        responses={202: PendingOut, **error_responses(400, 403, 404, 409)},
    )
    def post(self, request, pk):
        approval = corrections.true_up_request(
            user=request.user, proposal_id=pk, body=self.body(OptionalReasonIn)
        )
        return pending_answer(approval)


class ApprovalStatusIn(serializers.Serializer):
    status = serializers.ChoiceField(choices=Approval.Status.choices, required=False)


class ApprovalListView(PolicyAPIView):
    """Entries that wait for (or had) a second staff user's decision: staff only."""

    policy = staticmethod(permissions.can_check_entries)
    serializer_class = ApprovalOut

    @extend_schema(
        parameters=[
            OpenApiParameter("status", str, enum=[c for c, _label in Approval.Status.choices])
        ],
        responses={200: ApprovalOut(many=True), **error_responses(400, 404)},
    )
    def get(self, request):
        query = self.parse_query(ApprovalStatusIn)
        rows = selectors.approvals_list(user=request.user, status=query.get("status"))
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(ApprovalOut(page, many=True).data)


class ApprovalDecideView(PolicyAPIView):
    """Approve or reject another staff user's pending entry (the maker: 403)."""

    policy = staticmethod(anyone_signed_in)
    serializer_class = CommentIn
    approve = True

    @extend_schema(
        request=CommentIn, responses={200: ApprovalOut, **error_responses(400, 403, 404, 409)}
    )
    def post(self, request, approval_id):
        # A second pair of eyes that signed in lately: a stale session is refused (403) before
        # anything of the entry is looked at, as on the page.
        require_recent_authentication(request)
        approval = corrections.approval_decide(
            user=request.user,
            approval_id=approval_id,
            approve=self.approve,
            body=self.body(CommentIn),
        )
        return Response(ApprovalOut(approval).data)


class RestatedOut(serializers.Serializer):
    id = serializers.IntegerField()
    date = serializers.DateField()
    amount_usd = serializers.DecimalField(**MONEY, allow_null=True)
    japan = serializers.DecimalField(**MONEY, allow_null=True, help_text="What was paid")
    us = serializers.DecimalField(**MONEY, allow_null=True)
    restated_japan = serializers.DecimalField(**MONEY, allow_null=True)
    restated_us = serializers.DecimalField(**MONEY, allow_null=True)
    reverses = serializers.IntegerField(allow_null=True)
    reversed = serializers.BooleanField()


class RestatedInvestmentOut(serializers.Serializer):
    """J in the restated position: null where a yen amount has no rate."""

    gross = serializers.DecimalField(**MONEY, allow_null=True)
    returned = serializers.DecimalField(**MONEY, allow_null=True)
    net = serializers.DecimalField(**MONEY, allow_null=True, help_text="J")


class TrueUpOut(serializers.Serializer):
    japan = serializers.DecimalField(**MONEY, allow_null=True)
    us = serializers.DecimalField(**MONEY, allow_null=True)


class RecoveryReportOut(serializers.Serializer):
    as_of = serializers.DateField()
    complete = serializers.BooleanField()
    japan_investment = RestatedInvestmentOut()
    japan_recovered = serializers.DecimalField(**MONEY)
    remaining = serializers.DecimalField(**MONEY, allow_null=True)
    phase = serializers.CharField(allow_null=True)
    distributions = RestatedOut(many=True)
    true_up = TrueUpOut()
    pending_approvals = serializers.IntegerField()


class RecoveryView(ProposalAPIView):
    """The waterfall recomputed over today's ledger and rates, with the true-up owed."""

    policy = staticmethod(anyone_signed_in)
    serializer_class = RecoveryReportOut

    @extend_schema(
        parameters=[OpenApiParameter("as_of", DATE_OR_EMPTY, description="Default: today")],
        responses={200: RecoveryReportOut, **error_responses(400, 404)},
    )
    def get(self, request, pk):
        proposal = self.get_proposal()
        as_of = parse_as_of(request.query_params.get("as_of"))
        # Already JSON values (decimal strings): a thousand rows need no serializer pass.
        return Response(selectors.recovery_report(user=request.user, proposal=proposal, on=as_of))
