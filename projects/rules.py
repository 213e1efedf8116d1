"""Pure rules about proposals: no ORM, plain values in and out."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from core.formatting import too_large_message

MAX_AMOUNT = Decimal("999999999999999999.99")
SECTORS = (
    "nuclear",
    "grid",
    "energy_storage",
    "advanced_manufacturing",
    "semiconductors",
    "pharmaceuticals",
    "critical_minerals",
    "shipbuilding",
    "ai_infrastructure",
    "other",
)
CURRENCIES = ("USD", "JPY")


def reference_for(year: int, number: int) -> str:
    """Format a proposal reference, e.g. ``P-2025-0001``."""
    return f"P-{year}-{number:04d}"


def field_problems(
    *, sector: str | None, currency: str | None, amount: Decimal | None
) -> dict[str, list[str]]:
    """Problems with the values of a draft's fields (any of them may be absent)."""
    problems: dict[str, list[str]] = {}
    if sector not in (None, "") and sector not in SECTORS:
        problems["sector"] = [_("Unknown sector “%(value)s”.") % {"value": sector}]
    if currency is not None and currency not in CURRENCIES:
        problems["currency"] = [_("Currency must be USD or JPY.")]
    if amount is not None:
        if not isinstance(amount, Decimal) or not amount.is_finite():
            problems["amount_requested"] = [_("Enter a number.")]
        elif amount < 0:
            problems["amount_requested"] = [_("The amount cannot be negative.")]
        elif amount > MAX_AMOUNT:
            problems["amount_requested"] = [str(too_large_message(MAX_AMOUNT))]
        elif amount != amount.quantize(Decimal("0.01")):
            problems["amount_requested"] = [_("Use at most two decimal places.")]
    return problems


def submission_problems(
    *, title: str, description: str, sector: str, amount: Decimal
) -> dict[str, list[str]]:
    """What a draft lacks before it may be submitted (docs/lifecycle.md)."""
    problems: dict[str, list[str]] = {}
    if not (title or "").strip():
        problems["title"] = [_("A title is required to submit.")]
    if not (description or "").strip():
        problems["description"] = [_("A description is required to submit.")]
    if not sector:
        problems["sector"] = [_("Choose a sector before submitting.")]
    if amount is None or amount <= 0:
        problems["amount_requested"] = [_("The amount requested must be above zero.")]
    return problems
