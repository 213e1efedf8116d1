"""Celery tasks of the ledger: thin and idempotent, each running the exposure job.

``acks_late`` with ``reject_on_worker_lost``: a worker killed mid-task leaves the message on
the broker, and the job, an idempotent upsert, simply runs again.
"""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.db import OperationalError

from .snapshots import snapshots_write

RETRY = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": (OperationalError,),
    "retry_backoff": True,
    "max_retries": 5,
}


@shared_task(**RETRY)
def recompute_instrument(instrument_id: int) -> int:
    """Recompute today's snapshot of one instrument (enqueued after each of its writes)."""
    return snapshots_write(instrument_ids=[instrument_id])


@shared_task(**RETRY)
def recompute_exposure(as_of: str | None = None) -> int:
    """Recompute every instrument's snapshot as of ``as_of`` (ISO date; today): nightly, and
    after an FX rate changes."""
    return snapshots_write(as_of=dt.date.fromisoformat(as_of) if as_of else None)
