"""Document and decision-package endpoints (docs/documents.md): parse, call, render."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import SuspiciousOperation
from django.http import FileResponse, HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from core.api.base import PolicyAPIView, anyone_signed_in, error_responses
from core.errors import Invalid, NotVisible
from projects.api.base import ProposalAPIView

from . import selectors, services, sniffing
from .models import Document, Kind
from .uploads import oversized_uploads

logger = logging.getLogger(__name__)


class DocumentOut(serializers.ModelSerializer):
    uploaded_by = serializers.CharField(source="uploaded_by.username")
    superseded = serializers.BooleanField()

    class Meta:
        model = Document
        fields = [
            "id",
            "kind",
            "title",
            "filename",
            "size",
            "sha256",
            "content_type",
            "uploaded_by",
            "uploaded_at",
            "supersedes",
            "superseded",
        ]


class DocumentIn(serializers.Serializer):
    file = serializers.FileField(
        help_text="PDF, XLSX, DOCX, PPTX, CSV, PNG or JPEG, judged by content; "
        "at most ACCORD_MAX_UPLOAD_BYTES (25 MB by default)."
    )
    kind = serializers.ChoiceField(choices=Kind.choices)
    title = serializers.CharField(max_length=300)
    supersedes = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text="The id of the document this one replaces (the old one stays, superseded).",
    )


class FirstRenderer(BaseContentNegotiation):
    """Files and packages have one representation whatever the client accepts."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


def _too_large() -> Invalid:
    message = services.too_large_message()
    return Invalid(message, detail={"file": [message]})


class DocumentListView(ProposalAPIView):
    """Every version of the proposal's documents; those allowed attach a new one (multipart)."""

    policy = staticmethod(anyone_signed_in)
    serializer_class = DocumentOut
    pagination_class = None
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        operation_id="documents_list",
        responses={200: DocumentOut(many=True), **error_responses(404)},
    )
    def get(self, request, pk):
        rows = selectors.documents_for(
            user=request.user, proposal=self.get_proposal(co_sponsors=False)
        )
        return Response(DocumentOut(rows, many=True).data)

    @extend_schema(
        operation_id="documents_create",
        request={"multipart/form-data": DocumentIn},
        responses={201: DocumentOut, **error_responses(400, 404, 409)},
    )
    def post(self, request, pk):
        document = services.document_add(user=request.user, proposal_id=pk, body=self._upload)
        document.superseded = False
        return Response(DocumentOut(document).data, status=status.HTTP_201_CREATED)

    def _upload(self) -> dict[str, Any]:
        """The multipart body, as ``document_add`` reads it once it allows the upload (400 for
        what the parser or the size limit refuses)."""
        try:
            self.request.data  # noqa: B018 - parse now, so that the upload handler has had its say
        except SuspiciousOperation:  # more files or form data than the settings allow
            message = _("Send one file, with its kind and title, and nothing else.")
            raise Invalid(message, detail={"file": [message]}) from None
        if "file" in oversized_uploads(self.request) and "file" not in self.request.FILES:
            raise _too_large()
        data = self.parse(DocumentIn)
        return {
            "kind": data["kind"],
            "title": data["title"],
            "upload": data["file"],
            "supersedes_id": data.get("supersedes"),
        }


FILE_RESPONSES = {
    (200, file_type.content_type): OpenApiResponse(
        response=OpenApiTypes.BINARY, description=f"The file's bytes ({file_type.label})."
    )
    for file_type in sniffing.ALLOWED
}


class DocumentDownloadView(PolicyAPIView):
    """The file, as an attachment, to whoever may see the proposal (others: 404)."""

    policy = staticmethod(anyone_signed_in)
    serializer_class = DocumentOut
    content_negotiation_class = FirstRenderer

    @extend_schema(
        operation_id="document_download",
        responses={**FILE_RESPONSES, **error_responses(404)},
    )
    def get(self, request, document_id):
        document = selectors.document_get(user=request.user, document_id=document_id)
        if not document.file.storage.exists(document.file.name):
            logger.error("document %s: %s is missing from storage", document.pk, document.file.name)
            raise NotVisible(_("The file is not available."))
        response = FileResponse(
            document.file.open("rb"),
            as_attachment=True,
            filename=document.filename,
            content_type=document.content_type,
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        response["Cache-Control"] = "private, no-store"
        response["ETag"] = f'"{document.sha256}"'
        return response


class PackageView(ProposalAPIView):
    """The decision package frozen when the latest ballot opened, byte for byte: its SHA-256
    is the ballot's ``package_sha256``. Members, chairs, staff and observers."""

    policy = staticmethod(anyone_signed_in)
    serializer_class = DocumentOut
    content_negotiation_class = FirstRenderer

    @extend_schema(
        operation_id="package_retrieve",
        responses={
            (200, "application/json"): OpenApiResponse(
                response=OpenApiTypes.OBJECT,
                description="The package's canonical JSON (sorted keys, compact separators, "
                "UTF-8): proposal, documents with sha256, reviews so far.",
            ),
            **error_responses(404),
        },
    )
    def get(self, request, pk):
        package = selectors.package_for(
            user=request.user, proposal=self.get_proposal(co_sponsors=False)
        )
        response = HttpResponse(bytes(package.canonical), content_type="application/json")
        response["ETag"] = f'"{package.sha256}"'
        response["X-Content-Type-Options"] = "nosniff"
        return response
