"""Queue a background job once the current transaction commits, without failing the request.

The change has committed by then: a job that cannot be queued (the broker is down) or, on the
embedded default where tasks run in-process, that fails (the mail server is down) is logged
with its traceback, never answered to the user as a 500. What is lost then: an exposure
snapshot waits for the nightly recompute; a mail is not sent (on a worker, a send that fails
retries by itself; in-process it does not).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction


def enqueue_on_commit(task: Any, *args: Any) -> None:
    """``task.delay(*args)`` after the commit (at once outside a transaction), robustly."""

    def enqueue() -> None:
        task.delay(*args)

    # Django's log line for a failed robust hook names the callable by its __qualname__.
    enqueue.__qualname__ = f"enqueue_on_commit({task.name})"
    transaction.on_commit(enqueue, robust=True)
