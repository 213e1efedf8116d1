"""The ledger's pure rules (docs/ledger.md), hammered with hypothesis against a restatement."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_EVEN, Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from financing import rules

D = Decimal
TODAY = dt.date(2026, 6, 30)

# The table of docs/ledger.md, restated by hand: the rules must agree with it, not with themselves.
TABLE = {
    "loan": ({"disbursement"}, {"repayment", "write_off"}),
    "guarantee": ({"issue"}, {"release", "call"}),
    "equity": ({"contribution"}, {"return_of_capital"}),
}

amounts = st.decimals(min_value=D("0.01"), max_value=D("1e12"), places=2)
days = st.dates(min_value=dt.date(2020, 1, 1), max_value=TODAY)
kinds = st.sampled_from(sorted(TABLE))


@st.composite
def ledgers(draw):
    """A kind, a committed amount and any sequence of transactions of that kind's types."""
    kind = draw(kinds)
    raising, lowering = TABLE[kind]
    types = st.sampled_from(sorted(raising | lowering))
    entries = draw(
        st.lists(st.builds(rules.Entry, type=types, amount=amounts, value_date=days), max_size=25)
    )
    return kind, draw(amounts), entries


def restated(kind, committed, entries, as_of):
    """docs/ledger.md in words: exposure = raising less lowering up to the date; undrawn =
    committed less raising; a call also raises claims."""
    raising, lowering = TABLE[kind]
    dated = [e for e in entries if as_of is None or e.value_date <= as_of]
    up = sum((e.amount for e in dated if e.type in raising), D(0))
    down = sum((e.amount for e in dated if e.type in lowering), D(0))
    claims = sum((e.amount for e in dated if e.type == "call"), D(0))
    return up - down, committed - up, claims


def test_the_table_is_contract_six():
    assert {k: (set(r.raising), set(r.lowering)) for k, r in rules.LEDGER.items()} == TABLE
    assert rules.LEDGER["guarantee"].claims == ("call",)


def test_every_type_belongs_to_one_kind_only():
    # The exposure query filters on the type alone (financing.selectors.ledger._sum_of): that is the
    # table's rule only while no type name serves two kinds.
    assert len(set(rules.TRANSACTION_TYPES)) == len(rules.TRANSACTION_TYPES)
    for rule in rules.LEDGER.values():
        assert set(rule.claims) <= set(rule.lowering)


@given(ledgers(), st.one_of(st.none(), days))
@settings(max_examples=150)
def test_exposure_undrawn_and_claims_are_the_contracts_arithmetic(ledger, as_of):
    kind, committed, entries = ledger
    figures = rules.exposure_of(kind, committed, entries, as_of)
    assert (figures.exposure, figures.undrawn, figures.claims) == restated(
        kind, committed, entries, as_of
    )


@given(ledgers(), st.data())
@settings(max_examples=150)
def test_an_accepted_transaction_keeps_exposure_at_or_above_zero_and_drawings_within_committed(
    ledger, data
):
    kind, committed, _ = ledger
    raising, lowering = TABLE[kind]
    accepted: list[rules.Entry] = []
    for _ in range(data.draw(st.integers(0, 15))):
        new = rules.Entry(
            type=data.draw(st.sampled_from(sorted(raising | lowering))),
            amount=data.draw(st.decimals(min_value=D("0.01"), max_value=committed, places=2)),
            value_date=data.draw(days),
        )
        problems = rules.transaction_problems(
            kind=kind, committed=committed, existing=accepted, new=new, today=TODAY
        )
        candidate = [*accepted, new]
        exposure_ok = all(
            restated(kind, committed, candidate, e.value_date)[0] >= 0 for e in candidate
        )
        drawn_ok = restated(kind, committed, candidate, None)[1] >= 0
        assert (not problems) == (exposure_ok and drawn_ok), problems
        if not problems:
            accepted.append(new)


