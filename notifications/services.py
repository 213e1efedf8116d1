"""Mail about the committee's events, each sent once per recipient, in their notification
language.

``EVENTS`` says who hears of each event on one object; ``outgoing_send`` mails it. For each
recipient it claims a ``Notification`` row (unique on event, object and recipient) in its own
committed transaction BEFORE the mail leaves. A second run, a retry after a crash or a
concurrent duplicate of the same job finds the row taken and sends nothing. The price is
at-most-once: a worker killed between the claim and the SMTP hand-over loses that one mail;
a failure the worker sees (an SMTP error) gives the claim back, so the retry sends it.

Which log entry calls for which mail is decided in ``notifications.dispatch``; the
recipients each event calls for (docs/lifecycle.md, "Mail") are chosen here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from smtplib import SMTPException
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, OperationalError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from committee.models import Ballot, Condition, Vote
from core.errors import Invalid
from core.models import DecisionLogEntry, Role
from projects.models import Proposal, ProposalUserObjectPermission

from .models import Notification, Preference

LANGUAGES = tuple(code for code, _name in settings.LANGUAGES)
REMINDER_BEFORE = dt.timedelta(hours=24)
# Failures that pass (the database or the mail server is back a moment later): retried.
TRANSIENT = (OperationalError, SMTPException, ConnectionError, TimeoutError)


# --- Language preference ----------------------------------------------------------------


def language_check(language: Any) -> str:
    """Return the language code if the site speaks it; raise ``Invalid`` otherwise."""
    if language not in LANGUAGES:
        message = _("Choose one of: %(codes)s.") % {"codes": ", ".join(LANGUAGES)}
        raise Invalid(message, detail={"language": [message]})
    return language


def notification_language_check(language: Any) -> str:
    """Return the code of the mail's language, or "" (follow the site's); raise ``Invalid``
    for a language the site does not speak."""
    if language == "":
        return language
    try:
        return language_check(language)
    except Invalid as error:
        raise Invalid(error.message, detail={"notification_language": [error.message]}) from None


@transaction.atomic
def preference_set(
    *, user: Any, language: str, notification_language: str | None = None
) -> Preference:
    """Set the user's language for the site (their default on sign-in) and for their mail.

    ``notification_language`` ``""`` makes the mail follow ``language``; ``None`` (what
    ``provision`` passes) leaves the mail's language as it was.
    """
    language_check(language)
    defaults = {"language": language}
    if notification_language is not None:
        defaults["notification_language"] = notification_language_check(notification_language)
    preference, _created = Preference.objects.update_or_create(user=user, defaults=defaults)
    return preference


def provisioned_language_check(language: Any) -> None:
    """Refuse a language a ``provision`` file gives that the site does not speak."""
    try:
        language_check(language)
    except Invalid as error:
        raise Invalid(f"unknown language {language!r}: {error.message}") from None


def language_set_by_provisioning(user: Any, language: str) -> None:
    """Store the language a ``provision`` file gives for ``user``."""
    preference_set(user=user, language=language)


def language_of(user: Any) -> str:
    """The user's chosen language for the site, or the site's default."""
    if user is None or not getattr(user, "pk", None):
        return settings.LANGUAGE_CODE
    language = Preference.objects.filter(user_id=user.pk).values_list("language", flat=True)
    return language.first() or settings.LANGUAGE_CODE


def notification_language_choice(user: Any) -> str:
    """The user's own choice of the mail's language: a code, or "" to follow the site's."""
    if user is None or not getattr(user, "pk", None):
        return ""
    choice = Preference.objects.filter(user_id=user.pk).values_list(
        "notification_language", flat=True
    )
    return choice.first() or ""


def mail_languages(users: list[Any]) -> dict[int, str]:
    """Each user's mail language by id: their notification language, else their language for
    the site, else (no choice made) the site's default."""
    chosen = {
        user_id: notification or language
        for user_id, language, notification in Preference.objects.filter(
            user__in=users
        ).values_list("user_id", "language", "notification_language")
    }
    return {user.pk: chosen.get(user.pk, settings.LANGUAGE_CODE) for user in users}


# --- Who hears of what --------------------------------------------------------------------


