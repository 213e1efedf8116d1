"""Committee endpoints: reviews, notes, conflicts, votes, ballots and the decision log."""

from __future__ import annotations

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from accounts.policy import require_recent_authentication
from committee import exports, permissions, resolution, selectors, services
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
from committee.models import Vote
from core.api.base import PolicyAPIView, anyone_signed_in, error_responses
from core.api.schema import DATE_OR_DATETIME, text_query
from core.errors import NotVisible
from projects.api.base import ProposalAPIView


class ReviewListView(ProposalAPIView):
    """Reviews you may read; a member or chair writes (or replaces) theirs."""

    policy = staticmethod(anyone_signed_in)
    serializer_class = ReviewOut
    pagination_class = None

    @extend_schema(
        operation_id="reviews_list",
        responses={200: ReviewOut(many=True), **error_responses(404)},
    )
    def get(self, request, pk):
        rows = selectors.reviews_for(
            user=request.user, proposal=self.get_proposal(co_sponsors=False)
        )
        return Response(ReviewOut(rows, many=True).data)

    @extend_schema(
        operation_id="reviews_create",
        request=ReviewIn,
        responses={201: ReviewOut, **error_responses(400, 404, 409)},
    )
    def post(self, request, pk):
        review = services.review_submit(user=request.user, proposal_id=pk, body=self.body(ReviewIn))
        return Response(ReviewOut(review).data, status=status.HTTP_201_CREATED)


class NoteListView(ProposalAPIView):
    """Notes you may read; members, chairs and staff write them."""

    policy = staticmethod(anyone_signed_in)
    serializer_class = NoteOut
    pagination_class = None

    @extend_schema(
        operation_id="notes_list", responses={200: NoteOut(many=True), **error_responses(404)}
    )
    def get(self, request, pk):
        rows = selectors.notes_for(user=request.user, proposal=self.get_proposal(co_sponsors=False))
        return Response(NoteOut(rows, many=True).data)

    @extend_schema(
        operation_id="notes_create",
        request=NoteIn,
        responses={201: NoteOut, **error_responses(400, 404, 409)},
    )
    def post(self, request, pk):
        note = services.note_add(user=request.user, proposal_id=pk, body=self.body(NoteIn))
        return Response(NoteOut(note).data, status=status.HTTP_201_CREATED)


class ConflictListView(ProposalAPIView):
    """Declared conflicts; a member or chair recuses with a reason."""

    policy = staticmethod(anyone_signed_in)
    serializer_class = ConflictOut
    pagination_class = None

    @extend_schema(
        operation_id="conflicts_list",
        responses={200: ConflictOut(many=True), **error_responses(404)},
    )
    def get(self, request, pk):
        rows = selectors.conflicts_for(
            user=request.user, proposal=self.get_proposal(co_sponsors=False)
        )
        return Response(ConflictOut(rows, many=True).data)

    @extend_schema(
        operation_id="conflicts_create",
        request=ConflictIn,
        responses={201: ConflictOut, **error_responses(400, 404, 409)},
    )
    def post(self, request, pk):
        conflict = services.conflict_declare(
            user=request.user, proposal_id=pk, body=self.body(ConflictIn)
        )
        return Response(ConflictOut(conflict).data, status=status.HTTP_201_CREATED)


class VoteView(ProposalAPIView):
    """Cast or change your vote on the open ballot."""

    policy = staticmethod(anyone_signed_in)
    serializer_class = VoteOut

    @extend_schema(
        operation_id="vote_cast",
        request=VoteIn,
        responses={200: VoteOut, **error_responses(400, 404, 409)},
    )
    def post(self, request, pk):
        # A vote decides: a session that signed in long ago confirms who it is first (403),
        # after the service's own 404 and 403, before the body's 400.
        body = self.body(VoteIn, check=require_recent_authentication)
        vote = services.vote_cast(user=request.user, proposal_id=pk, body=body)
        return Response(VoteOut(vote).data)


class DelegationCounts(serializers.Serializer):
    US = serializers.IntegerField(min_value=0)
    JP = serializers.IntegerField(min_value=0)


class ChoiceCounts(serializers.Serializer):
    for_ = serializers.IntegerField(min_value=0)
    against = serializers.IntegerField(min_value=0)
    abstain = serializers.IntegerField(min_value=0)

    def get_fields(self):  # `for` is a Python keyword
        fields = super().get_fields()
        fields["for"] = fields.pop("for_")
        return fields


class TallyOut(serializers.Serializer):
    US = ChoiceCounts()
    JP = ChoiceCounts()


class VoteRecordOut(serializers.Serializer):
    voter = serializers.CharField(help_text="username")
    name = serializers.CharField(help_text="full name")
    delegation = serializers.CharField(help_text="US or JP")
    choice = serializers.ChoiceField(choices=Vote.Choice.choices)
    rationale = serializers.CharField(allow_blank=True)