@pytest.mark.parametrize(
    ("kind", "type_"),
    [("loan", "issue"), ("equity", "disbursement"), ("guarantee", "contribution"), ("loan", "x")],
)
def test_a_type_that_does_not_fit_the_kind_is_refused(kind, type_):
    new = rules.Entry(type=type_, amount=D("1"), value_date=TODAY)
    problems = rules.transaction_problems(
        kind=kind, committed=D(10), existing=[], new=new, today=TODAY
    )
    assert list(problems) == ["type"]


@pytest.mark.parametrize("amount", [D("0"), D("-0.01"), D("-5")])
def test_an_amount_of_zero_or_less_is_refused(amount):
    new = rules.Entry(type="disbursement", amount=amount, value_date=TODAY)
    problems = rules.transaction_problems(
        kind="loan", committed=D(10), existing=[], new=new, today=TODAY
    )
    assert list(problems) == ["amount"]


def test_a_back_dated_repayment_before_the_disbursement_is_refused():
    existing = [rules.Entry("disbursement", D(50), dt.date(2026, 3, 1))]
    new = rules.Entry("repayment", D(10), dt.date(2026, 2, 1))
    problems = rules.transaction_problems(
        kind="loan", committed=D(100), existing=existing, new=new, today=TODAY
    )
    assert "below zero" in problems["amount"][0]


def test_a_value_date_in_the_future_is_refused_and_any_past_one_accepted():
    future = rules.Entry("disbursement", D(1), TODAY + dt.timedelta(days=1))
    past = rules.Entry("disbursement", D(1), dt.date(1999, 1, 1))
    kwargs = {"kind": "loan", "committed": D(10), "existing": [], "today": TODAY}
    assert list(rules.transaction_problems(new=future, **kwargs)) == ["value_date"]
    assert rules.transaction_problems(new=past, **kwargs) == {}


rates = st.decimals(min_value=D("0.0000000001"), max_value=D("10"), places=10)


@given(amounts, st.one_of(st.none(), rates))
def test_a_yen_amount_without_a_rate_converts_to_none_never_zero(amount, rate):
    usd = rules.to_usd(amount, "JPY", rate)
    if rate is None:
        assert usd is None
        assert rules.cents(usd) is None
    else:
        assert usd == amount * rate  # unrounded until shown or stored


@given(amounts, st.one_of(st.none(), rates))
def test_dollars_convert_to_themselves_whatever_the_yen_rate(amount, rate):
    assert rules.to_usd(amount, "USD", rate) == amount


@given(st.decimals(min_value=D("-1e12"), max_value=D("1e12"), places=6))
def test_cents_round_half_even(amount):
    assert rules.cents(amount) == amount.quantize(D("0.01"), rounding=ROUND_HALF_EVEN)
    assert rules.cents(D("0.125")) == D("0.12") and rules.cents(D("0.135")) == D("0.14")


LIMITS = rules.Limits(program_usd=D("550000000000"), equity_ratio=D("0.02"))


def test_the_equity_ceiling_is_two_percent_of_the_program():
    assert LIMITS.equity_usd == D("11000000000.00")


@given(
    kinds,
    st.decimals(min_value=D("0.01"), max_value=D("6e11"), places=2),
    st.decimals(min_value=D(0), max_value=D("6e11"), places=2),
    st.decimals(min_value=D(0), max_value=D("2e10"), places=2),
)
def test_a_commitment_breaches_exactly_the_limits_it_would_pass(kind, new, total, equity):
    breaches = rules.limit_problems(
        kind=kind,
        committed_usd=new,
        total_committed_usd=total,
        equity_committed_usd=equity,
        limits=LIMITS,
    )
    expected = set()
    if total + new > D("550000000000"):
        expected.add("program")
    if kind == "equity" and equity + new > D("11000000000"):
        expected.add("equity")
    assert {b.limit for b in breaches} == expected
    for breach in breaches:
        assert ("program limit" if breach.limit == "program" else "equity ceiling") in (
            breach.message
        )


def test_a_commitment_exactly_at_the_limit_is_allowed():
    breaches = rules.limit_problems(
        kind="equity",
        committed_usd=D("1000000000"),
        total_committed_usd=D("0"),
        equity_committed_usd=D("10000000000"),
        limits=LIMITS,
    )
    assert breaches == []
