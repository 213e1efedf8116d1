"""Breaches of the program limits that no commitment made: a commitment over a limit is
refused, so committed passes one only when a rate moves. Each breach is logged once
(``limit_breached``) and mailed to staff and both chairs; it is logged again only after it
has cleared (``limit_cleared``) and recurred."""

from __future__ import annotations

from django.db import connection, transaction

from core.decision_log import decision_log_append
from core.models import DecisionLogEntry

from . import rules, selectors

# Any two commitments, and a commitment and this check, look at the program's limits one
# after the other: on PostgreSQL a transaction-scoped advisory lock under this key (SQLite
# serialises writers).
LIMITS_LOCK_KEY = 0x6163636F7264  # "accord"
BREACHED, CLEARED = "limit_breached", "limit_cleared"
LIMITS = ("program", "equity")


def lock_program_limits() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LIMITS_LOCK_KEY])


def open_breaches() -> dict[str, DecisionLogEntry]:
    """The limits breached now, by the log: those whose latest breach entry is not cleared."""
    latest: dict[str, DecisionLogEntry] = {}
    for limit in LIMITS:
        entry = (
            DecisionLogEntry.objects.filter(event__in=(BREACHED, CLEARED), data__limit=limit)
            .order_by("-seq")
            .first()
        )
        if entry is not None and entry.event == BREACHED:
            latest[limit] = entry
    return latest


@transaction.atomic
def limit_breaches_check() -> list[str]:
    """Log (and mail) each program limit the committed totals now stand above that was not
    already breached, and log the clearing of each that no longer is; return the limits
    breached now. Without a rate for the yen commitments nothing can be said: no change."""
    lock_program_limits()
    on = selectors.today()
    total, equity = selectors.committed_usd_totals(on)
    if total is None:
        return sorted(open_breaches())
    now = {
        breach.limit: breach
        for breach in rules.breaches_of(
            total_committed_usd=total,
            equity_committed_usd=equity,
            limits=selectors.program_limits(),
        )
    }
    before = open_breaches()
    for limit in LIMITS:
        if limit in now and limit not in before:
            breach = now[limit]
            # Mailed to staff and both chairs once it commits (notifications.dispatch).
            decision_log_append(
                actor="system",
                event=BREACHED,
                data={
                    "limit": limit,
                    "limit_usd": breach.limit_usd,
                    "committed_usd": breach.would_be_usd,
                    "as_of": on,
                },
            )
        elif limit in before and limit not in now:
            decision_log_append(actor="system", event=CLEARED, data={"limit": limit, "as_of": on})
    return sorted(now)
