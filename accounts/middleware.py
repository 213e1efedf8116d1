"""Request guards: security headers, session lifetimes, and the second factor some must have."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from . import audit
from .sessions import MFA_OK, SEEN, STARTED, satisfied, touch

# How often an active session's "last seen" is written: once a minute, not on every request.
SEEN_RESOLUTION = 60
# What a user who must set up a second factor may still reach.
SETUP_PATHS = ("/accounts/", "/i18n/", "/static/", "/media/", "/favicon")


def security_headers(get_response: Callable) -> Callable:
    """Add the headers Django has no setting for: Permissions-Policy."""

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        response.setdefault("Permissions-Policy", settings.ACCORD_PERMISSIONS_POLICY)
        return response

    return middleware


class SessionControlMiddleware:
    """End a session idle for ``ACCORD_SESSION_IDLE_SECONDS`` or older than the maximum.

    The store also forgets an idle session by itself (``SESSION_COOKIE_AGE``); this keeps the
    rule exact and enforces the absolute limit, and notes the session's last use each minute.
    """

    def __init__(self, get_response: Callable) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            self.check(request, user)
        return self.get_response(request)

    def check(self, request: HttpRequest, user: Any) -> None:
        session = request.session
        now = time.time()
        started, seen = session.get(STARTED), session.get(SEEN)
        if not isinstance(started, int | float) or not isinstance(seen, int | float):
            touch(request, now, started=True)
            return
        idle = now - seen > settings.ACCORD_SESSION_IDLE_SECONDS
        if idle or now - started > settings.ACCORD_SESSION_MAX_SECONDS:
            audit.log(
                "session_expired", request, user=user, reason="idle" if idle else "maximum age"
            )
            logout(request)
            return
        if now - seen >= SEEN_RESOLUTION:
            touch(request, now)


class SecondFactorRequiredMiddleware:
    """Send a user whose role needs a second factor, and who has none, to set one up first."""

    def __init__(self, get_response: Callable) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.session.get(MFA_OK)
            and not request.path.startswith(SETUP_PATHS)
        ):
            if satisfied(user):
                request.session[MFA_OK] = True
            else:
                return self.refuse(request)
        return self.get_response(request)

    def refuse(self, request: HttpRequest) -> HttpResponse:
        text = _("Your role signs in with a second factor. Set one up to continue.")
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": text}, status=403)
        messages.warning(request, text)
        return redirect("mfa_index")
