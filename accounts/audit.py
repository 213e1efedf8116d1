"""The security record in the application log (logger ``accord.security``), not the decision log.

One line per event, with the user, the client's address and the time (UTC), e.g.::

    event=sign_in user=alice ip=203.0.113.7 at=2026-12-02T16:59:01Z

Events: sign_in, sign_out, sign_in_failed, locked_out, factor_added, factor_removed,
recovery_codes_regenerated, token_created, token_revoked, password_changed,
password_reset_requested, password_reset, session_ended, session_expired. Never a password,
a code or a token's secret.
"""

from __future__ import annotations

import logging
from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.utils import timezone

logger = logging.getLogger("accord.security")


def client_ip(request: Any) -> str:
    """The address the request came from (REMOTE_ADDR: set by the proxy in front, if any)."""
    meta = getattr(request, "META", None) or {}
    return meta.get("REMOTE_ADDR") or "-"


def _clean(value: Any) -> str:
    text = str(value) if value not in (None, "") else "-"
    return "".join(ch if ch.isprintable() and not ch.isspace() else "_" for ch in text)[:150]


def log(event: str, request: Any = None, *, user: Any = None, username: str = "", **data: Any):
    """Write one security event: who (user or the name tried), from where, when, and what."""
    if user is None and request is not None:
        candidate = getattr(request, "user", None)
        user = candidate if getattr(candidate, "is_authenticated", False) else None
    name = user.get_username() if user is not None else username
    at = timezone.now().strftime("%Y-%m-%dT%H:%M:%SZ")
    fields = {"event": event, "user": name, "ip": client_ip(request), "at": at, **data}
    logger.info(
        " ".join(f"{key}={_clean(value)}" for key, value in fields.items()),
        extra={"security": fields},
    )


def _signed_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    log("sign_in", request, user=user)


def _signed_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        log("sign_out", request, user=user)


def _failed(sender: Any, credentials: dict, request: Any = None, **kwargs: Any) -> None:
    username = credentials.get("username") or credentials.get("login") or ""
    log("sign_in_failed", request, username=username)


def _locked_out(sender: Any, request: Any, username: str | None, **kwargs: Any) -> None:
    log("locked_out", request, username=username or "")


def _factor(event: str):
    def receiver(sender: Any, request: Any = None, user: Any = None, **kwargs: Any) -> None:
        authenticator = kwargs.get("authenticator")
        kind = getattr(getattr(authenticator, "type", ""), "value", "")
        log(event, request, user=user, factor=kind)

    receiver.__name__ = f"log_{event}"
    return receiver


_FACTOR_RECEIVERS = {
    "factor_added": _factor("factor_added"),
    "factor_removed": _factor("factor_removed"),
    "recovery_codes_regenerated": _factor("recovery_codes_regenerated"),
}


def connect() -> None:
    from allauth.mfa.signals import authenticator_added, authenticator_removed, authenticator_reset
    from axes.signals import user_locked_out

    user_logged_in.connect(_signed_in, dispatch_uid="accord-audit-sign-in")
    user_logged_out.connect(_signed_out, dispatch_uid="accord-audit-sign-out")
    user_login_failed.connect(_failed, dispatch_uid="accord-audit-failed")
    user_locked_out.connect(_locked_out, dispatch_uid="accord-audit-locked-out")
    authenticator_added.connect(_FACTOR_RECEIVERS["factor_added"], dispatch_uid="accord-audit-fa")
    authenticator_removed.connect(
        _FACTOR_RECEIVERS["factor_removed"], dispatch_uid="accord-audit-fr"
    )
    authenticator_reset.connect(
        _FACTOR_RECEIVERS["recovery_codes_regenerated"], dispatch_uid="accord-audit-rc"
    )