class BallotOut(serializers.Serializer):
    """A sponsor sees only `status` and `outcome`; the committee sees the rest (docs/voting.md)."""

    status = serializers.ChoiceField(choices=["open", "closed"])
    opened_at = serializers.DateTimeField(required=False)
    closes_at = serializers.DateTimeField(required=False, allow_null=True)
    closed_at = serializers.DateTimeField(required=False, allow_null=True)
    eligible = DelegationCounts(required=False)
    cast = DelegationCounts(required=False)
    tally = TallyOut(required=False, allow_null=True, help_text="null until the ballot closes")
    outcome = serializers.ChoiceField(
        choices=["approved", "rejected", "no_quorum"], allow_null=True
    )
    rule = serializers.ChoiceField(choices=["dual_majority", "simple_majority"], required=False)
    package_sha256 = serializers.CharField(required=False, allow_null=True)
    votes = VoteRecordOut(many=True, required=False, help_text="once closed, to the committee only")


class BallotView(ProposalAPIView):
    """The latest ballot: counts while open, the tally once closed."""

    policy = staticmethod(anyone_signed_in)
    serializer_class = BallotOut

    @extend_schema(
        operation_id="ballot_retrieve", responses={200: BallotOut, **error_responses(404)}
    )
    def get(self, request, pk):
        summary = selectors.ballot_summary(
            user=request.user, proposal=self.get_proposal(co_sponsors=False)
        )
        if summary is None:
            raise NotVisible(_("No ballot has been opened on this proposal."))
        # The summary already holds only what this user may see (the sponsor: two keys).
        return Response(summary)


LOG_FILTERS = [
    OpenApiParameter("proposal", text_query(), description="Proposal reference, e.g. P-2025-0001"),
    OpenApiParameter("event", text_query()),
    OpenApiParameter("since", DATE_OR_DATETIME, description="YYYY-MM-DD or ISO 8601, inclusive"),
    OpenApiParameter("until", DATE_OR_DATETIME, description="YYYY-MM-DD or ISO 8601, inclusive"),
]


class DecisionLogListView(PolicyAPIView):
    """The decision log: members, chairs, staff and observers."""

    policy = staticmethod(permissions.can_read_decision_log)
    serializer_class = DecisionLogEntryOut

    @extend_schema(
        operation_id="decision_log_list",
        parameters=LOG_FILTERS,
        # 400: a bound that is not a date; 404: a page past the last one.
        responses={200: DecisionLogEntryOut(many=True), **error_responses(400, 404)},
    )
    def get(self, request):
        rows = selectors.decision_log_entries(user=request.user, filters=request.query_params)
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(DecisionLogEntryOut(page, many=True).data)


# The media types the export answers with, without parameters (csv and jsonl add a charset).
EXPORT_MEDIA_TYPES = {
    fmt: content_type.split(";")[0] for fmt, (content_type, _ext) in exports.FORMATS.items()
}


class DecisionLogExportView(PolicyAPIView):
    """Stream the decision log as csv, jsonl or xlsx: secretariat staff only."""

    policy = staticmethod(permissions.can_export_decision_log)
    serializer_class = DecisionLogEntryOut

    @extend_schema(
        operation_id="decision_log_export",
        parameters=[
            OpenApiParameter("format", str, enum=list(exports.FORMATS), default="csv"),
            OpenApiParameter(
                "lang",
                str,
                enum=list(exports.LANGUAGES),
                default="en",
                description="Language of the typed columns' labels (csv, xlsx)",
            ),
            *LOG_FILTERS,
        ],
        responses={
            **{
                (200, EXPORT_MEDIA_TYPES[fmt]): OpenApiResponse(
                    response=OpenApiTypes.BINARY if fmt == "xlsx" else OpenApiTypes.STR,
                    description=f"The entries as {fmt}, streamed.",
                )
                for fmt in exports.FORMATS
            },
            **error_responses(400),
        },
    )
    def get(self, request):
        fmt = request.query_params.get("format", "csv")
        lang = request.query_params.get("lang", "en")
        filters = {k: request.query_params.get(k) for k in ("proposal", "event", "since", "until")}
        rows = services.decision_log_export(user=request.user, fmt=fmt, filters=filters, lang=lang)
        content_type, extension = exports.FORMATS[fmt]
        stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
        response = StreamingHttpResponse(
            exports.iter_export(rows, fmt, lang), content_type=content_type
        )
        response["Content-Disposition"] = f'attachment; filename="decision-log-{stamp}.{extension}"'
        return response


class ResolutionView(ProposalAPIView):
    """The signed resolution (PDF) once a ballot has closed: the committee and the sponsors."""

    policy = staticmethod(anyone_signed_in)

    @extend_schema(
        operation_id="resolution_pdf",
        parameters=[OpenApiParameter("lang", str, enum=list(resolution.LANGUAGES), default="en")],
        responses={
            (200, "application/pdf"): OpenApiResponse(
                response=OpenApiTypes.BINARY, description="The resolution, signed (PAdES)."
            ),
            **error_responses(400, 404, 409),
        },
    )
    def get(self, request, pk):
        lang = request.query_params.get("lang", "en")
        found, pdf = resolution.resolution_pdf(user=request.user, proposal_id=pk, lang=lang)
        return pdf_response(pdf, found.proposal.reference, lang)


def pdf_response(pdf: bytes, reference: str, lang: str) -> HttpResponse:
    """The PDF as an attachment named after the proposal and the language."""
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="resolution-{reference}-{lang}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response
