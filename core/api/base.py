"""What every API view shares: authentication, the policy gate and one error shape.

Every endpoint derives from ``PolicyAPIView``. It must name ``policy``: who may call the
endpoint at all (by role). Object-level rules are asked of each app's ``permissions`` by the
selectors and services the view calls, which raise the kernel's domain errors; the exception
handler here maps them to 400, 403, 404 and 409.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any, ClassVar

from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.request import RawPostDataException
from django.views import defaults
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import JSONParser
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.errors import DomainError
from core.inputs import Reader


def anyone_signed_in(user: Any) -> bool:
    """Policy for endpoints whose rows the policy filters per object."""
    return True


def _json_type(field: serializers.Field) -> tuple[type, ...] | None:
    """The JSON types the schema gives ``field`` (None: no check here)."""
    if isinstance(field, serializers.BooleanField):
        return (bool,)
    if isinstance(field, serializers.IntegerField):
        return (int,)
    if isinstance(field, serializers.FloatField):
        return (int, float)
    if isinstance(field, serializers.ChoiceField):
        return None  # DRF compares the value with each choice itself
    if isinstance(
        field,
        serializers.CharField
        | serializers.DecimalField
        | serializers.DateTimeField
        | serializers.DateField
        | serializers.TimeField,
    ):
        return (str,)
    if isinstance(field, serializers.ListField | serializers.ListSerializer):
        return (list,)
    if isinstance(field, serializers.DictField | serializers.Serializer):
        return (dict,)
    return None


def json_type_errors(fields: Any, data: dict[str, Any], prefix: str = "") -> dict[str, list[str]]:
    """Fields of ``data`` whose JSON type is not the one the schema states, by dotted path."""
    errors: dict[str, list[str]] = {}
    for name, field in fields.items():
        if field.read_only or name not in data:
            continue
        value, path = data[name], f"{prefix}{name}"
        wanted = _json_type(field)
        if value is None or wanted is None:
            continue
        if not isinstance(value, wanted) or (isinstance(value, bool) and bool not in wanted):
            errors[path] = [f"Expected {' or '.join(JSON_NAMES[t] for t in wanted)}."]
        elif isinstance(field, serializers.Serializer):
            errors.update(json_type_errors(field.fields, value, f"{path}."))
        elif isinstance(field, serializers.ListField) and _json_type(field.child):
            child_types = _json_type(field.child)
            for index, item in enumerate(value):
                if item is not None and (
                    not isinstance(item, child_types)
                    or (isinstance(item, bool) and bool not in child_types)
                ):
                    errors[f"{path}.{index}"] = [
                        f"Expected {' or '.join(JSON_NAMES[t] for t in child_types)}."
                    ]
    return errors


JSON_NAMES = {
    bool: "true or false",
    int: "an integer",
    float: "a number",
    str: "a string",
    list: "a list",
    dict: "an object",
}


class PolicyGate(BasePermission):
    message = "Your role may not use this endpoint."

    def has_permission(self, request, view) -> bool:
        return bool(view.policy(request.user))


class PolicyAPIView(GenericAPIView):
    permission_classes = [IsAuthenticated, PolicyGate]
    # JSON bodies only, as the schema says; an upload view names MultiPartParser itself.
    parser_classes = [JSONParser]
    policy: ClassVar[Callable[[Any], bool]]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.__dict__.get("abstract", False):
            return  # a base for other endpoints, never routed itself
        if not callable(cls.__dict__.get("policy", getattr(cls, "policy", None))):
            raise TypeError(f"{cls.__name__} must name its policy")

    def parse(self, serializer_class, *, partial: bool = False) -> dict[str, Any]:
        """Validate the request body with ``serializer_class``; 400 per field if it fails.

        JSON types are checked first, as the schema states them: DRF alone would take
        ``{"text": 0}`` as the string ``"0"`` and ``{"score": "3"}`` as the number 3.
        """
        serializer = serializer_class(data=self.request.data, partial=partial)
        if type(self.request.data) is dict:  # a JSON object (a form's QueryDict has no types)
            wrong = json_type_errors(serializer.fields, self.request.data)
            if wrong:
                raise exceptions.ValidationError(wrong)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def body(
        self,
        serializer_class,
        *,
        partial: bool = False,
        check: Callable[[Any], None] | None = None,
    ) -> Reader:
        """The request body for a service to read once its own checks have passed
        (``core.inputs``): parsed with ``serializer_class`` only when the service calls it, so
        whoever may not act gets the service's 404 or 403 whatever the body holds.

        ``check`` runs on the request just before the body is parsed: a recent sign-in, whose
        403 then comes after the policy's and before the body's 400.
        """
        # Received now, parsed later: a slow client holds no row lock the service takes.
        # A body Django keeps out of memory (past DATA_UPLOAD_MAX_MEMORY_SIZE), or one already
        # read as a form, is left to the parser, as it always was.
        with contextlib.suppress(RequestDataTooBig, RawPostDataException):
            self.request.body  # noqa: B018 - reading it is the point

        def read() -> dict[str, Any]:
            if check is not None:
                check(self.request)
            return self.parse(serializer_class, partial=partial)

        return read

    def parse_query(self, serializer_class) -> dict[str, Any]:
        """Validate the query string with ``serializer_class``; 400 per parameter if it fails."""
        # A plain dict, not the QueryDict: DRF would read an empty value as "not given".
        serializer = serializer_class(data=self.request.query_params.dict())
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)


# --- The one error shape, as the schema documents it -------------------------------------


class ErrorOut(serializers.Serializer):
    """``detail``, and for invalid input a list of messages per field (``core.api.schema``
    documents those as additional properties: arrays of strings)."""

    detail = serializers.CharField()

    class Meta:
        ref_name = "Error"


ERROR_DESCRIPTIONS = {
    400: "Invalid input: `detail` and a list of messages per field.",
    401: "Not signed in.",
    403: "Signed in, but your role may not do this.",
    404: "Not found, or not visible to you.",
    409: "The object's state does not allow this.",
}


def error_responses(*codes: int) -> dict[int, OpenApiResponse]:
    """Schema entries for the error answers an operation can give: ``error_responses(400, 409)``.

    401 and 403 (not signed in; a role the endpoint refuses) apply to every operation and are
    always included.
    """
    wanted = sorted({401, 403, *codes})
    return {
        code: OpenApiResponse(response=ErrorOut, description=ERROR_DESCRIPTIONS[code])
        for code in wanted
    }


def _flatten(data: Any, prefix: str = "") -> dict[str, list[str]]:
    """Nested field errors as one list per dotted path: ``{"scores.risk": ["…"]}``."""
    if isinstance(data, dict):
        flat: dict[str, list[str]] = {}
        for key, value in data.items():
            flat.update(_flatten(value, f"{prefix}.{key}" if prefix else str(key)))
        return flat
    if isinstance(data, list) and any(isinstance(item, dict | list) for item in data):
        flat = {}
        for index, item in enumerate(data):
            if item:
                flat.update(_flatten(item, f"{prefix}.{index}"))
        return flat
    messages = data if isinstance(data, list) else [data]
    return {prefix or "non_field_errors": [str(message) for message in messages]}


def _with_detail(data: Any, default: str) -> dict[str, Any]:
    if isinstance(data, dict):
        fields = {key: value for key, value in data.items() if key != "detail"}
        return {"detail": str(data.get("detail", default)), **_flatten(fields)}
    if isinstance(data, list):
        return {"detail": default, "non_field_errors": [str(item) for item in data]}
    return {"detail": str(data)}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """One error shape: ``{"detail": "…", "<field>": ["…"]}`` with 400/401/403/404/409."""
    if isinstance(exc, DomainError):
        body: dict[str, Any] = {"detail": exc.message or "Request refused."}
        body.update(_flatten(exc.detail))
        return Response(body, status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        detail = (
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
        return Response(
            {"detail": "Invalid input.", **_flatten(detail)}, status=status.HTTP_400_BAD_REQUEST
        )
    if isinstance(exc, DataError):
        return Response(
            {"detail": "A value is out of range for its field."}, status=status.HTTP_400_BAD_REQUEST
        )
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(exc, exceptions.ValidationError):
        response.data = _with_detail(response.data, "Invalid input.")
    return response


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """``handler404``: under ``/api/`` the one JSON error body (a URL no route matches, e.g.
    ``/api/v1/proposals/abc/``), elsewhere the HTML page."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found."}, status=404)
    return defaults.page_not_found(request, exception)
