"""The answer to an entry that waits for a second staff user: 202 and what it will record."""

from __future__ import annotations

from rest_framework import serializers, status
from rest_framework.response import Response

from financing.models import Approval


class PendingOut(serializers.Serializer):
    status = serializers.ChoiceField(choices=["pending"])
    approval = serializers.IntegerField(help_text="Approve or reject it under /approvals/{id}/.")


def pending_answer(approval: Approval) -> Response:
    """202 with ``{"status": "pending", "approval": id}`` beside the entry's own fields."""
    body = {**approval.payload, "id": None, "status": "pending", "approval": approval.pk}
    return Response(body, status=status.HTTP_202_ACCEPTED)
