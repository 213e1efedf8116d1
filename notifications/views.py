"""My account: the user's language for the site and the one for their email, and their password.

The page is made of sections (``notifications/account.html`` includes one template per
section), so what else an account holds adds a section without touching the others.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.messages.views import SuccessMessageMixin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.policy import reauth_required
from accounts.services import password_changed
from core.errors import Invalid
from core.web import add_domain_errors

from .forms import PreferenceForm
from .middleware import remember_language
from .services import language_of, notification_language_choice, preference_set


@login_required
def account(request: HttpRequest) -> HttpResponse:
    initial = {
        "language": language_of(request.user),
        "notification_language": notification_language_choice(request.user),
    }
    form = PreferenceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            preference = preference_set(
                user=request.user,
                language=form.cleaned_data["language"],
                notification_language=form.cleaned_data["notification_language"],
            )
        except Invalid as error:
            add_domain_errors(form, error)
        else:
            remember_language(request, preference.language)
            messages.success(request, _("Your languages are saved."))
            return redirect("account")
    status = 400 if form.errors else 200
    context = {"form": form, "password_form": PasswordChangeForm(request.user)}
    return render(request, "notifications/account.html", context, status=status)


class PasswordChange(SuccessMessageMixin, auth_views.PasswordChangeView):
    """Django's own password change (old password, new one twice, the validators), back to
    My account with a message; the session stays signed in."""

    http_method_names = ["get", "post"]  # not FormView's PUT: a browser form posts
    template_name = "notifications/password_change.html"
    success_url = reverse_lazy("account")
    success_message = gettext_lazy("Your password is changed. Your other sessions have ended.")

    def form_valid(self, form: PasswordChangeForm) -> HttpResponse:
        before = self.request.session.session_key
        response = super().form_valid(form)
        # Every other session of the user ends; the change is logged and mailed.
        password_changed(request=self.request, previous_session_key=before)
        return response

    def form_invalid(self, form: PasswordChangeForm) -> HttpResponse:
        response = super().form_invalid(form)
        response.status_code = 400  # like every form of the site that refuses its input
        return response


_password_change = PasswordChange.as_view()


@reauth_required
def password_change(request: HttpRequest) -> HttpResponse:
    """GET shows the form, POST changes the password (the class refuses other methods)."""
    return _password_change(request)
