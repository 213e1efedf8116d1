"""My account's security sections (second factors, API tokens, sessions), as one tag.

``{% load account_security %}{% account_security %}`` renders them; the page around it
(language, password) belongs to other apps, so each keeps its own sections.
"""

from __future__ import annotations

from allauth.mfa.models import Authenticator
from django import template
from django.conf import settings

from ..models import ApiToken
from ..sessions import sessions_of
from ..views import NEW_TOKEN

register = template.Library()


@register.inclusion_tag("accounts/_security.html", takes_context=True)
def account_security(context):
    request = context["request"]
    user = request.user
    factors = list(Authenticator.objects.filter(user_id=user.pk).order_by("created_at"))
    current = request.session.session_key
    return {
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "factors": factors,
        "has_totp": any(f.type == Authenticator.Type.TOTP for f in factors),
        "keys": [f for f in factors if f.type == Authenticator.Type.WEBAUTHN],
        "has_recovery_codes": any(f.type == Authenticator.Type.RECOVERY_CODES for f in factors),
        "tokens": list(ApiToken.objects.filter(user_id=user.pk).order_by("-created")),
        "new_token": request.session.pop(NEW_TOKEN, None),
        "sessions": sessions_of(user),
        "current_session": current,
        "token_days": settings.ACCORD_TOKEN_DAYS,
        "idle_minutes": settings.ACCORD_SESSION_IDLE_SECONDS // 60,
        "max_hours": settings.ACCORD_SESSION_MAX_SECONDS // 3600,
    }
