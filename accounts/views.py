"""Pages of the account's security: API tokens, sessions, password reset.

The password change is My account's (``notifications.views.PasswordChange``), which calls
``services.password_changed``.

Second factors are managed on django-allauth's pages (/accounts/2fa/), linked from My account.
"""

from __future__ import annotations

from allauth.account.adapter import get_adapter
from allauth.usersessions.internal.flows.sessions import end_sessions
from allauth.usersessions.models import UserSession
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import audit, services
from .forms import PasswordResetForm, TokenForm
from .policy import reauth_required

NEW_TOKEN = "accord_new_token"  # the secret of a token just created, shown once


@require_POST
@login_required
@reauth_required
def token_create(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("A token needs a name (at most 100 characters)."))
        return redirect("/account/#tokens")
    token, secret = services.token_create(
        user=request.user, name=form.cleaned_data["name"], request=request
    )
    request.session[NEW_TOKEN] = {"name": token.name, "secret": secret}
    return redirect("/account/#tokens")


@require_POST
@login_required
def token_revoke(request: HttpRequest) -> HttpResponse:
    if services.token_revoke(
        user=request.user, token_key=request.POST.get("token", ""), request=request
    ):
        messages.success(request, _("The token is revoked."))
    else:
        messages.error(request, _("No such token."))
    return redirect("/account/#tokens")


@require_POST
@login_required
def session_end(request: HttpRequest) -> HttpResponse:
    try:
        session_id = int(request.POST.get("session", ""))
    except ValueError:
        session_id = 0
    if services.session_end(request=request, session_id=session_id):
        if not request.user.is_authenticated:  # it was this session
            return redirect("login")
        messages.success(request, _("The session is ended."))
    else:
        messages.error(request, _("No such session."))
    return redirect("/account/#sessions")


@require_POST
@login_required
def sessions_end_others(request: HttpRequest) -> HttpResponse:
    count = services.sessions_end_others(request=request)
    messages.success(request, _("Other sessions ended: %(count)d.") % {"count": count})
    return redirect("/account/#sessions")


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset by mail: the same answer whether or not the address is on record."""

    form_class = PasswordResetForm
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"

    def form_valid(self, form):
        audit.log("password_reset_requested", self.request, email=form.cleaned_data["email"])
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's link check: single use (the token hashes the password) and expiring."""

    def form_valid(self, form):
        response = super().form_valid(form)
        user = form.user
        end_sessions(self.request, list(UserSession.objects.filter(user_id=user.pk)))
        audit.log("password_reset", self.request, user=user)
        get_adapter(self.request).send_notification_mail("account/email/password_reset", user)
        return response
