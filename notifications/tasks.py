"""Celery tasks that send mail: thin, idempotent (the claim in ``services``), ``acks_late``."""

from celery import shared_task

from .dispatch import decision_log_dispatch
from .services import TRANSIENT, deadline_reminders_send, notification_send

RETRY = {
    "acks_late": True,
    "autoretry_for": TRANSIENT,
    "retry_backoff": True,
    "max_retries": 5,
}


@shared_task(**RETRY)
def dispatch_decision_log() -> int:
    """Send the mail the decision log's new entries call for (on commit, and every minute)."""
    return decision_log_dispatch()


@shared_task(**RETRY)
def send_notifications(event: str, object_id: int) -> int:
    """Mail ``event`` on one object to its recipients, each once (reminders; by hand)."""
    return notification_send(event=event, object_id=object_id)


@shared_task(**RETRY)
def send_deadline_reminders() -> list[int]:
    """Remind voters 24 hours before a ballot closes (scheduled every few minutes by beat)."""
    return deadline_reminders_send()
