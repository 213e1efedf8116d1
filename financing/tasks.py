"""Celery tasks of the ledger: thin and idempotent, each running the exposure job or the
true-up announcement.

``acks_late`` with ``reject_on_worker_lost``: a worker killed mid-task leaves the message on
the broker, and the job, an idempotent upsert, simply runs again.
"""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.db import OperationalError

from . import exposure_job
from .truing import true_ups_announce

RETRY = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": (OperationalError,),
    "retry_backoff": True,
    "max_retries": 5,
}


@shared_task(**RETRY)
def recompute_exposure(
    as_of: str | None = None,
    instrument_ids: list[int] | None = None,
    days: list[str] | None = None,
) -> int:
    """The exposure job (``exposure_job.recompute_exposure``; dates as ISO strings): after an
    instrument's write for its figures, after a rate entered late for the days it converts,
    nightly and from the ``recompute_exposure`` command for everything."""
    return exposure_job.recompute_exposure(
        as_of=dt.date.fromisoformat(as_of) if as_of else None,
        instrument_ids=instrument_ids,
        days=None if days is None else [dt.date.fromisoformat(day) for day in days],
    )


@shared_task(**RETRY)
def announce_true_ups(proposal_ids: list[int]) -> list[int]:
    """After a rate was entered or corrected: log (and so mail) each project whose restated
    waterfall now owes a different true-up. Off the request: a rate can touch every project."""
    return true_ups_announce(proposal_ids=proposal_ids)
