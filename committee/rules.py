"""Pure rules of the committee: the ballot tally and its outcome (docs/voting.md).

No ORM: plain values in and out.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

DELEGATIONS = ("US", "JP")
CHOICES = ("for", "against", "abstain")


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
    """Decide a ballot under ``dual_majority`` or ``simple_majority`` (docs/voting.md).

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
