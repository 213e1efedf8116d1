"""Committee pages: my work, the record's forms on a proposal, and the decision log.

Thin like every view: call one selector or service, render. A form goes to its service as
the service's input (``core.web.form_action``): the service asks the policy before it reads
the form, so whoever may not act gets 403 (or 404) whatever they posted.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.policy import reauth_required
from committee import permissions
from core import log_events
from core.errors import Invalid
from core.web import add_domain_errors, domain_errors, error_message, form_action
from projects import permissions as proposal_permissions
from projects.models import Proposal
from projects.views import get_proposal, render_detail

from . import exports, resolution, selectors, services
from .forms import ConflictForm, DecisionLogFilterForm, NoteForm, ReviewForm, VoteForm
from .work import registered_work

LOG_PAGE_SIZE = 50

# The home page's lists, in the order they are shown: key of ``selectors.my_work``, heading,
# what to say when it is empty, and whether its items wait for the user (or are followed).
WORK_SECTIONS = [
    (
        "to_vote",
        gettext_lazy("Ballots waiting for your vote"),
        gettext_lazy("No ballot is waiting for your vote."),
        True,
    ),
    ("ballots_open", gettext_lazy("Open ballots"), gettext_lazy("No ballot is open."), True),
    (
        "to_review",
        gettext_lazy("Proposals to review"),
        gettext_lazy("You have reviewed every proposal in review."),
        True,
    ),
    (
        "to_screen",
        gettext_lazy("Submissions to screen"),
        gettext_lazy("No submission is waiting to be screened."),
        True,
    ),
    (
        "to_fund",
        gettext_lazy("Approved and in funding"),
        gettext_lazy("No approved proposal is waiting for funding."),
        True,
    ),
    (
        "conditions_due",
        gettext_lazy("Conditions due within 14 days or overdue"),
        gettext_lazy("No condition of approval is due soon."),
        True,
    ),
    ("drafts", gettext_lazy("Your drafts"), gettext_lazy("You have no drafts."), True),
    (
        "in_progress",
        gettext_lazy("Your proposals in progress"),
        gettext_lazy("None of your proposals is in progress."),
        False,
    ),
    (
        "under_way",
        gettext_lazy("In review and voting"),
        gettext_lazy("Nothing is in review or voting."),
        False,
    ),
]


@login_required
def home(request: HttpRequest) -> HttpResponse:
    work = selectors.my_work(user=request.user)
    sections = [
        {"key": key, "heading": heading, "empty": empty, "proposals": work[key], "waits": waits}
        for key, heading, empty, waits in WORK_SECTIONS
        if key in work
    ]
    waiting = sum(len(section["proposals"]) for section in sections if section["waits"])
    registered = registered_work(request.user)
    waiting += sum(len(found["items"]) for found in registered)
    return render(
        request,
        "committee/home.html",
        {
            "sections": sections,
            "registered": registered,
            "waiting": waiting,
            "can_create": proposal_permissions.can_create(request.user),
        },
    )


# --- The record's forms on a proposal page ----------------------------------------------


def _show_errors(request: HttpRequest, proposal: Any, form_name: str, form: Any) -> HttpResponse:
    """Show the proposal page again with the form's errors beside its fields."""
    messages.error(request, _("Please correct the highlighted fields."))
    return render_detail(request, proposal, status=400, **{form_name: form})


def _on_page(proposal: Proposal, anchor: str) -> Callable[[Any], HttpResponse]:
    return lambda result: redirect(reverse("proposal-detail", args=[proposal.pk]) + anchor)


def _errors_on_page(request: HttpRequest, proposal: Proposal, form_name: str):
    return lambda form: _show_errors(request, proposal, form_name, form)


