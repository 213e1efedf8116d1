"""My account: the user's language for the site and for their email."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from core.errors import Invalid
from core.web import add_domain_errors

from .forms import PreferenceForm
from .middleware import remember_language
from .services import language_of, preference_set


@login_required
def account(request: HttpRequest) -> HttpResponse:
    form = PreferenceForm(request.POST or None, initial={"language": language_of(request.user)})
    if request.method == "POST" and form.is_valid():
        try:
            preference = preference_set(user=request.user, language=form.cleaned_data["language"])
        except Invalid as error:
            add_domain_errors(form, error)
        else:
            remember_language(request, preference.language)
            messages.success(request, _("Your language is saved."))
            return redirect("account")
    status = 400 if form.errors else 200
    return render(request, "notifications/account.html", {"form": form}, status=status)
