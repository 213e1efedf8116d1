"""Mail driven by the decision log: every entry whose event calls for mail is mailed, once.

How it runs
-----------
``DispatchCursor`` holds the ``seq`` of the last entry handled. ``decision_log_dispatch``
reads the entries after it whose event has a handler in ``MAIL``, sends what each calls for
and moves the cursor on. It runs

- on commit: ``decision_log_append`` sends ``entry_appended``; ``receivers.dispatch_on_commit``
  (connected in ``NotificationsConfig.ready``) queues the ``dispatch_decision_log`` task for
  when the transaction commits, if the entry's event is in ``MAIL``;
- from Celery beat every minute, as a safety net: an entry whose task could not be queued
  (the broker was down at commit) or whose mail failed is mailed by the next sweep.

Each recipient is told once. ``outgoing_send`` claims a ``Notification`` row (unique on
event, key and recipient) and commits it before the mail leaves, so two dispatchers reading
the same entry at once, or a sweep re-reading an entry after a crash, send nothing twice.
The cursor row is locked (``select_for_update``) while it is read and while it moves, not
while mail is sent: a claim has to commit before its mail leaves, and on SQLite a transaction
held open over SMTP would stop every other writer. The cursor moves past an entry only once
its mail went out; a failure that passes (SMTP or database down) stops the run there and the
retry or the next sweep takes it up again. A handler that fails otherwise (a bug) is logged
and its entry skipped, so one bad entry cannot hold up every later mail.

Mail for a new event
--------------------
Write one function in this module, registered for the log event it answers::

    @mail_for("limit_breached")
    def limit_breached(entry: DecisionLogEntry) -> Outgoing | None:
        return Outgoing(
            key=f"log:{entry.seq}",
            recipients=active_users(Q(membership__role__in=[Role.STAFF, Role.CHAIR])),
            link=reverse("exposure"),
            context={"limit": entry.data["limit"]},
        )

and its three templates, ``notifications/mail/limit_breached_subject.txt``, ``.txt`` and
``.html``, rendered in each recipient's language with ``context`` plus ``url``, ``proposal``
and ``recipient`` (their strings wrapped for translation, the Japanese in notifications/locale). An
HTML template extending ``notifications/mail/base.html`` overrides its ``heading`` and
``link_label`` blocks when the mail is not about a proposal. ``key`` names what the mail is
about: the same event and key never reach a recipient twice. Return ``None`` when the entry
no longer calls for mail (the ballot it announces has closed since, say). The service that
appends the entry changes in nothing: an entry with that event is mailed once it commits.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import Max, Q
from django.urls import reverse

from core.models import DecisionLogEntry, Role
from projects.models import Proposal

from . import services
from .models import DispatchCursor, Notification
from .services import TRANSIENT, Outgoing

logger = logging.getLogger(__name__)

Handler = Callable[[DecisionLogEntry], Outgoing | None]

# Log event -> the function that says what mail an entry of that event calls for.
MAIL: dict[str, Handler] = {}

# Entries read per locked look at the cursor.
BATCH = 100


def mail_for(event: str) -> Callable[[Handler], Handler]:
    """Register the decorated function as the mail that entries of ``event`` call for."""

    def register(handler: Handler) -> Handler:
        if len(event) > Notification._meta.get_field("event").max_length:
            raise ImproperlyConfigured(f"the log event {event!r} is too long to claim mail for")
        if event in MAIL and MAIL[event] is not handler:
            raise ImproperlyConfigured(f"two mail handlers for the log event {event!r}")
        MAIL[event] = handler
        return handler

    return register


# --- What each event calls for ----------------------------------------------------------


@mail_for("ballot_opened")
def ballot_opened(entry: DecisionLogEntry) -> Outgoing | None:
    """Every eligible voter, while the ballot is still open."""
    return services.EVENTS["ballot_opened"](entry.data["ballot"])


@mail_for("ballot_closed")
def ballot_closed(entry: DecisionLogEntry) -> Outgoing | None:
    """Voters, both chairs and the proposal's sponsors: the outcome only."""
    return services.EVENTS["ballot_closed"](entry.data["ballot"])