@login_required
@require_POST
@domain_errors
def note_create(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = get_proposal(request, pk)
    return form_action(
        request,
        NoteForm(request.POST),
        lambda body: services.note_add(user=request.user, proposal_id=proposal.pk, body=body),
        success=_on_page(proposal, "#notes"),
        invalid=_errors_on_page(request, proposal, "note_form"),
        message=_("Note added."),
    )


@login_required
@require_POST
@domain_errors
def review_create(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = get_proposal(request, pk)
    form = ReviewForm(request.POST)
    return form_action(
        request,
        form,
        lambda body: services.review_submit(user=request.user, proposal_id=proposal.pk, body=body),
        success=_on_page(proposal, "#reviews"),
        invalid=_errors_on_page(request, proposal, "review_form"),
        message=_("Your review is saved."),
        transform=lambda data: form.service_kwargs(),
    )


@login_required
@require_POST
@domain_errors
def conflict_create(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = get_proposal(request, pk)
    return form_action(
        request,
        ConflictForm(request.POST),
        lambda body: services.conflict_declare(
            user=request.user, proposal_id=proposal.pk, body=body
        ),
        success=_on_page(proposal, ""),
        invalid=_errors_on_page(request, proposal, "conflict_form"),
        message=_("Conflict declared. You are recused from voting on this proposal."),
    )


@login_required
@require_POST
@reauth_required
@domain_errors
def vote_cast(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = get_proposal(request, pk)
    return form_action(
        request,
        VoteForm(request.POST),
        lambda body: services.vote_cast(user=request.user, proposal_id=proposal.pk, body=body),
        success=_on_page(proposal, "#ballot"),
        invalid=_errors_on_page(request, proposal, "vote_form"),
        message=lambda vote: (
            _("Your vote “%(choice)s” is recorded. You can change it while the ballot is open.")
            % {"choice": vote.get_choice_display()}
        ),
    )


# --- Decision log ----------------------------------------------------------------------


@login_required
@domain_errors
def decision_log(request: HttpRequest) -> HttpResponse:
    if not permissions.can_read_decision_log(request.user):
        raise PermissionDenied(_("The decision log is not shown to you."))
    form = DecisionLogFilterForm(request.GET or None)
    filters = form.filters()
    try:
        rows = selectors.decision_log_entries(user=request.user, filters=filters)
    except Invalid as error:
        add_domain_errors(form, error)
        filters = {}
        rows = selectors.decision_log_entries(user=request.user, filters=filters)
    # Newest first on screen; exports keep the chain's order.
    page = Paginator(rows.order_by("-seq"), LOG_PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = selectors.with_actor_names(list(page.object_list))
    return render(
        request,
        "committee/decision_log.html",
        {
            "form": form,
            "page": page,
            "filtered": bool(filters),
            "event_names": sorted(
                (str(spec.label), code) for code, spec in log_events.EVENTS.items()
            ),
            "can_export": permissions.can_export_decision_log(request.user),
            "export_formats": [
                ("csv", _("CSV")),
                ("jsonl", _("JSON Lines")),
                ("xlsx", _("Excel")),
            ],
            "export_query": urlencode(filters),
        },
    )


def _export_language(request: HttpRequest) -> str:
    """The page's language when the link names none (labels follow the reader)."""
    language = (getattr(request, "LANGUAGE_CODE", "") or "en")[:2]
    return language if language in exports.LANGUAGES else "en"


@login_required
@domain_errors
def decision_log_export(request: HttpRequest) -> HttpResponse:
    if not permissions.can_export_decision_log(request.user):
        raise PermissionDenied(_("Only secretariat staff export the decision log."))
    form = DecisionLogFilterForm(request.GET)
    filters = form.filters()
    back = reverse("decision-log") + (f"?{urlencode(filters)}" if filters else "")
    if form.errors:
        messages.error(
            request, _("Check the filters: %(fields)s.") % {"fields": ", ".join(form.errors)}
        )
        return redirect(back)
    fmt = request.GET.get("format", "")
    lang = request.GET.get("lang") or _export_language(request)
    try:
        rows = services.decision_log_export(user=request.user, fmt=fmt, filters=filters, lang=lang)
    except Invalid as error:
        messages.error(request, error_message(error))
        return redirect(back)
    content_type, extension = exports.FORMATS[fmt]
    stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
    response = StreamingHttpResponse(
        exports.iter_export(rows, fmt, lang), content_type=content_type
    )
    response["Content-Disposition"] = (
        f'attachment; filename="accord-decision-log-{stamp}.{extension}"'
    )
    response["Cache-Control"] = "no-store"
    return response


# --- The signed resolution ---------------------------------------------------------------


@login_required
@domain_errors
def resolution_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The signed resolution, in the language the link names (the page's by default)."""
    lang = request.GET.get("lang") or _export_language(request)
    found, pdf = resolution.resolution_pdf(user=request.user, proposal_id=pk, lang=lang)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="resolution-{found.proposal.reference}-{lang}.pdf"'
    )
    response["Cache-Control"] = "private, no-store"
    return response
