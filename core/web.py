"""What every page shares: domain errors mapped to answers, and the form → service pattern.

Not visible → 404, not allowed → 403, invalid input or state → a message beside the form (or
at the top of the page) and back to where the user was. Never a 500.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
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
from core.inputs import Reader

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


class FormInvalid(Invalid):
    """A bound form that did not validate, raised when a service reads it (``form_reader``).

    It carries nothing new: the errors are already on the form, beside its fields.
    """


def form_reader(
    form: forms.Form,
    *,
    transform: Callable[[dict[str, Any]], Mapping[str, Any]] | None = None,
    prepare: Callable[[forms.Form], None] | None = None,
) -> Reader:
    """A page's bound form as the input a service reads once its own checks have passed
    (``core.inputs``): validated only when the service calls it, so whoever may not act gets
    the service's 404 or 403 whatever the form holds, and never its field errors.

    ``prepare(form)`` runs just before validation: what only those who may act are offered
    (a list of choices) or told (a file that was too large). ``transform`` maps the cleaned
    data to the service's keywords (by default they are the fields' names).
    """

    def read() -> Mapping[str, Any]:
        if prepare is not None:
            prepare(form)
        if not form.is_valid():
            raise FormInvalid(_("Please correct the highlighted fields."))
        data = dict(form.cleaned_data)
        return transform(data) if transform is not None else data

    return read


def form_action(
    request: HttpRequest,
    form: forms.Form,
    service: Callable[[Reader], Any],
    *,
    success: Callable[[Any], HttpResponse],
    invalid: Callable[[forms.Form], HttpResponse],
    message: str | Callable[[Any], str] | None = None,
    catch: tuple[type[DomainError], ...] = (Invalid,),
    refused: Callable[[DomainError], HttpResponse] | None = None,
    transform: Callable[[dict[str, Any]], Mapping[str, Any]] | None = None,
    prepare: Callable[[forms.Form], None] | None = None,
) -> HttpResponse:
    """Call the service with the form as its input (``service(body)``, ``form_reader``) →
    on success flash ``message`` (a string, or a function of the result) and answer
    ``success(result)``; on bad input answer ``invalid(form)``, the errors beside the fields.

    The service checks the object (404) and its policy (403) before it reads the form: the
    view asks no rule itself, and a form is never judged for whoever may not send it.

    ``catch`` names the service's errors that belong to the form: by default bad input; a form
    that shows a refused state beside its fields adds ``InvalidState``. They go beside the
    fields and ``invalid(form)`` answers, or ``refused(error)`` does when given (a form that
    has nowhere to show them, e.g. one that is only a button).

    Other domain errors propagate, for ``domain_errors`` to map: 404, 403, and a state that
    does not allow the action (a message and back).
    """
    try:
        result = service(form_reader(form, transform=transform, prepare=prepare))
    except FormInvalid:
        return invalid(form)
    except catch as error:
        if refused is not None:
            return refused(error)
        add_domain_errors(form, error)
        return invalid(form)
    if message:
        messages.success(request, message(result) if callable(message) else message)
    return success(result)


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
