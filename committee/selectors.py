"""Reads of the committee's record, always filtered by the permission policy."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from committee import permissions
from core.errors import Invalid, NotAllowed, object_pk
from core.log_events import codes_matching
from core.models import DecisionLogEntry
from core.roles import VOTERS, role_of
from projects import permissions as proposal_permissions
from projects.models import Proposal, Status

from .models import Ballot, Condition, Conflict, Note, Review, Vote


def reviews_for(*, user: Any, proposal: Proposal) -> QuerySet[Review]:
    """Reviews on the proposal that the user may read."""
    proposal_permissions.require(
        permissions.can_read_record(user, proposal), _("Reviews are not shown to you.")
    )
    return (
        Review.objects.filter(proposal=proposal)
        .filter(permissions.record_visibility_q(user))
        .select_related("author")
    )


def notes_for(*, user: Any, proposal: Proposal) -> QuerySet[Note]:
    """Notes on the proposal that the user may read."""
    proposal_permissions.require(
        permissions.can_read_record(user, proposal), _("Notes are not shown to you.")
    )
    return (
        Note.objects.filter(proposal=proposal)
        .filter(permissions.record_visibility_q(user))
        .select_related("author")
    )


def conflicts_for(*, user: Any, proposal: Proposal) -> QuerySet[Conflict]:
    proposal_permissions.require(
        permissions.can_read_record(user, proposal), _("Not shown to you.")
    )
    return Conflict.objects.filter(proposal=proposal).select_related("user")


def latest_ballot(proposal: Proposal) -> Ballot | None:
    return Ballot.objects.filter(proposal=proposal).order_by("-opened_at", "-id").first()


def ballot_summary(*, user: Any, proposal: Proposal) -> dict[str, Any] | None:
    """The latest ballot; the sponsor sees status and outcome only (docs/voting.md)."""
    ballot = latest_ballot(proposal)
    if ballot is None:
        return None
    closed = ballot.status == Ballot.Status.CLOSED
    if not permissions.can_read_record(user, proposal):
        return {"status": ballot.status, "outcome": ballot.outcome or None}
    cast = dict.fromkeys(("US", "JP"), 0)
    for row in (
        Vote.objects.filter(ballot=ballot, voided=False)
        .values("delegation")
        .annotate(n=Count("id"))
    ):
        cast[row["delegation"]] = row["n"]
    summary = {
        "status": ballot.status,
        "opened_at": ballot.opened_at,
        "closes_at": ballot.closes_at,
        "closed_at": ballot.closed_at,
        "eligible": {"US": ballot.eligible_us, "JP": ballot.eligible_jp},
        "cast": cast,
        "tally": ballot.tally if closed else None,
        "outcome": ballot.outcome or None if closed else None,
        "rule": ballot.rule,
        "package_sha256": _package_sha256(ballot),
    }
    if closed:
        summary["votes"] = ballot_votes(ballot)
    return summary


def ballot_votes(ballot: Ballot) -> list[dict[str, str]]:
    """The named votes of a closed ballot with their reasons, by delegation then voter."""
    votes = (
        Vote.objects.filter(ballot=ballot, voided=False)
        .select_related("voter")
        .order_by("delegation", "id")
    )
    return [vote_record(v) for v in votes]


def vote_record(vote: Vote) -> dict[str, str]:
    """One vote as the ballot JSON and the close entry show it: who, how and why."""
    return {
        "voter": vote.voter.get_username(),
        "name": vote.voter.get_full_name() or vote.voter.get_username(),
        "delegation": vote.delegation,
        "choice": vote.choice,
        "rationale": vote.rationale,
    }


def _package_sha256(ballot: Ballot) -> str | None:
    """The SHA-256 of the decision package frozen when the ballot opened (documents app)."""
    # The digest alone: the package's canonical JSON (reviews, documents) can be large.
    packages = Ballot._meta.get_field("package").related_model.objects
    return packages.filter(ballot=ballot).values_list("sha256", flat=True).first()


def my_vote(*, user: Any, proposal: Proposal) -> Vote | None:
    """The user's standing vote on the proposal's open ballot, if any."""
    if role_of(user) not in VOTERS:
        return None
    return Vote.objects.filter(
        ballot__proposal=proposal, ballot__status=Ballot.Status.OPEN, voter=user, voided=False
    ).first()


def _moment(value: Any, field: str, *, end: bool = False) -> dt.datetime | None:
    """Parse a filter bound: a day (whole day, inclusive) or an ISO 8601 moment."""
    if value in (None, ""):
        return None
    text = str(value)
    try:
        moment = parse_datetime(text) if "T" in text else None
        day = None if moment else parse_date(text)
    except ValueError:
        moment = day = None
    if moment is None and day is None:
        message = _(
            "“%(value)s” cannot be read as a date: write it as YYYY-MM-DD (e.g. 2026-02-12) "
            "or as an ISO 8601 time."
        ) % {"value": text[:40]}
        raise Invalid(message, detail={field: [message]})
    if moment is None:
        moment = dt.datetime.combine(day, dt.time.max if end else dt.time.min)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    # In UTC: PostgreSQL refuses offsets past ±15:59 that ISO 8601 allows (e.g. +22:32), and
    # a moment past the calendar's ends in UTC bounds nothing.
    try:
        return moment.astimezone(dt.UTC)
    except OverflowError:
        edge = dt.datetime.max if moment.year > 1 else dt.datetime.min
        return edge.replace(tzinfo=dt.UTC)


def decision_log_filter(
    rows: QuerySet[DecisionLogEntry], filters: Mapping[str, Any]
) -> QuerySet[DecisionLogEntry]:
    """Apply the log's filters: proposal reference, event, since and until (inclusive)."""
    for field in ("proposal", "event"):
        if "\x00" in str(filters.get(field) or ""):
            # PostgreSQL cannot compare a text with a NUL in it (forms and the API's query
            # serializer refuse one; the export command passes its arguments straight here).
            message = _("Remove the NUL character.")
            raise Invalid(message, detail={field: [message]})
    reference = str(filters.get("proposal") or "").strip()
    if reference:
        rows = rows.filter(proposal__iexact=reference)
    event = str(filters.get("event") or "").strip()
    if event:
        # A code, or any part of an event's name in the reader's language or in English.
        rows = rows.filter(event__in=[event, *codes_matching(event)])
    since = _moment(filters.get("since"), "since")
    until = _moment(filters.get("until"), "until", end=True)
    if since:
        rows = rows.filter(at__gte=since)
    if until:
        rows = rows.filter(at__lte=until)
    return rows


