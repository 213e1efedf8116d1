"""Mail from the accounts app (password reset) leaves from a Celery task after commit."""

from __future__ import annotations

from functools import partial

from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.db import transaction


def send_after_commit(message: EmailMessage) -> None:
    """Queue ``message`` for the mail task once the current transaction commits."""
    from .tasks import send_account_mail

    alternatives = [
        [content, mimetype] for content, mimetype in getattr(message, "alternatives", [])
    ]
    payload = {
        "subject": str(message.subject),
        "body": str(message.body),
        "from_email": message.from_email,
        "to": list(message.to),
        "content_subtype": message.content_subtype,
        "alternatives": alternatives,
    }
    transaction.on_commit(partial(send_account_mail.delay, payload), robust=True)


def build(payload: dict) -> EmailMessage:
    message = EmailMultiAlternatives(
        payload["subject"], payload["body"], payload["from_email"], payload["to"]
    )
    message.content_subtype = payload.get("content_subtype", "plain")
    for content, mimetype in payload.get("alternatives", []):
        message.attach_alternative(content, mimetype)
    return message
