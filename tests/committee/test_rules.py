"""Pure rules: the tally and the hash chain, hammered with hypothesis."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from committee import rules
from core import rules as log_rules

delegation = st.sampled_from(rules.DELEGATIONS)
choice = st.sampled_from(rules.CHOICES)
votes = st.lists(st.tuples(delegation, choice), max_size=40)


@st.composite
def ballots(draw):
    cast = draw(votes)
    eligible = {}
    for d in rules.DELEGATIONS:
        n = sum(1 for v in cast if v[0] == d)
        eligible[d] = n + draw(st.integers(min_value=0, max_value=20))
    return cast, eligible


@given(ballots(), st.sampled_from(["dual_majority", "simple_majority"]))
def test_quorum_is_half_of_each_delegation_rounded_up(ballot, rule):
    cast, eligible = ballot
    result = rules.tally(cast, eligible, rule)
    short = any(result.cast(d) < math.ceil(eligible[d] / 2) for d in rules.DELEGATIONS)
    assert (result.outcome == "no_quorum") == short


@given(ballots())
def test_dual_majority_needs_more_for_than_against_in_each_delegation(ballot):
    cast, eligible = ballot
    result = rules.tally(cast, eligible, "dual_majority")
    if result.outcome != "no_quorum":
        carried = all(
            result.counts[d]["for"] > result.counts[d]["against"] for d in rules.DELEGATIONS
        )
        assert result.outcome == ("approved" if carried else "rejected")


@given(ballots())
def test_simple_majority_pools_both_delegations(ballot):
    cast, eligible = ballot
    result = rules.tally(cast, eligible, "simple_majority")
    if result.outcome != "no_quorum":
        pooled_for = sum(1 for _, c in cast if c == "for")
        pooled_against = sum(1 for _, c in cast if c == "against")
        assert result.outcome == ("approved" if pooled_for > pooled_against else "rejected")


@given(ballots())
def test_counts_add_up_to_the_votes_cast(ballot):
    cast, eligible = ballot
    result = rules.tally(cast, eligible, "dual_majority")
    assert sum(result.cast(d) for d in rules.DELEGATIONS) == len(cast)


def test_abstentions_count_for_quorum_but_not_for_majority():
    cast = [("US", "abstain"), ("US", "for"), ("JP", "abstain"), ("JP", "abstain")]
    assert rules.tally(cast, {"US": 3, "JP": 3}, "dual_majority").outcome == "rejected"
    assert rules.tally(cast, {"US": 4, "JP": 4}, "dual_majority").outcome == "rejected"
    assert rules.tally(cast, {"US": 4, "JP": 5}, "dual_majority").outcome == "no_quorum"


def test_an_unknown_rule_is_an_error():
    with pytest.raises(ValueError):
        rules.tally([], {"US": 0, "JP": 0}, "coin_toss")


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(), children, max_size=4)
    ),
    max_leaves=12,
)


@st.composite
def chains(draw):
    entries, prev = [], log_rules.GENESIS_HASH
    for seq in range(1, draw(st.integers(min_value=1, max_value=8)) + 1):
        entry = {
            "seq": seq,
            "at": "2025-04-01T09:00:00.000000Z",
            "actor": draw(st.text(min_size=1, max_size=10)),
            "proposal": draw(st.none() | st.just("P-2025-0001")),
            "event": "proposal_submitted",
            "data": log_rules.jsonable(
                draw(st.dictionaries(st.text(max_size=5), json_values, max_size=4))
            ),
            "prev_hash": prev,
        }
        entry["hash"] = prev = log_rules.entry_hash(entry)
        entries.append(entry)
    return entries


@given(chains())
def test_an_untouched_chain_verifies(chain):
    assert log_rules.first_broken_seq(chain) is None


@given(chains(), st.data())
def test_any_altered_entry_is_named(chain, data):
    index = data.draw(st.integers(min_value=0, max_value=len(chain) - 1))
    chain[index] = {**chain[index], "actor": chain[index]["actor"] + "x"}
    assert log_rules.first_broken_seq(chain) == chain[index]["seq"]


@given(chains(), st.data())
def test_a_removed_entry_breaks_the_chain_where_it_was_cut(chain, data):
    assume(len(chain) > 2)
    cut = data.draw(st.integers(min_value=0, max_value=len(chain) - 2))
    assert log_rules.first_broken_seq(chain[:cut] + chain[cut + 1 :]) == chain[cut + 1]["seq"]


def test_hash_is_the_contracts_canonical_json():
    entry = {
        "seq": 1,
        "at": "2025-01-01T00:00:00.000000Z",
        "actor": "佐藤",
        "proposal": None,
        "event": "e",
        "data": {"b": "1.50", "a": 1},
        "prev_hash": "0" * 64,
    }
    text = (
        '{"actor":"佐藤","at":"2025-01-01T00:00:00.000000Z","data":{"a":1,"b":"1.50"},'
        '"event":"e","prev_hash":"' + "0" * 64 + '","proposal":null,"seq":1}'
    )
    assert log_rules.canonical_bytes(entry) == text.encode()


def test_jsonable_writes_decimals_and_dates_as_strings():
    value = {"amount": Decimal("10.50"), "day": dt.date(2025, 3, 1), 1: {3.5}}
    assert log_rules.jsonable(value) == {"amount": "10.50", "day": "2025-03-01", "1": ["3.5"]}


def test_timestamps_are_utc_with_microseconds():
    moment = dt.datetime(2025, 1, 2, 12, 0, tzinfo=dt.timezone(dt.timedelta(hours=9)))
    assert log_rules.format_at(moment) == "2025-01-02T03:00:00.000000Z"
    with pytest.raises(ValueError):
        log_rules.format_at(dt.datetime(2025, 1, 1))