def decision_log_entries(*, user: Any, filters: Mapping[str, Any]) -> QuerySet[DecisionLogEntry]:
    """Entries the user may read: those about proposals they can see, and program-wide ones."""
    proposal_permissions.require(
        permissions.can_read_decision_log(user), _("The decision log is not shown to you.")
    )
    visible = proposal_permissions.visible_proposals(user).values("reference")
    rows = DecisionLogEntry.objects.filter(Q(proposal__isnull=True) | Q(proposal__in=visible))
    return decision_log_filter(rows, filters).order_by("seq")


def decision_log_export_rows(
    *, user: Any, filters: Mapping[str, Any]
) -> QuerySet[DecisionLogEntry]:
    """Every entry in range: the auditor's copy is the whole chain, for staff only."""
    if not permissions.can_export_decision_log(user):
        raise NotAllowed(_("Only secretariat staff export the decision log."))
    return decision_log_filter(DecisionLogEntry.objects.all(), filters).order_by("seq")


# Who voted, who recused and how each voted are the committee's record, not the sponsor's.
COMMITTEE_ONLY_EVENTS = ("vote_cast", "vote_changed", "vote_voided", "conflict_declared")


def timeline(*, user: Any, proposal: Proposal) -> list[DecisionLogEntry]:
    """The proposal's history from the log, oldest first, as much of it as the user may read."""
    proposal_permissions.require_view(user, proposal)
    rows = DecisionLogEntry.objects.filter(proposal=proposal.reference).order_by("seq")
    if permissions.can_read_record(user, proposal):
        return with_actor_names(list(rows))
    entries = list(rows.exclude(event__in=COMMITTEE_ONLY_EVENTS))
    for entry in entries:
        if isinstance(entry.data, dict) and "votes" in entry.data:
            entry.data = {k: v for k, v in entry.data.items() if k != "votes"}
    return with_actor_names(entries)


