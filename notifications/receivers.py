"""What ``notifications`` does when apps below it report something (connected in ``ready``)."""

from __future__ import annotations

from typing import Any

from core.jobs import enqueue_on_commit
from core.models import DecisionLogEntry

from .dispatch import MAIL
from .tasks import dispatch_decision_log


def dispatch_on_commit(sender: Any, entry: DecisionLogEntry, **kwargs: Any) -> None:
    """Queue the mail dispatcher for after the commit when the appended entry calls for mail."""
    if entry.event in MAIL:
        enqueue_on_commit(dispatch_decision_log)
