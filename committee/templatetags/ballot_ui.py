"""The ballot panel's rows: one per delegation, from ``selectors.ballot_summary``."""

from __future__ import annotations

from typing import Any

from django import template

from committee import rules
from committee.models import Vote
from core.roles import DELEGATIONS

register = template.Library()


@register.simple_tag
def ballot_rows(ballot: dict[str, Any] | None) -> list[dict[str, Any]]:
    """Eligible, cast, quorum and (once closed) the tally per delegation."""
    if not ballot or "eligible" not in ballot:
        return []
    tally = ballot.get("tally") or {}
    rows = []
    for delegation in DELEGATIONS:
        eligible = ballot["eligible"].get(delegation, 0)
        counts = tally.get(delegation) or {}
        rows.append(
            {
                "delegation": delegation,
                "eligible": eligible,
                "cast": ballot["cast"].get(delegation, 0),
                "quorum": rules.quorum(eligible),
                "for": counts.get("for", 0),
                "against": counts.get("against", 0),
                "abstain": counts.get("abstain", 0),
            }
        )
    return rows


CHOICE_LABELS = dict(Vote.Choice.choices)


@register.filter
def choice_label(choice: str) -> str:
    """For, Against or Abstain in the reader's language."""
    return str(CHOICE_LABELS.get(choice, choice))
