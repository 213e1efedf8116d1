"""The embedded default's USD conversion: SQLite hands the amount and the rate over as
floats; restored to their decimal places, their product rounds to the same cents as the
exact decimal product (what PostgreSQL computes)."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from financing import rules
from financing.selectors.ledger import sqlite_usd_cents

# Money up to 10^12 (beyond the program's scale), in cents; rates to ten decimals, up to 10
# USD per unit: products below 10^13 USD, within the 15 significant digits SQLite keeps.
amounts = st.decimals(min_value=0, max_value=Decimal("1e12"), places=2)
rates = st.decimals(min_value=Decimal("1e-10"), max_value=10, places=10)


@given(amount=amounts, rate=rates)
def test_floats_restored_give_the_exact_products_cents(amount, rate):
    assert Decimal(repr(sqlite_usd_cents(float(amount), float(rate)))) == rules.cents(amount * rate)


@given(amount=amounts)
def test_usd_at_a_rate_of_one_is_the_amount(amount):
    assert Decimal(repr(sqlite_usd_cents(float(amount), 1))) == amount


def test_no_rate_is_no_figure_never_zero():
    assert sqlite_usd_cents(100.0, None) is None
    assert sqlite_usd_cents(None, 0.0065) is None
