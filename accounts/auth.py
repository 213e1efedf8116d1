"""API token authentication: knox's, noting each token's last use (at most once a minute)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from knox.signals import token_expired

# A token used many times a minute is written once: the list shows the minute, not the call.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


class TokenAuthentication(KnoxTokenAuthentication):
    """``Authorization: Token <secret>``; an expired token is refused (401) and deleted."""

    def _cleanup_token(self, auth_token) -> bool:
        """Refuse (and delete) this token if it has ended. Knox also sweeps every other token
        of the user on each request: one more query per call, for rows nobody can use."""
        if auth_token.expiry is not None and auth_token.expiry < timezone.now():
            username = auth_token.user.get_username()
            auth_token.delete()
            token_expired.send(sender=type(self), username=username, source="auth_token")
            return True
        return False

    def validate_user(self, auth_token):
        user, token = super().validate_user(auth_token)
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
            type(token).objects.filter(pk=token.pk).update(last_used_at=now)
            token.last_used_at = now
        return user, token


class TokenAuthenticationScheme(OpenApiAuthenticationExtension):
    """The scheme in the OpenAPI schema, under the name scripts already use (``tokenAuth``)."""

    target_class = "accounts.auth.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": 'Token-based authentication with required prefix "Token"',
        }
