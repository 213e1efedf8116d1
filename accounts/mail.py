"""Mail from the accounts app (password reset, security notices) leaves from a Celery task
after commit, rendered in the request (so in the language the person used)."""

from __future__ import annotations

from functools import partial

from django.core.mail import EmailMessage
from django.db import transaction

from .tasks import send_account_mail


def send_after_commit(message: EmailMessage) -> None:
    """Queue ``message`` for the mail task once the current transaction commits."""
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
