"""What a session remembers about its sign-in, and the signed-in sessions a user can end.

The list of a user's sessions is django-allauth's ``usersessions`` (one row per signed-in
session: device, address, when it began); its last use is noted here at most once a minute.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from allauth.mfa.signals import authenticator_added, authenticator_removed
from allauth.usersessions.models import UserSession
from django.contrib.auth.signals import user_logged_in
from django.http import HttpRequest

from .policy import has_second_factor, mfa_required

STARTED = "accord_signed_in_at"
SEEN = "accord_seen_at"
# The session remembers that its user has the second factor their role needs (or needs none).
MFA_OK = "accord_mfa_ok"


def satisfied(user: Any) -> bool:
    """Whether the user has the second factor their role needs (or needs none)."""
    return not mfa_required(user) or has_second_factor(user)


def remember_satisfied(request: HttpRequest, user: Any) -> None:
    """Note in the session whether the user has the factor their role needs."""
    if satisfied(user):
        request.session[MFA_OK] = True
    else:
        request.session.pop(MFA_OK, None)


def touch(request: HttpRequest, now: float, *, started: bool = False) -> None:
    """Note the session's use now (and its start): in the session and in its listed row."""
    if started:
        request.session[STARTED] = now
    request.session[SEEN] = now
    key = request.session.session_key
    if key:
        seen = dt.datetime.fromtimestamp(now, tz=dt.UTC)
        UserSession.objects.filter(session_key=key).update(last_seen_at=seen)


def sessions_of(user: Any) -> list[UserSession]:
    """The user's signed-in sessions, newest use first (rows of ended sessions are purged)."""
    return sorted(
        UserSession.objects.purge_and_list(user), key=lambda s: s.last_seen_at, reverse=True
    )


def _on_login(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is None or not hasattr(request, "session"):
        return
    now = time.time()
    request.session[STARTED] = now
    request.session[SEEN] = now
    remember_satisfied(request, user)


def _on_factor_change(sender: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
    user = getattr(request, "user", None)
    if request is not None and user is not None and user.is_authenticated:
        remember_satisfied(request, user)


def connect() -> None:
    user_logged_in.connect(_on_login, dispatch_uid="accord-session-started")
    authenticator_added.connect(_on_factor_change, dispatch_uid="accord-factor-added")
    authenticator_removed.connect(_on_factor_change, dispatch_uid="accord-factor-removed")
