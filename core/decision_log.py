"""The one way to append to the decision log, plus reading it back for verification.

Appends are serialised by locking the chain's head row (``SELECT … FOR UPDATE`` on
PostgreSQL; SQLite serialises writers itself), so ``seq`` has no gaps and every entry's
``prev_hash`` is its predecessor's ``hash`` however many writers there are.

``entry_appended`` is sent after each append, inside the same transaction, with the new
``entry``. Apps above this one react to the log through it (the mail an entry calls for,
for instance, is queued by ``notifications`` on commit), so no service here imports them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.dispatch import Signal
from django.utils import timezone

from . import rules
from .models import DecisionLogEntry, DecisionLogHead

SYSTEM_ACTOR = "system"
FIELDS = ("seq", "at", "actor", "proposal", "event", "data", "prev_hash", "hash")

# Sent with ``entry`` (the new ``DecisionLogEntry``) inside the append's transaction; a
# receiver that has work to do after the change defers it with ``transaction.on_commit``.
entry_appended = Signal()


def actor_name(user: Any) -> str:
    """Name the actor of an entry: the username, or ``system`` for scheduled work."""
    if user is None or not getattr(user, "is_authenticated", False):
        return SYSTEM_ACTOR
    return user.get_username()


def decision_log_append(
    *, actor: Any, event: str, proposal: str | None = None, data: Mapping[str, Any] | None = None
) -> DecisionLogEntry:
    """Append one entry; call inside the transaction of the change it records."""
    if not connection.in_atomic_block:
        raise RuntimeError("decision_log_append must run inside the change's transaction")
    head, _ = DecisionLogHead.objects.select_for_update().get_or_create(id=1)
    fields = {
        "seq": head.seq + 1,
        "at": rules.format_at(timezone.now()),
        "actor": actor if isinstance(actor, str) else actor_name(actor),
        "proposal": proposal,
        "event": event,
        "data": rules.jsonable(dict(data or {})),
        "prev_hash": head.hash,
    }
    digest = rules.entry_hash(fields)
    entry = DecisionLogEntry.objects.create(
        seq=fields["seq"],
        at=dt.datetime.fromisoformat(fields["at"]),
        actor=fields["actor"],
        proposal=proposal,
        event=event,
        data=fields["data"],
        prev_hash=fields["prev_hash"],
        hash=digest,
    )
    DecisionLogHead.objects.filter(id=1).update(seq=entry.seq, hash=digest)
    entry_appended.send(sender=DecisionLogEntry, entry=entry)
    return entry


def entry_as_dict(row: Mapping[str, Any]) -> dict[str, Any]:
    """Render a stored row with exactly the eight keys of docs/decision-log.md."""
    return {
        "seq": row["seq"],
        "at": rules.format_at(row["at"]),
        "actor": row["actor"],
        "proposal": row["proposal"],
        "event": row["event"],
        "data": row["data"],
        "prev_hash": row["prev_hash"],
        "hash": row["hash"],
    }


def iter_entries(queryset=None, chunk_size: int = 2000) -> Iterator[dict[str, Any]]:
    """Stream entries in chain order without holding them all in memory."""
    queryset = DecisionLogEntry.objects.all() if queryset is None else queryset
    rows = queryset.order_by("seq").values(*FIELDS).iterator(chunk_size=chunk_size)
    for row in rows:
        yield entry_as_dict(row)


@dataclass(frozen=True)
class Verification:
    ok: bool
    entries: int
    broken_seq: int | None = None


def decision_log_verify() -> Verification:
    """Recompute the whole chain; report the first entry that does not verify."""
    # Read the head first: entries appended while we verify are simply not looked at.
    head = DecisionLogHead.objects.filter(id=1).values_list("seq", flat=True).first() or 0
    rows = DecisionLogEntry.objects.all()
    if head:
        rows = rows.filter(seq__lte=head)
    count = 0

    def counted() -> Iterator[dict[str, Any]]:
        nonlocal count
        for entry in iter_entries(rows):
            count += 1
            yield entry

    broken = rules.first_broken_seq(counted())
    if broken is not None:
        return Verification(ok=False, entries=count, broken_seq=broken)
    if count < head:
        # Entries were removed from the end of the chain: the first missing one is broken.
        return Verification(ok=False, entries=count, broken_seq=count + 1)
    return Verification(ok=True, entries=count)