@dataclass
class Outgoing:
    """One event ready to mail: what it is about, who hears of it, and what the mail shows.

    ``key`` names the object (``ballot:12``, ``log:345``): an event and key reach each
    recipient once. The mail links to ``link`` (a path) or else to the proposal's page.
    """

    key: str
    recipients: list[Any]
    proposal: Proposal | None = None
    context: dict[str, Any] = field(default_factory=dict)
    link: str | None = None


def active_users(query: Q) -> list[Any]:
    """Active users matching ``query``, each once, in a stable order."""
    return list(get_user_model().objects.filter(query, is_active=True).order_by("pk").distinct())


def _eligible_ids(proposal: Proposal) -> Any:
    """Users who hold the vote on the proposal's open ballot (granted at open, less recusals)."""
    return ProposalUserObjectPermission.objects.filter(
        content_object=proposal,
        permission__codename="vote_proposal",
        permission__content_type__app_label="projects",
    ).values("user_id")


def _sponsor_users(proposal: Proposal) -> Q:
    sponsors = [proposal.sponsor_id, *proposal.co_sponsors.values_list("pk", flat=True)]
    return Q(membership__role=Role.SPONSOR, membership__sponsor_id__in=sponsors)


def _ballot(ballot_id: int) -> Ballot | None:
    return Ballot.objects.select_related("proposal__sponsor").filter(pk=ballot_id).first()


def _ballot_opened(ballot_id: int) -> Outgoing | None:
    ballot = _ballot(ballot_id)
    if ballot is None or ballot.status != Ballot.Status.OPEN:
        return None
    recipients = active_users(Q(pk__in=_eligible_ids(ballot.proposal)))
    return Outgoing(f"ballot:{ballot.pk}", recipients, ballot.proposal, {"ballot": ballot})


def _ballot_reminder(ballot_id: int) -> Outgoing | None:
    ballot = _ballot(ballot_id)
    if ballot is None or ballot.status != Ballot.Status.OPEN or ballot.closes_at is None:
        return None
    voted = Vote.objects.filter(ballot=ballot, voided=False).values("voter_id")
    recipients = active_users(Q(pk__in=_eligible_ids(ballot.proposal)) & ~Q(pk__in=voted))
    return Outgoing(f"ballot:{ballot.pk}", recipients, ballot.proposal, {"ballot": ballot})


def _outcome_audience(ballot: Ballot) -> list[Any]:
    """Voters, both chairs and the proposal's sponsors' users (lead and co-sponsors)."""
    voters = Vote.objects.filter(ballot=ballot, voided=False).values("voter_id")
    return active_users(
        Q(pk__in=voters) | Q(membership__role=Role.CHAIR) | _sponsor_users(ballot.proposal)
    )


def _ballot_closed(ballot_id: int) -> Outgoing | None:
    ballot = _ballot(ballot_id)
    if ballot is None or ballot.status != Ballot.Status.CLOSED:
        return None
    # Outcome and decision date only: never the tally's individual votes or who voted.
    return Outgoing(
        f"ballot:{ballot.pk}",
        _outcome_audience(ballot),
        ballot.proposal,
        {"ballot": ballot, "outcome": Ballot.Outcome(ballot.outcome).label},
    )


def _decision_recorded(ballot_id: int) -> Outgoing | None:
    ballot = _ballot(ballot_id)
    if ballot is None or not ballot.decision_text:
        return None
    return Outgoing(
        f"ballot:{ballot.pk}",
        _outcome_audience(ballot),
        ballot.proposal,
        {"ballot": ballot, "outcome": Ballot.Outcome(ballot.outcome).label},
    )


def _proposal_returned(seq: int) -> Outgoing | None:
    entry = DecisionLogEntry.objects.filter(seq=seq, event="proposal_returned").first()
    proposal = (
        entry
        and Proposal.objects.select_related("sponsor").filter(reference=entry.proposal).first()
    )
    if proposal is None:
        return None
    # Only the lead sponsor's users: a returned proposal is a draft again, which co-sponsors
    # may not see (docs/roles.md), so a mail linking to it would lead them to a 404.
    return Outgoing(
        f"log:{entry.seq}",
        active_users(Q(membership__role=Role.SPONSOR, membership__sponsor_id=proposal.sponsor_id)),
        proposal,
        {"comment": entry.data.get("comment", "")},
    )


