"""What every API view shares: authentication, the policy gate and one error shape.

Every endpoint derives from ``PolicyAPIView``. It must name ``policy``: who may call the
endpoint at all (by role). Object-level rules are asked of ``projects.permissions`` by the
selectors and services the view calls, so a view that forgets nothing can leak nothing:
``get_proposal`` answers 404 for a proposal the user may not see.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError
from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from projects import selectors
from projects.errors import DomainError
from projects.models import Proposal


def anyone_signed_in(user: Any) -> bool:
    """Policy for endpoints whose rows the policy filters per object."""
    return True


class PolicyGate(BasePermission):
    message = "Your role may not use this endpoint."

    def has_permission(self, request, view) -> bool:
        return bool(view.policy(request.user))


class PolicyAPIView(GenericAPIView):
    permission_classes = [IsAuthenticated, PolicyGate]
    policy: ClassVar[Callable[[Any], bool]]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if not callable(cls.__dict__.get("policy", getattr(cls, "policy", None))):
            raise TypeError(f"{cls.__name__} must name its policy")

    def get_proposal(self) -> Proposal:
        return selectors.proposal_get(user=self.request.user, proposal_id=self.kwargs["pk"])

    def parse(self, serializer_class, *, partial: bool = False) -> dict[str, Any]:
        """Validate the request body with ``serializer_class``; 400 per field if it fails."""
        serializer = serializer_class(data=self.request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)


# --- The one error shape, as the schema documents it -------------------------------------

ErrorOut = inline_serializer(
    name="Error",
    fields={"detail": serializers.CharField()},
)
ERROR_DESCRIPTIONS = {
    400: "Invalid input: `detail` and a list of messages per field.",
    401: "Not signed in.",
    403: "Signed in, but your role may not do this.",
    404: "Not found, or not visible to you.",
    409: "The object's state does not allow this.",
}


def error_responses(*codes: int) -> dict[int, OpenApiResponse]:
    """Schema entries for the error answers an operation can give, e.g. ``error_responses(400, 409)``.

    401, 403 and 404 apply to every operation on an object and are always included.
    """
    wanted = sorted({401, 403, *codes})
    return {
        code: OpenApiResponse(response=ErrorOut, description=ERROR_DESCRIPTIONS[code])
        for code in wanted
    }


def _with_detail(data: Any, default: str) -> dict[str, Any]:
    if isinstance(data, dict):
        return {"detail": data.get("detail", default), **data}
    if isinstance(data, list):
        return {"detail": default, "non_field_errors": data}
    return {"detail": str(data)}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """One error shape: ``{"detail": "…", "<field>": ["…"]}`` with 400/401/403/404/409."""
    if isinstance(exc, DomainError):
        body: dict[str, Any] = {"detail": exc.message or "Request refused."}
        body.update(exc.detail)
        return Response(body, status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        detail = (
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
        return Response({"detail": "Invalid input.", **detail}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, DataError):
        return Response(
            {"detail": "A value is out of range for its field."}, status=status.HTTP_400_BAD_REQUEST
        )
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(exc, exceptions.ValidationError):
        response.data = _with_detail(response.data, "Invalid input.")
    return response
