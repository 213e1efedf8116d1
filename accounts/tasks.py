"""Celery task that sends the accounts app's mail (rendered in the request, sent here)."""

from smtplib import SMTPException

from celery import shared_task

from .mail import build


@shared_task(
    acks_late=True,
    autoretry_for=(SMTPException, ConnectionError, TimeoutError),
    retry_backoff=True,
    max_retries=5,
)
def send_account_mail(payload: dict) -> int:
    """Send one rendered message (a password reset link, a security notice)."""
    return build(payload).send()
