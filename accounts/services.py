"""Writes of the accounts app: API tokens, an imported TOTP seed, ending sessions."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from allauth.mfa.utils import decrypt
from allauth.usersessions.internal.flows.sessions import end_other_sessions, end_sessions
from allauth.usersessions.models import UserSession
from django.db import transaction
from django.http import HttpRequest

from . import audit
from .models import ApiToken


class AccountError(ValueError):
    """A request the accounts app refuses, with a message for the person."""


def token_create(
    *, user: Any, name: str, request: HttpRequest | None = None
) -> tuple[ApiToken, str]:
    """Create a named API token ending after ``ACCORD_TOKEN_DAYS``; return it and its secret.

    The secret is shown once: only its digest is stored.
    """
    name = (name or "").strip()
    if not name:
        raise AccountError("A token needs a name.")
    if "\x00" in name:
        raise AccountError("A token's name cannot contain a NUL character.")
    with transaction.atomic():
        token, secret = ApiToken.objects.create(user=user, name=name[:100])
    audit.log("token_created", request, user=user, token=token.token_key, name=token.name)
    return token, secret


def token_revoke(*, user: Any, token_key: str, request: HttpRequest | None = None) -> bool:
    """Revoke the user's token with this key (another user's: nothing happens)."""
    with transaction.atomic():
        tokens = list(ApiToken.objects.filter(user_id=user.pk, token_key=token_key))
        for token in tokens:
            token.delete()
    for token in tokens:
        audit.log("token_revoked", request, user=user, token=token.token_key, name=token.name)
    return bool(tokens)


def totp_secret_check(secret: Any) -> str:
    """Return the base32 TOTP seed normalised (upper case, no spaces), or raise AccountError."""
    if not isinstance(secret, str):
        raise AccountError("'totp_secret' must be a base32 string")
    cleaned = secret.replace(" ", "").upper()
    try:
        raw = base64.b32decode(cleaned + "=" * (-len(cleaned) % 8))
    except (binascii.Error, ValueError):
        raise AccountError("'totp_secret' is not base32") from None
    if len(raw) < 10:
        raise AccountError("'totp_secret' must hold at least 80 bits")
    return cleaned


def totp_enrol(*, user: Any, secret: str) -> Authenticator:
    """Give the user this TOTP seed (replacing another), with recovery codes if none yet.

    The same seed again changes nothing, so that ``provision`` can be run twice.
    """
    secret = totp_secret_check(secret)
    current = Authenticator.objects.filter(user_id=user.pk, type=Authenticator.Type.TOTP).first()
    if current is not None and decrypt(current.data.get("secret", "")) == secret:
        return current
    with transaction.atomic():
        Authenticator.objects.filter(user_id=user.pk, type=Authenticator.Type.TOTP).delete()
        authenticator = TOTP.activate(user, secret).instance
        if not Authenticator.objects.filter(
            user_id=user.pk, type=Authenticator.Type.RECOVERY_CODES
        ).exists():
            RecoveryCodes.activate(user)
    audit.log("factor_added", None, user=user, factor="totp", source="provision")
    return authenticator


def session_end(*, request: HttpRequest, session_id: int) -> bool:
    """End one of the signed-in user's sessions (another user's: nothing happens)."""
    sessions = list(UserSession.objects.filter(user_id=request.user.pk, pk=session_id))
    if sessions:
        audit.log("session_ended", request, ended=1)
        end_sessions(request, sessions)
    return bool(sessions)


def sessions_end_others(*, request: HttpRequest) -> int:
    """End every signed-in session of the user but this one."""
    others = UserSession.objects.filter(user_id=request.user.pk).exclude(
        session_key=request.session.session_key or ""
    )
    count = others.count()
    audit.log("session_ended", request, ended=count)
    end_other_sessions(request, request.user)
    return count


def password_changed(*, request: HttpRequest, previous_session_key: str | None) -> None:
    """After a signed-in user changed their password: this session stays (listed under the
    new key Django gave it), every other one ends, the change is logged and mailed."""
    from allauth.account.adapter import get_adapter

    UserSession.objects.filter(session_key=previous_session_key or "").update(
        session_key=request.session.session_key
    )
    end_other_sessions(request, request.user)
    audit.log("password_changed", request)
    get_adapter(request).send_notification_mail("account/email/password_changed", request.user)
