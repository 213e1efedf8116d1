"""Form fields that read what people type (every app's forms use them): amounts with
separators, ISO dates.

Every amount on the site is shown with thousands separators, so an amount field takes them
back: ``1,200,000,000``, the Japanese ``1，200，000，000`` and full-width digits
(``１２００``) all read as 1200000000. Commas must group thousands (``1,5`` is refused, not
read as 15, since in much of Europe it means one and a half). Dates are ISO only
(``2026-12-31``, which is also what the browser's date picker sends): ``02/12/2026`` is
refused with the expected shape rather than guessed at.

These fields only parse. Whether an amount may be zero, how many decimals a currency takes
and every other rule stay with the services, which answer the API with the same messages.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.formatting import number

ISO_DATE = "%Y-%m-%d"
# Integer part either plain digits or grouped by three with commas; an optional fraction.
_AMOUNT = re.compile(r"[+-]?(?:\d+|\d{1,3}(?:,\d{3})+)(?:\.\d+)?")


def normalise_digits(text: str) -> str:
    """Full-width digits, commas, points and minus signs as their ASCII selves, spaces out."""
    text = unicodedata.normalize("NFKC", text)
    text = text.replace("\u2212", "-")  # the minus sign, as some keyboards type it
    return "".join(text.split())


def parse_amount(text: Any) -> Decimal | None:
    """The amount ``text`` spells, separators allowed; None when it is not one."""
    if isinstance(text, Decimal):
        return text
    cleaned = normalise_digits(str(text))
    if not _AMOUNT.fullmatch(cleaned):
        return None
    try:
        return Decimal(cleaned.replace(",", ""))
    except InvalidOperation:
        return None


class AmountInput(forms.TextInput):
    """A text box (not ``type=number``, which refuses separators) with the numeric keypad."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"inputmode": "decimal", "autocomplete": "off", **(attrs or {})})


class AmountField(forms.CharField):
    """A money amount (or rate) as a Decimal, typed with or without thousands separators.

    ``max_value`` is the largest value accepted and ``decimal_places`` the most decimals;
    both messages say the limit, written as the page writes numbers.
    """

    widget = AmountInput
    default_error_messages = {
        "invalid": _("Enter an amount, e.g. 1,200,000 or 1200000.50."),
        "max_value": _("The amount is too large: at most %(limit)s."),
        "decimal_places": _("Use at most %(places)d decimal places."),
    }

    def __init__(
        self,
        *,
        max_value: Decimal | None = None,
        decimal_places: int | None = None,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("max_length", 60)
        super().__init__(**kwargs)
        self.max_value = max_value
        self.decimal_places = decimal_places

    def to_python(self, value: Any) -> Decimal | None:
        text = super().to_python(value)
        if text in self.empty_values:
            return None
        amount = parse_amount(text)
        if amount is None or not amount.is_finite():
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return amount

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value in self.empty_values:
            return
        if self.max_value is not None and value > self.max_value:
            raise ValidationError(
                self.error_messages["max_value"],
                code="max_value",
                params={"limit": number(self.max_value)},
            )
        places = self.decimal_places
        # 1.500 has three places written but one that counts: normalise before judging.
        if places is not None and -value.normalize().as_tuple().exponent > places:
            raise ValidationError(
                self.error_messages["decimal_places"],
                code="decimal_places",
                params={"places": places},
            )

    def run_validators(self, value: Any) -> None:
        # CharField's max_length validator would count a Decimal's digits: the text was checked.
        return None


class DateInput(forms.DateInput):
    """The browser's date picker; what it sends (and shows when bound) is ISO."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format=ISO_DATE)


class IsoDateField(forms.DateField):
    """A date typed or picked as ``YYYY-MM-DD``; any other shape is refused, never guessed."""

    widget = DateInput
    input_formats = [ISO_DATE]
    default_error_messages = {
        "invalid": _("Enter the date as YYYY-MM-DD, e.g. 2026-12-31."),
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("input_formats", [ISO_DATE])
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            value = normalise_digits(value)
        return super().to_python(value)
