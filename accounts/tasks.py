"""Celery task that sends the accounts app's mail (rendered in the request, sent here)."""

from smtplib import SMTPException

from celery import shared_task
from django.core.mail import EmailMessage, EmailMultiAlternatives


def build(payload: dict) -> EmailMessage:
    """The message ``accounts.mail.send_after_commit`` described."""
    message = EmailMultiAlternatives(
        payload["subject"], payload["body"], payload["from_email"], payload["to"]
    )
    message.content_subtype = payload.get("content_subtype", "plain")
    for content, mimetype in payload.get("alternatives", []):
        message.attach_alternative(content, mimetype)
    return message


@shared_task(
    acks_late=True,
    autoretry_for=(SMTPException, ConnectionError, TimeoutError),
    retry_backoff=True,
    max_retries=5,
)
def send_account_mail(payload: dict) -> int:
    """Send one rendered message (a password reset link, a security notice)."""
    return build(payload).send()
