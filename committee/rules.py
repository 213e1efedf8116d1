"""Pure rules of the committee: no ORM, plain values in and out.

- the decision log's hash chain (CONTRACT §5);
- the ballot tally and its outcome (CONTRACT §4).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

GENESIS_HASH = "0" * 64
DELEGATIONS = ("US", "JP")
CHOICES = ("for", "against", "abstain")


# --- Decision log -----------------------------------------------------------------------


def format_at(moment: dt.datetime) -> str:
    """Render a moment as the log's UTC timestamp, ``YYYY-MM-DDTHH:MM:SS.ffffffZ``."""
    if moment.tzinfo is None:
        raise ValueError("decision log timestamps must be timezone-aware")
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def jsonable(value: Any) -> Any:
    """Turn a value into plain JSON: decimals, dates and floats as strings, keys as strings."""
    if isinstance(value, Mapping):
        return {str(key): jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [jsonable(item) for item in value]
        return sorted(items, key=str) if isinstance(value, set | frozenset) else items
    if isinstance(value, bool) or value is None or isinstance(value, int | str):
        return value
    if isinstance(value, Decimal | float):
        return str(value)
    if isinstance(value, dt.datetime):
        return format_at(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def canonical_json(value: Any) -> bytes:
    """UTF-8 JSON with sorted keys, compact separators and non-ASCII kept (CONTRACT §5)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def canonical_bytes(entry: Mapping[str, Any]) -> bytes:
    """Serialise the seven hashed fields the way CONTRACT §5 fixes."""
    body = {
        key: entry[key] for key in ("seq", "at", "actor", "proposal", "event", "data", "prev_hash")
    }
    return canonical_json(body)


def entry_hash(entry: Mapping[str, Any]) -> str:
    """Return the SHA-256 hex digest that chains ``entry`` to its predecessor."""
    return hashlib.sha256(canonical_bytes(entry)).hexdigest()


def first_broken_seq(entries: Iterable[Mapping[str, Any]]) -> int | None:
    """Walk the chain in order; return the seq of the first entry that does not verify."""
    expected_seq, prev = 1, GENESIS_HASH
    for entry in entries:
        if entry["seq"] != expected_seq or entry["prev_hash"] != prev:
            return entry["seq"]
        if entry_hash(entry) != entry["hash"]:
            return entry["seq"]
        prev = entry["hash"]
        expected_seq += 1
    return None


# --- Ballots ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Tally:
    counts: dict[str, dict[str, int]]
    eligible: dict[str, int]
    outcome: str  # approved | rejected | no_quorum

    def cast(self, delegation: str) -> int:
        return sum(self.counts[delegation].values())


def quorum(eligible: int) -> int:
    """Votes a delegation must cast: half its eligible voters, rounded up."""
    return math.ceil(eligible / 2)


def count_votes(votes: Iterable[tuple[str, str]]) -> dict[str, dict[str, int]]:
    """Count (delegation, choice) pairs into ``{"US": {"for": n, …}, "JP": {…}}``."""
    counts = {delegation: dict.fromkeys(CHOICES, 0) for delegation in DELEGATIONS}
    for delegation, choice in votes:
        counts[delegation][choice] += 1
    return counts


def tally(votes: Iterable[tuple[str, str]], eligible: Mapping[str, int], rule: str) -> Tally:
    """Decide a ballot under ``dual_majority`` or ``simple_majority`` (CONTRACT §4).

    Quorum is per delegation in both rules. Dual majority needs ``for > against`` in each
    delegation; simple majority pools both delegations' votes.
    """
    counts = count_votes(votes)
    eligible = {delegation: int(eligible.get(delegation, 0)) for delegation in DELEGATIONS}
    if any(sum(counts[d].values()) < quorum(eligible[d]) for d in DELEGATIONS):
        outcome = "no_quorum"
    elif rule == "dual_majority":
        carried = all(counts[d]["for"] > counts[d]["against"] for d in DELEGATIONS)
        outcome = "approved" if carried else "rejected"
    elif rule == "simple_majority":
        pooled_for = sum(counts[d]["for"] for d in DELEGATIONS)
        pooled_against = sum(counts[d]["against"] for d in DELEGATIONS)
        outcome = "approved" if pooled_for > pooled_against else "rejected"
    else:
        raise ValueError(f"unknown voting rule {rule!r}")
    return Tally(counts=counts, eligible=eligible, outcome=outcome)
