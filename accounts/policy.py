"""Who must sign in with a second factor, and whether a session signed in recently enough.

``reauth_required`` guards the views that decide or move money (casting a vote, closing a
ballot, approving a four-eyes entry) and the management of factors: the person must have
signed in, or confirmed who they are, within ``ACCORD_REAUTH_SECONDS``. Otherwise the request
is set aside, the person confirms (password, or a second factor when they have one), and the
request resumes (django-allauth's suspend/resume).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from allauth.account.internal.flows.login import get_authentication_records
from allauth.core.exceptions import ReauthenticationRequired
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import PermissionDenied

REAUTH_MESSAGE = _(
    "Confirm who you are first: sign in again, or re-authenticate on the site, then retry."
)


def role_of(user: Any) -> str | None:
    """The user's role through the ``membership`` relation (None: no role)."""
    try:
        return user.membership.role
    except (AttributeError, ObjectDoesNotExist):
        return None


def mfa_required(user: Any) -> bool:
    """Whether the user's role is one that must sign in with a second factor."""
    return role_of(user) in set(settings.ACCORD_MFA_REQUIRED_ROLES)


def has_second_factor(user: Any) -> bool:
    """Whether the user has a TOTP app or a security key (recovery codes alone are not one)."""
    return Authenticator.objects.filter(
        user_id=user.pk, type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
    ).exists()


def last_authenticated_at(request: HttpRequest) -> float | None:
    """When this session last proved who its user is (sign-in step or re-authentication)."""
    records = get_authentication_records(request, getattr(request, "user", None))
    times = [record.get("at") for record in records if isinstance(record.get("at"), int | float)]
    return max(times) if times else None


def recently_authenticated(request: HttpRequest) -> bool:
    """Whether the session proved who its user is within ``ACCORD_REAUTH_SECONDS``."""
    at = last_authenticated_at(request)
    return at is not None and time.time() - at < settings.ACCORD_REAUTH_SECONDS


def require_recent_sign_in(request: HttpRequest) -> None:
    """In a page view: unless the session signed in recently, have the person confirm who
    they are; the request resumes after. Anonymous requests are the view's own business."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and not recently_authenticated(request):
        raise ReauthenticationRequired()


def reauth_required(view: Callable) -> Callable:
    """Decorate a page view: a POST needs a recent sign-in, else confirm and resume.

    GET (showing the form) passes. Put it inside ``login_required``.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            require_recent_sign_in(request)
        return view(request, *args, **kwargs)

    return wrapper


def require_recent_authentication(request: Any) -> None:
    """In an API view: a session-authenticated call needs a recent sign-in (else 403).

    A call with an API token is not asked: the token is its own credential, created by a
    signed-in user and ending after ``ACCORD_TOKEN_DAYS``.
    """
    by_session = isinstance(
        getattr(request, "successful_authenticator", None), SessionAuthentication
    )
    if by_session and not recently_authenticated(request._request):
        raise PermissionDenied(REAUTH_MESSAGE)