@mail_for("decision_recorded")
def decision_recorded(entry: DecisionLogEntry) -> Outgoing | None:
    """The same audience as the outcome, with the decision's text."""
    return services.EVENTS["decision_recorded"](entry.data["ballot"])


@mail_for("proposal_returned")
def proposal_returned(entry: DecisionLogEntry) -> Outgoing | None:
    """The lead sponsor's users, with the secretariat's comment."""
    return services.EVENTS["proposal_returned"](entry.seq)


@mail_for("condition_overdue")
def condition_overdue(entry: DecisionLogEntry) -> Outgoing | None:
    """Staff and chairs of both delegations, while the condition is still overdue."""
    return services.EVENTS["condition_overdue"](entry.data["condition"])


@mail_for("true_up_arose")
def true_up_arose(entry: DecisionLogEntry) -> Outgoing | None:
    """Staff and chairs of both delegations: a change restated a project's profit split, and
    one country now owes the other (the amounts as the entry states them)."""
    proposal = Proposal.objects.select_related("sponsor").filter(reference=entry.proposal).first()
    if proposal is None:
        return None
    return Outgoing(
        key=f"log:{entry.seq}",
        recipients=services.active_users(Q(membership__role__in=[Role.STAFF, Role.CHAIR])),
        proposal=proposal,
        context={"japan": entry.data.get("japan"), "us": entry.data.get("us")},
    )


@mail_for("limit_breached")
def limit_breached(entry: DecisionLogEntry) -> Outgoing | None:
    """Staff and chairs of both delegations, while the breach stands (a rate took the
    commitments over a program limit; it is logged again only after it clears)."""
    cleared = DecisionLogEntry.objects.filter(
        seq__gt=entry.seq, event="limit_cleared", data__limit=entry.data.get("limit")
    )
    if cleared.exists():
        return None
    return Outgoing(
        key=f"log:{entry.seq}",
        recipients=services.active_users(Q(membership__role__in=[Role.STAFF, Role.CHAIR])),
        link=reverse("exposure"),
        context={"breach": entry.data},
    )


# --- The cursor -------------------------------------------------------------------------


def _locked_cursor() -> DispatchCursor:
    # A missing row (a database flushed by tests) starts from the beginning of the log.
    cursor, _created = DispatchCursor.objects.select_for_update().get_or_create(id=1)
    return cursor


def _next_entries() -> tuple[list[DecisionLogEntry], int | None]:
    """The next entries that call for mail, and the ``seq`` the cursor may reach after them.

    The second value is ``None`` while more entries wait beyond this batch. Appends are
    serialised on the chain's head, so every entry up to the last committed one is visible.
    """
    with transaction.atomic():
        cursor = _locked_cursor()
        last = DecisionLogEntry.objects.aggregate(last=Max("seq"))["last"] or 0
        entries = list(
            DecisionLogEntry.objects.filter(
                seq__gt=cursor.seq, seq__lte=last, event__in=list(MAIL)
            ).order_by("seq")[:BATCH]
        )
    return entries, (last if len(entries) < BATCH else None)


def _cursor_move(seq: int) -> None:
    """Move the cursor forward to ``seq`` (never back: another run may be further on)."""
    with transaction.atomic():
        cursor = _locked_cursor()
        if cursor.seq < seq:
            cursor.seq = seq
            cursor.save(update_fields=["seq", "moved_at"])


def entry_send(entry: DecisionLogEntry) -> int:
    """Send the mail one entry calls for to whoever has not had it; return how many."""
    handler = MAIL.get(entry.event)
    outgoing = handler(entry) if handler else None
    if outgoing is None:
        return 0
    return services.outgoing_send(event=entry.event, outgoing=outgoing)


def decision_log_dispatch() -> int:
    """Send the mail every entry after the cursor calls for, moving it on; return how many."""
    sent = 0
    while True:
        entries, end = _next_entries()
        for entry in entries:
            try:
                sent += entry_send(entry)
            except TRANSIENT:
                raise  # the cursor stays before this entry: the retry or the sweep sends it
            except Exception:
                logger.exception("mail for decision log entry %s failed; skipped", entry.seq)
            _cursor_move(entry.seq)
        if end is not None:
            _cursor_move(end)
            return sent
