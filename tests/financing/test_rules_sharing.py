"""The waterfall and the yen stress, hammered with hypothesis against a plain restatement."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from financing import rules

CENT = Decimal("0.01")
money = st.decimals(min_value=Decimal("0"), max_value=Decimal("1e12"), places=2)
positive = st.decimals(min_value=CENT, max_value=Decimal("1e12"), places=2)


def restated(j: Decimal, r: Decimal, d: Decimal) -> tuple[Decimal, Decimal]:
    """docs/waterfall.md word for word: if R ≥ J, Japan 10%, US 90%; if R + D/2 ≤ J, 50/50;
    otherwise the first 2(J − R) splits 50/50 and the rest 90/10. Japan's share rounded
    half-even to the cent; the US gets D less that."""
    if r >= j:
        japan = d / 10
    elif r + d / 2 <= j:
        japan = d / 2
    else:
        first = 2 * (j - r)
        japan = first / 2 + (d - first) / 10
    japan = japan.quantize(CENT, rounding=ROUND_HALF_EVEN)
    return japan, d - japan


def test_the_contract_example_gives_japan_12_and_the_us_28():
    split = rules.waterfall(
        investment=Decimal("100"), recovered=Decimal("90"), amount=Decimal("40")
    )
    assert (split.japan, split.us, split.phase) == (Decimal("12"), Decimal("28"), "crossing")


@pytest.mark.parametrize(
    ("j", "r", "d", "japan", "phase"),
    [
        ("100", "0", "40", "20", "pre_recovery"),
        ("100", "80", "40", "20", "pre_recovery"),  # R + D/2 = J exactly: still 50/50
        ("100", "100", "40", "4", "post_recovery"),
        ("0", "0", "40", "4", "post_recovery"),  # nothing invested: nothing to recover
        ("100", "0", "0.01", "0.00", "pre_recovery"),  # half a cent rounds to even
        ("100", "0", "0.03", "0.02", "pre_recovery"),
    ],
)
def test_each_phase_splits_as_the_contract_says(j, r, d, japan, phase):
    split = rules.waterfall(investment=Decimal(j), recovered=Decimal(r), amount=Decimal(d))
    assert split.japan == Decimal(japan)
    assert split.us == Decimal(d) - Decimal(japan)
    assert split.phase == phase


@given(money, money, positive)
def test_the_waterfall_equals_the_contract_restated(j, r, d):
    split = rules.waterfall(investment=j, recovered=r, amount=d)
    assert (split.japan, split.us) == restated(j, r, d)


@given(money, money, positive)
def test_japan_and_the_us_add_up_to_the_distribution_to_the_cent(j, r, d):
    split = rules.waterfall(investment=j, recovered=r, amount=d)
    assert split.japan + split.us == d
    assert split.japan == split.japan.quantize(CENT)


@given(money, money, positive)
def test_neither_share_is_ever_negative(j, r, d):
    split = rules.waterfall(investment=j, recovered=r, amount=d)
    assert split.japan >= 0
    assert split.us >= 0


def _run(j: Decimal, r: Decimal, parts: list[Decimal]) -> tuple[Decimal, Decimal]:
    japan = us = Decimal("0")
    for part in parts:
        split = rules.waterfall(investment=j, recovered=r + japan, amount=part)
        japan += split.japan
        us += split.us
    return japan, us


@st.composite
def cut(draw):
    """A distribution and the same cash paid out in 2 to 6 consecutive parts."""
    d = draw(st.decimals(min_value=Decimal("0.06"), max_value=Decimal("1e10"), places=2))
    n = draw(st.integers(min_value=2, max_value=6))
    cents_total = int(d / CENT)
    points = sorted(
        draw(
            st.lists(
                st.integers(min_value=1, max_value=cents_total - 1),
                min_size=n - 1,
                max_size=n - 1,
                unique=True,
            )
        )
    )
    bounds = [0, *points, cents_total]
    return d, [Decimal(b - a) * CENT for a, b in zip(bounds, bounds[1:], strict=False)]


@settings(max_examples=300)
@given(money, money, cut())
def test_splitting_a_distribution_moves_the_totals_by_at_most_a_cent_per_split(j, r, cut):
    d, parts = cut
    japan_once, us_once = _run(j, r, [d])
    japan_parts, us_parts = _run(j, r, parts)
    splits = len(parts) - 1
    assert abs(japan_parts - japan_once) <= CENT * splits
    assert abs(us_parts - us_once) <= CENT * splits
    assert japan_parts + us_parts == d


@given(money, money)
def test_remaining_to_recovery_is_what_japan_still_lacks(j, r):
    remaining = rules.remaining_to_recovery(investment=j, recovered=r)
    assert remaining == (j - r if r < j else 0)


# --- Yen stress -------------------------------------------------------------------------

rate = st.decimals(min_value=Decimal("0.0001"), max_value=Decimal("0.05"), places=6)
shock = st.decimals(min_value=Decimal("0"), max_value=Decimal("99.99"), places=2)


def test_a_ten_percent_shock_takes_a_tenth_off_the_rate():
    assert rules.stressed_rate(Decimal("0.0066"), Decimal("10")) == Decimal("0.00594")


@given(rate, money, money, money, st.lists(shock, min_size=1, max_size=5))
def test_stress_converts_every_yen_at_the_weakened_rate_and_leaves_dollars_alone(
    usd_per_unit, usd_exposure, yen_exposure, yen_committed, shocks
):
    groups = [
        rules.StressGroup("USD", None, usd_exposure, usd_exposure),
        rules.StressGroup("JPY", usd_per_unit, yen_exposure, yen_committed),
    ]
    complete, figures = rules.stress(groups, shocks)
    assert complete
    assert [f.shock for f in figures] == [0, *shocks]
    for figure in figures:
        weakened = usd_per_unit * (1 - figure.shock / 100)
        want = (usd_exposure + yen_exposure * weakened).quantize(CENT, ROUND_HALF_EVEN)
        assert figure.exposure_usd == want
        want = (usd_exposure + yen_committed * weakened).quantize(CENT, ROUND_HALF_EVEN)
        assert figure.committed_usd == want
    # A weaker yen never makes the program's dollar exposure larger.
    ordered = sorted(figures, key=lambda f: f.shock)
    assert all(a.exposure_usd >= b.exposure_usd for a, b in zip(ordered, ordered[1:], strict=False))


def test_yen_without_a_rate_makes_the_stress_incomplete_not_zero():
    groups = [
        rules.StressGroup("USD", None, Decimal("100"), Decimal("200")),
        rules.StressGroup("JPY", None, Decimal("1000000"), Decimal("1000000")),
    ]
    complete, figures = rules.stress(groups, [Decimal("10")])
    assert not complete
    assert figures[0].exposure_usd == Decimal("100")


@pytest.mark.parametrize(
    "text", ["", "abc", "10,-5", "100", "10,20,nan", "inf", ",".join(["5"] * 11)]
)
def test_it_refuses_shocks_that_are_not_percentages_below_100(text):
    with pytest.raises(ValueError):
        rules.parse_shocks(text)


def test_it_reads_a_list_of_shocks():
    assert rules.parse_shocks("10, 20,30.5") == [Decimal("10"), Decimal("20"), Decimal("30.5")]
