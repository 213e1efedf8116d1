"""The program's pure rules, hammered with hypothesis against plain restatements: Japan's net
investment, a covering guarantee's exposure, cancellations and recoveries, the yen cost of
undrawn dollars, and what the embedded default stores exactly."""

from __future__ import annotations

import datetime as dt
import decimal
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from financing import rules

D = Decimal
TODAY = dt.date(2026, 6, 30)
cents = st.decimals(min_value=D("0.01"), max_value=D("1e12"), places=2)
days = st.dates(min_value=dt.date(2024, 1, 1), max_value=TODAY)
moves = st.tuples(
    st.sampled_from(rules.PROVIDERS),
    st.sampled_from(sorted(rules.LEDGER)),
    st.sampled_from(rules.TRANSACTION_TYPES),
    cents,
)


@given(st.lists(moves, max_size=30))
@settings(max_examples=200)
def test_japans_investment_is_what_jbic_and_nexi_put_in_less_what_came_back(rows):
    investment = rules.japan_investment(rows)

    japanese = [row for row in rows if row[0] in ("JBIC", "NEXI")]
    put_in = {("loan", "disbursement"), ("equity", "contribution"), ("guarantee", "call")}
    back = {("loan", "repayment"), ("equity", "return_of_capital"), ("guarantee", "recovery")}
    gross = sum((usd for _p, k, t, usd in japanese if (k, t) in put_in), D(0))
    returned = sum((usd for _p, k, t, usd in japanese if (k, t) in back), D(0))
    assert (investment.gross, investment.returned) == (gross, returned)
    assert investment.net == max(gross - returned, D(0)) >= 0
    assert investment.as_dict() == {"gross": gross, "returned": returned, "net": investment.net}


@given(cents, st.decimals(min_value=D("0.0001"), max_value=D(1), places=4), cents)
def test_a_covering_guarantee_counts_at_most_its_share_of_the_loan(own, ratio, covered):
    exposure = rules.covered_exposure(own=own, ratio=ratio, covered=covered)

    share = (ratio * covered).quantize(D("0.01"), rounding=decimal.ROUND_HALF_EVEN)
    assert exposure == min(own, share)
    assert exposure <= own


@given(st.data())
@settings(max_examples=150)
def test_accepted_cancellations_and_recoveries_keep_undrawn_and_claims_at_or_above_zero(data):
    kind = data.draw(st.sampled_from(sorted(rules.LEDGER)))
    committed = data.draw(cents)
    accepted: list[rules.Entry] = []
    for _ in range(data.draw(st.integers(0, 12))):
        new = rules.Entry(
            type=data.draw(st.sampled_from(rules.types_for(kind))),
            amount=data.draw(st.decimals(min_value=D("0.01"), max_value=committed, places=2)),
            value_date=data.draw(days),
        )
        if rules.transaction_problems(
            kind=kind, committed=committed, existing=accepted, new=new, today=TODAY
        ):
            continue
        accepted.append(new)
        for day in sorted({entry.value_date for entry in accepted}):
            figures = rules.exposure_of(kind, committed, accepted, day)
            assert figures.undrawn >= 0 and figures.exposure >= 0 and figures.claims >= 0
    cancelled = sum((e.amount for e in accepted if e.type == "cancellation"), D(0))
    assert rules.exposure_of(kind, committed, accepted).committed == committed - cancelled


def test_a_cancellation_takes_only_what_is_undrawn():
    drawn = rules.Entry("disbursement", D("300"), dt.date(2026, 1, 1))
    cancel = rules.Entry("cancellation", D("700.01"), dt.date(2026, 2, 1))

    problems = rules.transaction_problems(
        kind="loan", committed=D("1000"), existing=[drawn], new=cancel, today=TODAY
    )

    assert problems == {"amount": ["The cancellation is more than the 700 undrawn."]}


@given(
    st.decimals(min_value=D("0"), max_value=D("1e12"), places=2),
    st.decimals(min_value=D("0.0001"), max_value=D("0.05"), places=10),
    st.decimals(min_value=D("0"), max_value=D("98"), places=2),
)
def test_the_yen_cost_funds_the_undrawn_dollars_at_the_shocked_rate(undrawn, rate, shock):
    cost = rules.yen_cost(undrawn, rate, shock)

    shocked = rules.stressed_rate(rate, shock)
    assert cost == cost.to_integral_value()  # whole yen
    assert abs(cost * shocked - undrawn) <= shocked / 2  # within half a yen
    assert rules.yen_cost(undrawn, rate, shock + 1) >= cost  # a weaker yen costs more
    assert rules.yen_cost(undrawn, None, shock) is None


def sqlite_reads_back(value: Decimal, places: int) -> Decimal:
    """What SQLite (a double) and Django's reader (15 digits, then the field's places) give."""
    stored = float(value)
    return decimal.Context(prec=15).create_decimal_from_float(stored).quantize(D(1).scaleb(-places))


@given(st.data(), st.sampled_from([0, 2, 4, 10]))
@settings(max_examples=300)
def test_every_accepted_amount_reads_back_exactly_from_sqlite(data, places):
    digits = data.draw(st.integers(1, 17))
    value = D(data.draw(st.integers(1, 10**digits - 1))).scaleb(-places)

    problem = rules.exactness_problem(value, places=places)

    if problem is None:
        assert sqlite_reads_back(value, places) == value
    else:
        assert value >= D(10) ** (rules.SIGNIFICANT_DIGITS - places)


def test_what_cannot_be_stored_exactly_names_the_limit():
    assert "9,999,999,999,999.99" in rules.exactness_problem(D("1e13"), places=2)
    assert "whole yen" in rules.exactness_problem(D("10000000000000.05"), places=0)
    assert "99,999.9999999999" in rules.exactness_problem(D("9999999999.9999999999"), places=10)
    assert rules.exactness_problem(D("999999999999999"), places=0) is None
