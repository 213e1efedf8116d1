"""Committee endpoints: reviews, notes, conflicts, votes, ballots and the decision log."""

from __future__ import annotations

from django.http import StreamingHttpResponse
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from committee import exports, selectors, services
from committee.api.serializers import (
    ConflictIn,
    ConflictOut,
    DecisionLogEntryOut,
    NoteIn,
    NoteOut,
    ReviewIn,
    ReviewOut,
    VoteIn,
    VoteOut,
)
from projects import permissions
from projects.api.base import PolicyAPIView, anyone_signed_in
from projects.errors import NotVisible


class ReviewListView(PolicyAPIView):
    """Reviews you may read; a member or chair writes (or replaces) theirs."""

    policy = staticmethod(anyone_signed_in)
    serializer_class = ReviewOut
    pagination_class = None

    def get(self, request, pk):
        rows = selectors.reviews_for(user=request.user, proposal=self.get_proposal())
        return Response(ReviewOut(rows, many=True).data)

    @extend_schema(request=ReviewIn, responses={201: ReviewOut})
    def post(self, request, pk):
        proposal = self.get_proposal()
        permissions.require(
            permissions.can_review(request.user, proposal), "Only members and chairs review."
        )
        data = self.parse(ReviewIn)
        review = services.review_submit(user=request.user, proposal_id=proposal.pk, **data)
        return Response(ReviewOut(review).data, status=status.HTTP_201_CREATED)


class NoteListView(PolicyAPIView):
    """Notes you may read; members, chairs and staff write them."""

    policy = staticmethod(anyone_signed_in)
    serializer_class = NoteOut
    pagination_class = None

    def get(self, request, pk):
        rows = selectors.notes_for(user=request.user, proposal=self.get_proposal())
        return Response(NoteOut(rows, many=True).data)

    @extend_schema(request=NoteIn, responses={201: NoteOut})
    def post(self, request, pk):
        proposal = self.get_proposal()
        permissions.require(
            permissions.can_write_note(request.user, proposal),
            "Only members, chairs and secretariat staff write notes.",
        )
        data = self.parse(NoteIn)
        note = services.note_add(user=request.user, proposal_id=proposal.pk, **data)
        return Response(NoteOut(note).data, status=status.HTTP_201_CREATED)


class ConflictListView(PolicyAPIView):
    """Declared conflicts; a member or chair recuses with a reason."""

    policy = staticmethod(anyone_signed_in)
    serializer_class = ConflictOut
    pagination_class = None

    def get(self, request, pk):
        rows = selectors.conflicts_for(user=request.user, proposal=self.get_proposal())
        return Response(ConflictOut(rows, many=True).data)

    @extend_schema(request=ConflictIn, responses={201: ConflictOut})
    def post(self, request, pk):
        proposal = self.get_proposal()
        permissions.require(
            permissions.can_declare_conflict(request.user, proposal),
            "Only members and chairs declare conflicts.",
        )
        data = self.parse(ConflictIn)
        conflict = services.conflict_declare(user=request.user, proposal_id=proposal.pk, **data)
        return Response(ConflictOut(conflict).data, status=status.HTTP_201_CREATED)


class VoteView(PolicyAPIView):
    """Cast or change your vote on the open ballot."""

    policy = staticmethod(anyone_signed_in)
    serializer_class = VoteOut

    @extend_schema(request=VoteIn, responses={200: VoteOut})
    def post(self, request, pk):
        proposal = self.get_proposal()
        permissions.require(
            permissions.role_of(request.user) in permissions.VOTERS, "Only members and chairs vote."
        )
        data = self.parse(VoteIn)
        vote = services.vote_cast(user=request.user, proposal_id=proposal.pk, **data)
        return Response(VoteOut(vote).data)


class BallotOut(serializers.Serializer):
    status = serializers.CharField()
    opened_at = serializers.DateTimeField(required=False)
    closes_at = serializers.DateTimeField(required=False, allow_null=True)
    closed_at = serializers.DateTimeField(required=False, allow_null=True)
    eligible = serializers.DictField(child=serializers.IntegerField(), required=False)
    cast = serializers.DictField(child=serializers.IntegerField(), required=False)
    tally = serializers.JSONField(required=False, allow_null=True)
    outcome = serializers.CharField(allow_null=True)


class BallotView(PolicyAPIView):
    """The latest ballot: counts while open, the tally once closed."""

    policy = staticmethod(anyone_signed_in)
    serializer_class = BallotOut

    @extend_schema(responses=BallotOut)
    def get(self, request, pk):
        summary = selectors.ballot_summary(user=request.user, proposal=self.get_proposal())
        if summary is None:
            raise NotVisible("No ballot has been opened on this proposal.")
        # The summary already holds only what this user may see (the sponsor: two keys).
        return Response(summary)


LOG_FILTERS = [
    OpenApiParameter("proposal", str, description="Proposal reference, e.g. P-2025-0001"),
    OpenApiParameter("event", str),
    OpenApiParameter("since", str, description="YYYY-MM-DD or ISO 8601, inclusive"),
    OpenApiParameter("until", str, description="YYYY-MM-DD or ISO 8601, inclusive"),
]


class DecisionLogListView(PolicyAPIView):
    """The decision log: members, chairs, staff and observers."""

    policy = staticmethod(permissions.can_read_decision_log)
    serializer_class = DecisionLogEntryOut

    @extend_schema(parameters=LOG_FILTERS)
    def get(self, request):
        rows = selectors.decision_log_entries(user=request.user, filters=request.query_params)
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(DecisionLogEntryOut(page, many=True).data)


class DecisionLogExportView(PolicyAPIView):
    """Stream the decision log as csv, jsonl or xlsx: secretariat staff only."""

    policy = staticmethod(permissions.can_export_decision_log)
    serializer_class = DecisionLogEntryOut

    @extend_schema(
        parameters=[OpenApiParameter("format", str, enum=list(exports.FORMATS)), *LOG_FILTERS],
        responses={(200, "application/octet-stream"): bytes},
    )
    def get(self, request):
        fmt = request.query_params.get("format", "csv")
        filters = {k: request.query_params.get(k) for k in ("proposal", "event", "since", "until")}
        rows = services.decision_log_export(user=request.user, fmt=fmt, filters=filters)
        content_type, extension = exports.FORMATS[fmt]
        stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
        response = StreamingHttpResponse(exports.iter_export(rows, fmt), content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="decision-log-{stamp}.{extension}"'
        return response
