"""django-allauth, fitted to Accord: accounts are issued, never signed up for; mail leaves
from a task after commit; re-authentication follows ``ACCORD_REAUTH_SECONDS``."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.http import HttpRequest

from .policy import mfa_required, recently_authenticated


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        """Accounts are issued by the secretariat (``provision``), never signed up for."""
        return False

    def pre_authenticate(self, request: HttpRequest, **credentials) -> None:
        """Password guessing is django-axes' to lock out (``AXES_FAILURE_LIMIT``, answered
        429); allauth's own failure counter guards the second step (the code) only."""
        self._login_failed_rl_usage = None

    def is_reauthentication_required(self, *, app: str, **kwargs) -> bool:
        """A sign-in within ``ACCORD_REAUTH_SECONDS`` counts, not only a re-authentication."""
        request = context.request
        if request is not None and recently_authenticated(request):
            return False
        return super().is_reauthentication_required(app=app, **kwargs)

    def send_mail(self, template_prefix: str, email: str, context_: dict) -> None:
        """Render now, in the request's language; send from a task once the change commits."""
        from .mail import send_after_commit

        request = context.request
        ctx = {"request": request, "email": email, **context_}
        send_after_commit(self.render_mail(template_prefix, email, ctx))


class MFAAdapter(DefaultMFAAdapter):
    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        """A role that signs in with a second factor keeps at least one (app or key)."""
        user = authenticator.user
        if authenticator.type == Authenticator.Type.RECOVERY_CODES or not mfa_required(user):
            return True
        others = Authenticator.objects.filter(
            user_id=user.pk, type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
        ).exclude(pk=authenticator.pk)
        return others.exists()
