"""Celery tasks of the ledger: thin and idempotent, each running the exposure job.

``acks_late`` with ``reject_on_worker_lost``: a worker killed mid-task leaves the message on
the broker, and the job, an idempotent upsert, simply runs again.
"""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.db import OperationalError

from .snapshots import exposure_job, totals_record
from .truing import true_ups_announce

RETRY = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": (OperationalError,),
    "retry_backoff": True,
    "max_retries": 5,
}


@shared_task(**RETRY)
def recompute_instrument(instrument_id: int) -> int:
    """Bring one instrument's figures up to today (enqueued after each of its writes)."""
    return exposure_job(instrument_ids=[instrument_id])


@shared_task(**RETRY)
def recompute_exposure(as_of: str | None = None) -> int:
    """The exposure job over every instrument: their figures brought up to today (the changed
    ones written), then the program's totals recorded as of ``as_of`` (ISO date) if given,
    else as of the month-end just closed if they are not yet. Nightly (no day), from
    ``recompute_exposure``."""
    return exposure_job(as_of=dt.date.fromisoformat(as_of) if as_of else None)


@shared_task(**RETRY)
def record_exposure_totals(as_of: str) -> None:
    """Record again the program's totals as of ``as_of`` (ISO date), after a rate entered
    later changed what they convert at. The figures are in their own currencies and do not
    depend on the rate: nothing else needs doing."""
    totals_record(dt.date.fromisoformat(as_of))


@shared_task(**RETRY)
def announce_true_ups(proposal_ids: list[int]) -> list[int]:
    """After a rate was entered or corrected: log (and so mail) each project whose restated
    waterfall now owes a different true-up. Off the request: a rate can touch every project."""
    return true_ups_announce(proposal_ids=proposal_ids)
