"""Celery tasks: thin, idempotent, each calling one service."""

from celery import shared_task
from django.db import OperationalError

from .services import ballots_close_due, conditions_mark_overdue


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def close_due_ballots() -> list[str]:
    """Close the ballots whose deadline has passed (scheduled every minute by beat)."""
    return ballots_close_due()


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def mark_overdue_conditions() -> list[int]:
    """Mark open conditions past their due date overdue (scheduled daily by beat)."""
    return conditions_mark_overdue()
