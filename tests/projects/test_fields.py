"""Forms read what people type: amounts with separators, ISO dates, and numbers in messages
written as the pages write them."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from core.fields import AmountField, IsoDateField, parse_amount
from core.formatting import number


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("1200000000", Decimal("1200000000")),
        ("1,200,000,000", Decimal("1200000000")),
        ("1,200,000,000.50", Decimal("1200000000.50")),
        ("1，200，000，000", Decimal("1200000000")),  # the Japanese comma
        ("１２００００００００", Decimal("1200000000")),  # full-width digits
        ("１，２００，０００．５", Decimal("1200000.5")),
        (" 1 200 ", Decimal("1200")),
        ("-1,000", Decimal("-1000")),
    ],
)
def test_an_amount_is_read_with_or_without_separators(typed, read):
    assert AmountField().clean(typed) == read


@pytest.mark.parametrize("typed", ["1,5", "12,00", "1,2345", ",100", "1.200.000", "1e40", "abc"])
def test_a_comma_that_does_not_group_thousands_is_refused_not_guessed(typed):
    assert parse_amount(typed) is None
    with pytest.raises(Exception) as refused:
        AmountField().clean(typed)
    assert "1,200,000" in str(refused.value)


def test_the_too_large_message_names_the_limit_as_the_page_writes_it():
    field = AmountField(max_value=Decimal("999999999999999999.99"), decimal_places=2)
    with pytest.raises(Exception) as refused:
        field.clean("1" + "0" * 20)
    assert "at most 999,999,999,999,999,999.99" in str(refused.value)
    with pytest.raises(Exception) as refused:
        field.clean("1.005")
    assert "2 decimal places" in str(refused.value)
    assert field.clean("1.500") == Decimal("1.500")


@given(st.decimals(min_value=0, max_value=Decimal("1e15"), places=2))
def test_what_the_page_shows_reads_back_as_the_same_amount(value):
    for language in ("en", "ja"):
        with translation.override(language):
            assert AmountField().clean(number(value)) == value


@pytest.mark.parametrize("typed", ["2026-12-31", "２０２６－１２－３１"])
def test_a_date_is_iso_typed_or_picked(typed):
    assert IsoDateField().clean(typed).isoformat() == "2026-12-31"


@pytest.mark.parametrize("typed", ["12/31/2026", "02/12/2026", "31.12.2026", "2026/12/31"])
def test_any_other_date_shape_is_refused_with_the_expected_one(typed):
    for language in ("en", "ja"):
        with translation.override(language), pytest.raises(Exception) as refused:
            IsoDateField().clean(typed)
        assert "YYYY-MM-DD" in str(refused.value)


def test_numbers_in_messages_are_grouped_and_whole_amounts_lose_their_cents():
    assert number(Decimal("720000000.00")) == "720,000,000"
    assert number(Decimal("900000000")) == "900,000,000"
    assert number(Decimal("20090000000.50")) == "20,090,000,000.50"
    assert number(Decimal("0.0066")) == "0.0066"
    assert number(None) == "—"
