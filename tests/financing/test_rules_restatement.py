"""The restated waterfall as a pure function: for any sequence of entries, reversals and rates,
what was paid plus the true-up is the recomputed entitlement to the cent, Japan + US = D on
every distribution, and a settled true-up leaves nothing owed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from financing import rules

START = dt.date(2025, 1, 1)
CENT = Decimal("0.01")
ZERO = Decimal("0")


def day(n: int) -> dt.date:
    return START + dt.timedelta(days=n)


class Ledger:
    """A project's book as the services keep it: flows, rates and distributions recorded at
    the time with the waterfall over the ledger as it then stood."""

    def __init__(self) -> None:
        self.rates: dict[int, Decimal] = {}
        self.flows: list[tuple[int, Decimal, str, bool]] = []  # day, amount, currency, returned
        self.paid: list[dict] = []
        self.settled = ZERO

    def rate_on(self, n: int) -> Decimal | None:
        known = [d for d in self.rates if d <= n]
        return self.rates[max(known)] if known else None

    def usd(self, amount: Decimal, currency: str, n: int) -> Decimal | None:
        return rules.cents(rules.to_usd(amount, currency, self.rate_on(n)))

    def rule_flows(self) -> list[rules.Flow]:
        return [rules.Flow(day(n), self.usd(a, c, n), r) for n, a, c, r in self.flows]

    def rule_paid(self) -> list[rules.Paid]:
        reversed_ids = {p["reverses"] for p in self.paid if p["reverses"] is not None}
        out = []
        for p in self.paid:
            value = self.usd(p["amount"], p["currency"], p["day"])
            japan, us = rules.paid_valued(
                recorded_usd=p["amount_usd"], japan=p["japan"], amount_usd=value
            )
            out.append(
                rules.Paid(
                    p["id"], day(p["day"]), value, japan, us, p["reverses"], p["id"] in reversed_ids
                )
            )
        return out

    def restate(self, as_of: int = 400) -> rules.Restatement:
        return rules.restate(
            distributions=self.rule_paid(),
            flows=self.rule_flows(),
            settled=self.settled,
            as_of=day(as_of),
        )

    def distribute(self, n: int, amount: Decimal, currency: str) -> None:
        standing = [p["day"] for p in self.paid if p["reverses"] is None]
        value = self.usd(amount, currency, n)
        if (standing and n < max(standing)) or value is None or value <= 0:
            return  # refused, as the service refuses it
        before = rules.restate(
            distributions=[p for p in self.rule_paid() if p.date <= day(n)],
            flows=self.rule_flows(),
            as_of=day(n),
        )
        if not before.complete:
            return
        split = rules.waterfall(
            investment=before.investment.net, recovered=before.recovered, amount=value
        )
        self.paid.append(
            dict(id=len(self.paid) + 1, day=n, amount=amount, currency=currency,
                 amount_usd=value, japan=split.japan, reverses=None)
        )  # fmt: skip

    def reverse(self, index: int) -> None:
        reversed_ids = {p["reverses"] for p in self.paid}
        standing = [p for p in self.paid if p["reverses"] is None and p["id"] not in reversed_ids]
        if not standing:
            return
        original = standing[index % len(standing)]
        self.paid.append(
            {
                **original,
                "id": len(self.paid) + 1,
                "amount": -original["amount"],
                "amount_usd": -original["amount_usd"],
                "japan": -original["japan"],
                "reverses": original["id"],
            }
        )


def oracle(paid: list[rules.Paid], flows: list[rules.Flow]) -> dict[int, Decimal]:
    """Japan's entitlement per standing distribution, straight from the written rule."""
    entitled, received = {}, ZERO
    for p in sorted(paid, key=lambda p: (p.date, p.id)):
        if not p.counts:
            continue
        invested = sum((f.usd for f in flows if f.date <= p.date and not f.returned), ZERO)
        returned = sum((f.usd for f in flows if f.date <= p.date and f.returned), ZERO)
        j, d = max(invested - returned, ZERO), p.amount_usd
        if received >= j:
            japan = d * Decimal("0.1")
        elif received + d / 2 <= j:
            japan = d / 2
        else:
            japan = (j - received) + (d - 2 * (j - received)) * Decimal("0.1")
        entitled[p.id] = japan.quantize(CENT) if d > 0 else ZERO
        received += entitled[p.id]
    return entitled


amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("100000"), places=2)
yen = st.integers(min_value=1, max_value=50_000_000).map(Decimal)
rates = st.decimals(min_value=Decimal("0.0050"), max_value=Decimal("0.0100"), places=10)
days = st.integers(min_value=0, max_value=300)
operations = st.lists(
    st.one_of(
        st.tuples(st.just("flow"), days, amounts, st.just("USD"), st.booleans()),
        st.tuples(st.just("flow"), days, yen, st.just("JPY"), st.booleans()),
        st.tuples(st.just("distribute"), days, amounts, st.just("USD")),
        st.tuples(st.just("distribute"), days, yen, st.just("JPY")),
        st.tuples(st.just("rate"), days, rates),
        st.tuples(st.just("reverse"), st.integers(0, 20)),
        st.tuples(st.just("settle")),
    ),
    max_size=25,
)


def run(steps) -> Ledger:
    ledger = Ledger()
    ledger.rates[0] = Decimal("0.0066")
    for step in steps:
        kind, *args = step
        if kind == "flow":
            ledger.flows.append(tuple(args))
        elif kind == "distribute":
            ledger.distribute(*args)
        elif kind == "rate":
            ledger.rates[args[0]] = args[1]
        elif kind == "reverse":
            ledger.reverse(args[0])
        elif ledger.restate().true_up is not None:
            ledger.settled += ledger.restate().true_up
    return ledger


@settings(max_examples=150, deadline=None)
@given(operations)
def test_paid_plus_true_up_is_the_recomputed_entitlement_to_the_cent(steps):
    ledger = run(steps)
    result = ledger.restate()

    for row in result.rows:
        assert row.paid.japan + row.paid.us == row.paid.amount_usd
        assert row.japan + row.us == (row.paid.amount_usd if row.paid.counts else ZERO)
    expected = oracle(ledger.rule_paid(), ledger.rule_flows())
    assert {r.paid.id: r.japan for r in result.rows if r.paid.counts} == expected
    paid = sum((r.paid.japan for r in result.rows), ZERO)
    assert paid + ledger.settled + result.true_up == sum((r.japan for r in result.rows), ZERO)


@settings(max_examples=100, deadline=None)
@given(operations)
def test_a_settled_true_up_leaves_nothing_owed(steps):
    ledger = run(steps)
    ledger.settled += ledger.restate().true_up

    assert ledger.restate().true_up == 0


@settings(max_examples=100, deadline=None)
@given(operations, days)
def test_a_flow_without_a_rate_leaves_the_position_incomplete_with_no_phase(steps, n):
    ledger = run(steps)
    ledger.rates.pop(0)
    ledger.flows.append((min(ledger.rates, default=n + 1) - 1, Decimal("1"), "JPY", False))

    result = ledger.restate()

    assert result.complete is False and result.phase is None


def test_the_issues_example_j_100_r_90_d_40_gives_japan_12():
    flows = [rules.Flow(day(0), Decimal("100"))]
    paid = [
        rules.Paid(1, day(1), Decimal("180"), Decimal("90"), Decimal("90")),
        rules.Paid(2, day(2), Decimal("40"), Decimal("12"), Decimal("28")),
    ]

    result = rules.restate(distributions=paid, flows=flows, as_of=day(3))

    assert [(r.japan, r.us) for r in result.rows] == [
        (Decimal("90.0"), Decimal("90.0")),
        (Decimal("12.00"), Decimal("28.00")),
    ]
    assert result.true_up == 0 and result.phase == rules.POST_RECOVERY