def with_actor_names(entries: list[DecisionLogEntry]) -> list[DecisionLogEntry]:
    """Give each entry an ``actor_name``: the actor's full name (one query for the lot)."""
    usernames = {entry.actor for entry in entries}
    names = {
        username: f"{first} {last}".strip()
        for username, first, last in get_user_model()
        .objects.filter(username__in=usernames)
        .values_list("username", "first_name", "last_name")
    }
    for entry in entries:
        entry.actor_name = names.get(entry.actor) or (
            _("System") if entry.actor == "system" else entry.actor
        )
    return entries


def my_work(*, user: Any) -> dict[str, list[Proposal]]:
    """What waits for the user, by role: the home page's lists."""
    role = role_of(user)
    visible = (
        proposal_permissions.visible_proposals(user)
        .select_related("sponsor")
        .order_by("-created_at")
    )
    work: dict[str, list[Proposal]] = {}
    if role == "sponsor":
        work["drafts"] = list(visible.filter(status=Status.DRAFT)[:50])
        work["in_progress"] = list(
            visible.exclude(status__in=[Status.DRAFT, Status.WITHDRAWN, Status.CLOSED])[:50]
        )
    elif role == "staff":
        work["to_screen"] = list(visible.filter(status=Status.SUBMITTED)[:50])
        work["to_fund"] = list(visible.filter(status__in=[Status.APPROVED, Status.FUNDING])[:50])
        work["conditions_due"] = conditions_due(user=user)
    elif role in VOTERS:
        voted = Vote.objects.filter(
            voter=user, voided=False, ballot__status=Ballot.Status.OPEN
        ).values("ballot__proposal_id")
        eligible = proposal_permissions.votable_proposals(
            user, visible.filter(status=Status.VOTING)
        )
        work["to_vote"] = list(eligible.exclude(pk__in=voted)[:50])
        reviewed = Review.objects.filter(author=user).values("proposal_id")
        work["to_review"] = list(
            visible.filter(status=Status.IN_REVIEW).exclude(pk__in=reviewed)[:50]
        )
        if role == "chair":
            work["ballots_open"] = list(visible.filter(status=Status.VOTING)[:50])
            work["conditions_due"] = conditions_due(user=user)
    elif role == "observer":
        work["under_way"] = list(visible.filter(status__in=[Status.IN_REVIEW, Status.VOTING])[:50])
    return work


# --- Conditions of approval (docs/lifecycle.md) ----------------------------------------

CONDITION_SOON = 14  # days: the home page lists conditions due this soon, and overdue ones


def conditions_for(*, user: Any, proposal: Proposal) -> QuerySet[Condition]:
    """The proposal's conditions: whoever may see the proposal sees its conditions."""
    proposal_permissions.require_view(user, proposal)
    return Condition.objects.filter(proposal=proposal).order_by("due", "id")


def conditions_unsatisfied(proposal: Proposal) -> list[Condition]:
    """Conditions that still hold funding back: open or overdue (not satisfied or withdrawn)."""
    return list(
        Condition.objects.filter(proposal=proposal)
        .exclude(status__in=[Condition.Status.SATISFIED, Condition.Status.WITHDRAWN])
        .order_by("due", "id")
    )


def conditions_due(*, user: Any, within_days: int = CONDITION_SOON) -> list[Condition]:
    """Unsatisfied conditions due within ``within_days`` or overdue, on visible proposals."""
    limit = timezone.localdate() + dt.timedelta(days=within_days)
    visible = proposal_permissions.visible_proposals(user).values("pk")
    return list(
        Condition.objects.filter(proposal__in=visible)
        .filter(
            Q(status=Condition.Status.OVERDUE) | Q(status=Condition.Status.OPEN, due__lte=limit)
        )
        .select_related("proposal__sponsor")
        .order_by("due", "id")[:50]
    )


def decision_for(*, user: Any, proposal: Proposal) -> Ballot | None:
    """The latest closed ballot with an outcome, carrying the decision text if recorded."""
    proposal_permissions.require_view(user, proposal)
    return (
        Ballot.objects.filter(proposal=proposal, status=Ballot.Status.CLOSED)
        .exclude(outcome=Ballot.Outcome.NO_QUORUM)
        .select_related("decision_by")
        .order_by("-opened_at", "-id")
        .first()
    )


def condition_get(*, user: Any, condition_id: Any) -> Condition:
    """One condition, if the user may see its proposal; otherwise ``NotVisible``."""
    pk = object_pk(condition_id)
    condition = Condition.objects.select_related("proposal__sponsor").filter(pk=pk).first()
    proposal_permissions.require_view(user, condition.proposal if condition else None)
    return condition
