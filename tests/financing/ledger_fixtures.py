"""Builders shared by the ledger's tests: a funded project, instruments, rates, through the
services (the surface under test is elsewhere)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from financing import services

D = Decimal
TODAY = dt.date.today


def days_ago(days: int) -> dt.date:
    from financing.selectors import today

    return today() - dt.timedelta(days=days)


@pytest.fixture
def funded(make_proposal):
    """A SoftBank project in funding (GE Vernova co-sponsoring)."""
    return make_proposal("funding")


@pytest.fixture
def jpy_rate(us_staff):
    """A JPY rate a year back, so every JPY amount converts."""
    return services.fx_rate_set(
        user=us_staff, date=days_ago(365), currency="JPY", usd_per_unit=D("0.0066")
    )


def commit(
    staff, proposal, kind="loan", provider="JBIC", currency="USD", committed="1000.00", **more
):
    return services.instrument_commit(
        user=staff,
        proposal_id=proposal.pk,
        kind=kind,
        provider=provider,
        currency=currency,
        committed=D(committed),
        **more,
    )


def record(staff, instrument, type_, amount, value_date=None):
    return services.transaction_record(
        user=staff,
        instrument_id=instrument.pk,
        type=type_,
        amount=D(amount),
        value_date=value_date or days_ago(10),
    )