def _condition_overdue(condition_id: int) -> Outgoing | None:
    condition = (
        Condition.objects.select_related("proposal__sponsor").filter(pk=condition_id).first()
    )
    if condition is None or condition.status != Condition.Status.OVERDUE:
        return None
    return Outgoing(
        f"condition:{condition.pk}",
        active_users(Q(membership__role__in=[Role.STAFF, Role.CHAIR])),
        condition.proposal,
        {"condition": condition},
    )


EVENTS: dict[str, Callable[[int], Outgoing | None]] = {
    "ballot_opened": _ballot_opened,
    "ballot_reminder": _ballot_reminder,
    "ballot_closed": _ballot_closed,
    "decision_recorded": _decision_recorded,
    "proposal_returned": _proposal_returned,
    "condition_overdue": _condition_overdue,
}


# --- Sending ------------------------------------------------------------------------------


def page_url(proposal: Proposal) -> str:
    """The proposal page as an absolute link (``ACCORD_SITE_URL``)."""
    return absolute_url(reverse("proposal-detail", args=[proposal.pk]))


def absolute_url(path: str) -> str:
    """A path of the site as an absolute link (``ACCORD_SITE_URL``)."""
    return settings.ACCORD_SITE_URL.rstrip("/") + path


def _claim(event: str, key: str, user: Any, language: str) -> Notification | None:
    """Insert the row that says this user is told; ``None`` if someone already claimed it."""
    try:
        with transaction.atomic():
            return Notification.objects.create(
                event=event, object_key=key, recipient=user, language=language
            )
    except IntegrityError:
        return None


def render_mail(event: str, context: dict[str, Any], language: str) -> tuple[str, str, str]:
    """Subject, text and HTML of one event's mail in ``language``."""
    with translation.override(language):
        subject = render_to_string(f"notifications/mail/{event}_subject.txt", context)
        text = render_to_string(f"notifications/mail/{event}.txt", context)
        html = render_to_string(f"notifications/mail/{event}.html", context)
    return " ".join(subject.split()), text, html


def notification_send(*, event: str, object_id: int) -> int:
    """Mail one event on one object to each recipient who has not had it yet; return how many."""
    if event not in EVENTS:
        raise ValueError(f"unknown notification event {event!r}")
    outgoing = EVENTS[event](int(object_id))
    return 0 if outgoing is None else outgoing_send(event=event, outgoing=outgoing)


def outgoing_send(*, event: str, outgoing: Outgoing) -> int:
    """Mail ``event`` to each of ``outgoing``'s recipients not yet told of it; return how many."""
    languages = mail_languages(outgoing.recipients)
    if outgoing.link is not None:
        url = absolute_url(outgoing.link)
    elif outgoing.proposal is not None:
        url = page_url(outgoing.proposal)
    else:
        url = absolute_url("/")
    context = {
        **outgoing.context,
        "proposal": outgoing.proposal,
        "url": url,
        "site_url": settings.ACCORD_SITE_URL.rstrip("/"),
    }
    sent = 0
    for user in outgoing.recipients:
        if not user.email:
            continue
        language = languages[user.pk]
        claim = _claim(event, outgoing.key, user, language)
        if claim is None:
            continue
        subject, text, html = render_mail(event, {**context, "recipient": user}, language)
        message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [user.email])
        message.attach_alternative(html, "text/html")
        try:
            message.send()
        except Exception:
            claim.delete()  # not sent: let the retry have it
            raise
        Notification.objects.filter(pk=claim.pk).update(sent_at=timezone.now(), subject=subject)
        sent += 1
    return sent


def deadline_reminders_send(*, now: dt.datetime | None = None) -> list[int]:
    """Remind eligible voters who have not voted, 24 hours before a ballot's deadline."""
    now = now or timezone.now()
    ballots = Ballot.objects.filter(
        status=Ballot.Status.OPEN, closes_at__gt=now, closes_at__lte=now + REMINDER_BEFORE
    ).values_list("pk", flat=True)
    reminded = []
    for ballot_id in list(ballots):
        if notification_send(event="ballot_reminder", object_id=ballot_id):
            reminded.append(ballot_id)
    return reminded
