"""The OpenAPI schema, generated from the code, with the input rules DRF applies stated in it.

drf-spectacular documents a ``CharField`` as "any string" and a ``DecimalField`` as a string
whose pattern allows ``""``, ``"."`` and a minus sign even with ``min_value=0``; DRF refuses all
of these with 400. A client generated from the schema (or schemathesis) would send them as
valid. ``AccordAutoSchema`` states the rules the fields really apply, derived from each field's
own settings, so every endpoint gets them without annotating each one.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.openapi import AutoSchema
from rest_framework import serializers

# DRF's CharField refuses NUL (ProhibitNullCharactersValidator), and with allow_blank=False
# what is empty once trimmed. (It refuses lone surrogates too, which JSON text generated from
# the schema cannot carry, so the pattern leaves them out: generators cannot use such ranges.)
TEXT_CHAR = "[^\\x00]"
NON_BLANK_CHAR = "[^\\s\\x00]"
ANY_TEXT = f"^{TEXT_CHAR}*$"
# drf-spectacular pairs a blank-allowing field's pattern with a `maxLength: 0` branch in a
# oneOf, so that pattern must not match "" itself.
NON_EMPTY_TEXT = f"^{TEXT_CHAR}+$"
NON_BLANK_TEXT = f"^{TEXT_CHAR}*{NON_BLANK_CHAR}{TEXT_CHAR}*$"


def text_query(**extra: Any) -> dict[str, Any]:
    """A raw schema for a free-text query parameter (no NUL: PostgreSQL cannot compare it)."""
    return {"type": "string", "pattern": ANY_TEXT, **extra}


# A day, or empty for the default (today).
DATE_OR_EMPTY = {
    "anyOf": [{"type": "string", "format": "date"}, {"type": "string", "maxLength": 0}]
}

# A filter bound: a day or an ISO 8601 moment, or empty for none (committee.selectors._moment).
DATE_OR_DATETIME = {
    "anyOf": [
        {"type": "string", "format": "date"},
        {"type": "string", "format": "date-time"},
        {"type": "string", "maxLength": 0},
    ]
}


def decimal_rules(field: serializers.DecimalField) -> dict[str, Any]:
    """The pattern of the decimal strings DRF accepts for ``field``.

    Leading zeros do not count towards ``max_digits`` (DRF counts a Decimal's digits). A
    ``min_value`` of 0 drops the sign; a positive one no larger than the smallest step
    (0.01 for two places) means "above zero", which the pattern states as: some digit is not 0.
    """
    places = field.decimal_places or 0
    whole = (field.max_digits - places) if field.max_digits is not None else None
    fraction = f"(?:\\.\\d{{1,{places}}})?" if places else ""
    minimum = None if field.min_value is None else Decimal(field.min_value)
    if minimum is not None and 0 < minimum <= Decimal(1).scaleb(-places):
        branches = []
        if whole is None or whole > 0:
            rest = f"\\d{{0,{whole - 1}}}" if whole else "\\d*"
            branches.append(f"0*[1-9]{rest}{fraction}")
        if places:
            tails = [
                ("0" * k) + "[1-9]" + (f"\\d{{0,{places - 1 - k}}}" if places - 1 - k else "")
                for k in range(places)
            ]
            branches.append(f"0*\\.(?:{'|'.join(tails)})")
        return {"pattern": f"^(?:{'|'.join(branches)})$"}
    digits = f"\\d{{1,{whole}}}" if whole else "\\d+"
    sign = "" if minimum is not None and minimum >= 0 else "-?"
    return {"pattern": f"^{sign}{digits}{fraction}$"}


class AccordAutoSchema(AutoSchema):
    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if direction != "request" or schema.get("type") != "string":
            return schema
        if isinstance(field, serializers.DecimalField):
            schema.update(decimal_rules(field))
        elif (
            isinstance(field, serializers.CharField)
            and "format" not in schema
            and "enum" not in schema
            and "pattern" not in schema
        ):
            blank_ok = field.allow_blank or not getattr(field, "trim_whitespace", True)
            schema["pattern"] = NON_EMPTY_TEXT if blank_ok else NON_BLANK_TEXT
        return schema


class ErrorOutExtension(OpenApiSerializerExtension):
    """The one error body: ``detail`` and, per field, a list of messages."""

    target_class = "core.api.base.ErrorOut"

    def map_serializer(self, auto_schema, direction):
        schema = auto_schema._map_basic_serializer(self.target, direction)
        schema["additionalProperties"] = {"type": "array", "items": {"type": "string"}}
        return schema
