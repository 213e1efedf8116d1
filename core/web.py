"""What every page shares: domain errors mapped to answers, and the form → service pattern.

Not visible → 404, not allowed → 403, invalid input or state → a message beside the form (or
at the top of the page) and back to where the user was. Never a 500.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import RedirectView

from core.errors import DomainError, Invalid, InvalidState, NotAllowed, NotVisible

# How the field names that services report read in a message.
FIELD_LABELS = {
    "title": gettext_lazy("Title"),
    "description": gettext_lazy("Description"),
    "sector": gettext_lazy("Sector"),
    "amount_requested": gettext_lazy("Amount requested"),
    "currency": gettext_lazy("Currency"),
    "co_sponsors": gettext_lazy("Co-sponsors"),
    "comment": gettext_lazy("Comment"),
    "closes_at": gettext_lazy("Closes at"),
    "choice": gettext_lazy("Vote"),
    "reason": gettext_lazy("Reason"),
    "text": gettext_lazy("Note"),
    "visibility": gettext_lazy("Visibility"),
    "recommendation": gettext_lazy("Recommendation"),
    "format": gettext_lazy("Format"),
    "since": gettext_lazy("Since"),
    "until": gettext_lazy("Until"),
}


def error_message(error: DomainError) -> str:
    """The error's message, followed by its per-field messages as a short list."""
    items = [
        (FIELD_LABELS.get(field, field.rsplit(".", 1)[-1].replace("_", " ")), message)
        for field, field_messages in error.detail.items()
        for message in (
            field_messages if isinstance(field_messages, list | tuple) else [field_messages]
        )
    ]
    headline = error.message or _("That did not work.")
    # A message that only repeats the headline is said once.
    items = [(label, message) for label, message in items if str(message) != str(headline)]
    if not items:
        return headline
    return format_html(
        '{}<ul class="message-details">{}</ul>',
        headline,
        format_html_join("", "<li><strong>{}</strong>: {}</li>", items),
    )


def redirect_back(request: HttpRequest, fallback: str) -> HttpResponse:
    """Back to the page the user came from, if it is ours; otherwise to ``fallback``."""
    referer = request.META.get("HTTP_REFERER", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(referer)
    return redirect(fallback)


def domain_errors(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Map domain errors to answers: 404, 403, or a message and back."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except NotVisible:
            raise Http404(_("Not found.")) from None
        except NotAllowed as error:
            raise PermissionDenied(error.message) from None
        except (Invalid, InvalidState) as error:
            messages.error(request, error_message(error))
            pk = kwargs.get("pk")
            fallback = reverse("proposal-detail", args=[pk]) if pk else reverse("home")
            return redirect_back(request, fallback)

    return wrapper


def add_domain_errors(form: forms.Form, error: DomainError) -> None:
    """Put a service's per-field messages beside the fields they name (others on top)."""
    aliases = getattr(form, "error_aliases", {})
    # Keys whose values are codes for programs (``"limit": ["equity"]``), not sentences.
    codes = getattr(form, "error_codes", ())
    placed = False
    for key, field_messages in error.detail.items():
        if key in codes:
            continue
        name = aliases.get(key, key)
        if name not in form.fields:
            # e.g. "scores.risk" → "risk"
            name = aliases.get(key.rsplit(".", 1)[-1], key.rsplit(".", 1)[-1])
        field = name if name in form.fields else None
        listed = field_messages if isinstance(field_messages, list | tuple) else [field_messages]
        for message in listed:
            form.add_error(field, str(message))
            placed = True
    if not placed and error.message:
        form.add_error(None, error.message)


def form_action(
    request: HttpRequest,
    form: forms.Form,
    service: Callable[[dict[str, Any]], Any],
    *,
    success: Callable[[Any], HttpResponse],
    invalid: Callable[[forms.Form], HttpResponse],
    message: str | Callable[[Any], str] | None = None,
    catch: tuple[type[DomainError], ...] = (Invalid,),
    refused: Callable[[DomainError], HttpResponse] | None = None,
) -> HttpResponse:
    """Validate → call the service → on success flash ``message`` (a string, or a function of
    the result) and answer ``success(result)``; on bad input put the errors beside the fields
    and answer ``invalid(form)``.

    ``catch`` names the service's errors that belong to the form: by default bad input; a form
    that shows a refused state beside its fields adds ``InvalidState``. They go beside the
    fields and ``invalid(form)`` answers, or ``refused(error)`` does when given (a form that
    has nowhere to show them, e.g. one that is only a button).

    Other domain errors propagate, for ``domain_errors`` to map: 404, 403, and a state that
    does not allow the action (a message and back).
    """
    if form.is_valid():
        try:
            result = service(form.cleaned_data)
        except catch as error:
            if refused is not None:
                return refused(error)
            add_domain_errors(form, error)
        else:
            if message:
                messages.success(request, message(result) if callable(message) else message)
            return success(result)
    return invalid(form)


# --- Confirmation of what cannot be undone ------------------------------------------------

CONFIRMED = "confirmed"


def is_confirmed(request: HttpRequest) -> bool:
    """The post carries the confirmation (the dialog's or the confirmation page's)."""
    return request.method == "POST" and request.POST.get(CONFIRMED) == "1"


def confirmation_page(
    request: HttpRequest,
    *,
    title: str,
    consequence: str,
    action: str,
    button: str,
    cancel: str,
    subject: str = "",
    danger: bool = False,
    editable: tuple[str, ...] = ("comment",),
    required: tuple[str, ...] = (),
) -> HttpResponse:
    """Ask before an action that cannot be undone, as a page (what a browser without script
    shows; with script a dialog asks first, see ``static/js/accord.js``).

    A form marked ``data-confirm`` posts here without ``confirmed``: the page says the
    consequence in one sentence and offers Confirm, which posts what was typed again to
    ``action`` with ``confirmed=1``, or Cancel, a link to ``cancel``. Fields named in
    ``editable`` stay editable on the page (those in ``required`` must be filled); the others
    travel hidden. Nothing changes.
    """
    posted = request.POST if request.method == "POST" else {}
    carried = [
        (name, value)
        for name in posted
        if name not in ("csrfmiddlewaretoken", CONFIRMED, *editable)
        for value in posted.getlist(name)
    ]
    return render(
        request,
        "confirm.html",
        {
            "title": title,
            "subject": subject,
            "consequence": consequence,
            "action": action,
            "button": button,
            "cancel": cancel,
            "danger": danger,
            "carried": carried,
            "editable": {name: posted.get(name, "") for name in editable},
            "required": required,
        },
    )


class MovedTo(RedirectView):
    """An address that leads to another page of the site, named by ``pattern_name``.

    A GET goes there (302); a form posted to the old address is posted there (307, so its
    fields and CSRF token go along and that page's own checks apply), which keeps a page left
    open across the change working. Other methods: 405.
    """

    permanent = False
    http_method_names = ["get", "head", "post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = HttpResponseRedirect(self.get_redirect_url(*args, **kwargs))
        response.status_code = 307
        return response
