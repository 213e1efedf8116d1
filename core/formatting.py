"""Numbers in messages written as the pages write them: digits grouped, in the reader's locale.

A message that says "above the 720,000,000 committed" beside a table showing
``720,000,000`` reads as one product; ``720000000.00`` reads as a program's internals.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.formats import number_format
from django.utils.functional import lazy
from django.utils.translation import gettext


def number(value: Any) -> str:
    """``value`` with its thousands grouped: whole amounts lose their cents, others keep
    their own decimals (at least two), e.g. ``1,200,000``, ``1,200,000.50``, ``0.0066``."""
    if value is None or value == "":
        return "—"
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    if not amount.is_finite():
        return str(value)
    if amount == amount.to_integral_value():
        places = 0
    else:
        places = max(2, -amount.normalize().as_tuple().exponent)
    return number_format(amount, decimal_pos=places, use_l10n=True, force_grouping=True)


def _too_large(limit: Decimal) -> str:
    return gettext("The amount is too large: at most %(limit)s.") % {"limit": number(limit)}


# The message for an amount above ``limit``, in the language of whoever reads it.
too_large_message = lazy(_too_large, str)
