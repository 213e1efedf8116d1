"""Writes of the committee: memberships, ballots, votes, conflicts, reviews and notes.

Each public service is one transaction: lock, check the policy, save, append to the log.
The ballot's opening and closing and the conditions guard on ``start_funding`` are steps of
the lifecycle's transitions (``register_transition_steps``, called from ``apps.py``): they run
inside ``projects.services.proposal_transition``'s transaction.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from committee import permissions
from core import inputs
from core.decision_log import decision_log_append
from core.errors import Invalid, InvalidState, object_pk
from core.inputs import Reader
from core.models import DecisionLogEntry, Delegation, Membership, Role, Visibility
from core.roles import (
    DELEGATION_ROLES,
    DELEGATIONS,
    VOTERS,
    delegation_group_name,
    membership_of,
    role_of,
)
from projects import permissions as proposal_permissions
from projects import workflow
from projects.models import Proposal, Sponsor
from projects.services import proposal_transition

from . import rules, selectors
from .exports import FORMATS
from .exports import LANGUAGES as EXPORT_LANGUAGES
from .models import Ballot, Condition, Conflict, Note, Review, Vote

SCORE_FIELDS = ("strategic_fit", "financial_viability", "risk", "execution")
RECOMMENDATIONS = ("approve", "approve_with_conditions", "reject")


# --- Memberships ------------------------------------------------------------------------


def delegation_groups() -> dict[tuple[str, str], Group]:
    """Return the eight delegation-role groups, creating any that are missing."""
    wanted = {(d, r): delegation_group_name(d, r) for d in DELEGATIONS for r in DELEGATION_ROLES}
    existing = {g.name: g for g in Group.objects.filter(name__in=wanted.values())}
    for name in set(wanted.values()) - set(existing):
        existing[name] = Group.objects.get_or_create(name=name)[0]
    return {key: existing[name] for key, name in wanted.items()}


@transaction.atomic
def membership_assign(
    *, user: Any, role: str, delegation: str = "", sponsor: Sponsor | None = None
) -> Membership:
    """Give ``user`` its one role, and put it in exactly the groups that role implies."""
    if role not in Role.values:
        raise Invalid(_("Unknown role “%(role)s”.") % {"role": role}, detail={"role": [role]})
    if role == Role.SPONSOR:
        if sponsor is None:
            raise Invalid(_("A sponsor user needs a sponsor organisation."))
        delegation = ""
    else:
        if delegation not in Delegation.values:
            raise Invalid(
                _("Unknown delegation “%(delegation)s”: use US or JP.") % {"delegation": delegation}
            )
        sponsor = None
    membership, _created = Membership.objects.update_or_create(
        user=user, defaults={"role": role, "delegation": delegation, "sponsor": sponsor}
    )
    groups = delegation_groups()
    # Leave every group Accord manages (delegation roles, sponsors), then join the one that fits.
    user.groups.remove(*groups.values(), *Group.objects.filter(sponsor__isnull=False))
    user.groups.add(sponsor.group if sponsor is not None else groups[(delegation, role)])
    user.__dict__.pop("_accord_membership", None)
    proposal_permissions.forget_cached_perms(user)
    return membership


# --- Ballots (inside proposal_transition's transaction) ------------------------------


def _open_ballot(proposal: Proposal, *, lock: bool = False) -> Ballot | None:
    ballots = Ballot.objects.filter(proposal=proposal, status=Ballot.Status.OPEN)
    if lock:
        ballots = ballots.select_for_update()
    return ballots.first()


def ballot_open(*, proposal: Proposal, user: Any, closes_at: dt.datetime | None) -> dict:
    """Open a ballot; its voters are the members and chairs now, less the conflicted."""
    now = timezone.now()
    if closes_at is not None and closes_at <= now:
        raise Invalid(
            _("The closing time must be in the future."),
            detail={"closes_at": [_("The closing time must be in the future.")]},
        )
    recused = Conflict.objects.filter(proposal=proposal).values("user_id")
    voters = list(
        Membership.objects.filter(role__in=VOTERS, user__is_active=True)
        .exclude(user_id__in=recused)
        .select_related("user")
    )
    eligible = {d: sum(1 for m in voters if m.delegation == d) for d in DELEGATIONS}
    ballot = Ballot.objects.create(
        proposal=proposal,
        rule=_voting_rule(),
        opened_by=user,
        opened_at=now,
        closes_at=closes_at,
        eligible_us=eligible["US"],
        eligible_jp=eligible["JP"],
    )
    proposal_permissions.grant_votes(proposal, [m.user for m in voters])
    return {"ballot": ballot.pk, "rule": ballot.rule, "closes_at": closes_at, "eligible": eligible}


def _voting_rule() -> str:
    return settings.ACCORD_VOTING_RULE


def ballot_close(*, proposal: Proposal) -> dict:
    """Close the open ballot, tally it and take the vote away from everyone."""
    ballot = _open_ballot(proposal, lock=True)
    if ballot is None:  # pragma: no cover - the lifecycle table guarantees one
        raise InvalidState(_("There is no open ballot."))
    votes = list(
        ballot.votes.filter(voided=False).select_related("voter").order_by("delegation", "id")
    )
    result = rules.tally(
        [(v.delegation, v.choice) for v in votes],
        {"US": ballot.eligible_us, "JP": ballot.eligible_jp},
        ballot.rule,
    )
    ballot.status = Ballot.Status.CLOSED
    ballot.closed_at = timezone.now()
    ballot.tally = result.counts
    ballot.outcome = result.outcome
    ballot.save()
    proposal_permissions.revoke_votes(proposal)
    return {
        "ballot": ballot.pk,
        "rule": ballot.rule,
        "outcome": result.outcome,
        "eligible": result.eligible,
        "tally": result.counts,
        # Named votes with their reasons: the record the committee reads once the ballot closes.
        "votes": [selectors.vote_record(v) for v in votes],
    }


def _ballot_open_step(context: workflow.TransitionContext) -> None:
    context.data.update(
        ballot_open(
            proposal=context.proposal,
            user=context.user,
            closes_at=context.options.get("closes_at"),
        )
    )


def _ballot_close_step(context: workflow.TransitionContext) -> None:
    result = ballot_close(proposal=context.proposal)
    context.data.update(result)
    context.outcome = result["outcome"]


def _conditions_guard_step(context: workflow.TransitionContext) -> None:
    """Funding waits for every condition of approval (an overdue one is not met)."""
    unmet = selectors.conditions_unsatisfied(context.proposal)
    if unmet:
        raise InvalidState(
            _("Funding cannot start while conditions of approval are not satisfied: %(list)s")
            % {
                "list": _("; ").join(
                    _("“%(text)s” (due %(due)s)") % {"text": c.text, "due": c.due.isoformat()}
                    for c in unmet
                )
            },
            detail={"conditions": [c.text for c in unmet]},
        )


def register_transition_steps() -> None:
    """Attach the committee's part of the lifecycle's transitions."""
    workflow.register_step("open_ballot", app_label="committee", order=10, run=_ballot_open_step)
    workflow.register_step("close_ballot", app_label="committee", order=10, run=_ballot_close_step)
    workflow.register_step(
        "start_funding", app_label="committee", order=10, run=_conditions_guard_step
    )


def ballots_close_due(*, now: dt.datetime | None = None) -> list[str]:
    """Close every ballot whose ``closes_at`` has passed, each in its own transaction.

    Safe to run twice or beside a chair closing by hand: a proposal that is no longer in
    ``voting`` by the time its row is locked is left alone.
    """
    now = now or timezone.now()
    due = (
        Ballot.objects.filter(status=Ballot.Status.OPEN, closes_at__lte=now)
        .values_list("proposal_id", flat=True)
        .order_by("closes_at")
    )
    closed = []
    for proposal_id in list(due):
        try:
            proposal = proposal_transition(
                user=None, proposal_id=proposal_id, action="close_ballot"
            )
        except InvalidState:
            continue  # closed meanwhile by its chair
        closed.append(proposal.reference)
    return closed


def _proposal_for(user: Any, proposal_id: Any, *, lock: bool = False) -> Proposal:
    pk = object_pk(proposal_id)
    rows = Proposal.objects.select_related("sponsor")
    if lock:
        rows = rows.select_for_update()
    return proposal_permissions.require_view(user, rows.filter(pk=pk).first())


@transaction.atomic
def vote_cast(*, user: Any, proposal_id: Any, body: Reader | None = None, **given: Any) -> Vote:
    """Cast or change the user's vote on the proposal's open ballot.

    The input (``_vote_write``'s keywords) is read once the voter's role is checked
    (core/inputs.py).
    """
    proposal = _proposal_for(user, proposal_id, lock=True)
    proposal_permissions.require(role_of(user) in VOTERS, _("Only members and chairs vote."))
    return _vote_write(user=user, proposal=proposal, **inputs.read(body, given))


def _vote_write(*, user: Any, proposal: Proposal, choice: str, rationale: str = "") -> Vote:
    ballot = _open_ballot(proposal, lock=True)
    if ballot is None or (ballot.closes_at and ballot.closes_at <= timezone.now()):
        raise InvalidState(_("No ballot is open on this proposal."))
    proposal_permissions.require(
        permissions.can_vote(user, proposal),
        _("You are not eligible to vote on this ballot, or you have recused yourself."),
    )
    if choice not in Vote.Choice.values:
        raise Invalid(
            _("Choose for, against or abstain."), detail={"choice": [_("Invalid choice.")]}
        )
    vote = Vote.objects.filter(ballot=ballot, voter=user).first()
    event = "vote_changed" if vote else "vote_cast"
    if vote is None:
        vote = Vote(ballot=ballot, voter=user, delegation=membership_of(user).delegation)
    else:
        vote.voter = user  # the voter in hand: rendering the vote needs no query for it
    vote.choice = choice
    vote.rationale = rationale or ""
    vote.save()
    # The choice stays secret until the ballot closes; the close entry records every vote.
    decision_log_append(
        actor=user,
        event=event,
        proposal=proposal.reference,
        data={"ballot": ballot.pk, "delegation": vote.delegation},
    )
    return vote


@transaction.atomic
def conflict_declare(
    *, user: Any, proposal_id: Any, body: Reader | None = None, **given: Any
) -> Conflict:
    """Recuse the user from the proposal: no vote now or on any later ballot.

    The input (``reason``) is read once the policy allows (core/inputs.py).
    """
    proposal = _proposal_for(user, proposal_id, lock=True)
    proposal_permissions.require(
        permissions.can_declare_conflict(user, proposal),
        _("Only members and chairs declare conflicts."),
    )
    return _conflict_write(user=user, proposal=proposal, **inputs.read(body, given))


def _conflict_write(*, user: Any, proposal: Proposal, reason: str) -> Conflict:
    reason = (reason or "").strip()
    if not reason:
        raise Invalid(_("Give a reason."), detail={"reason": [_("Give a reason.")]})
    if proposal.status not in proposal_permissions.REVIEWABLE:
        raise InvalidState(_("Conflicts are declared while a proposal is in review or voting."))
    if Conflict.objects.filter(proposal=proposal, user=user).exists():
        raise InvalidState(_("You have already declared a conflict on this proposal."))
    conflict = Conflict.objects.create(proposal=proposal, user=user, reason=reason)
    ballot = _open_ballot(proposal, lock=True)
    if ballot is not None and permissions.can_vote(user, proposal):
        field = "eligible_us" if membership_of(user).delegation == "US" else "eligible_jp"
        setattr(ballot, field, getattr(ballot, field) - 1)
        ballot.save(update_fields=[field])
        voided = Vote.objects.filter(ballot=ballot, voter=user, voided=False).update(voided=True)
        if voided:
            decision_log_append(
                actor=user,
                event="vote_voided",
                proposal=proposal.reference,
                data={"ballot": ballot.pk, "reason": "conflict declared"},
            )
    proposal_permissions.revoke_votes(proposal, [user])
    proposal_permissions.forget_cached_perms(user)
    decision_log_append(
        actor=user, event="conflict_declared", proposal=proposal.reference, data={"reason": reason}
    )
    return conflict


# --- Reviews and notes ------------------------------------------------------------------


def _visibility(value: str) -> str:
    if value not in Visibility.values:
        raise Invalid(
            _("Visibility must be committee or delegation."),
            detail={"visibility": [_("Choose committee or delegation.")]},
        )
    return value


@transaction.atomic
def review_submit(
    *, user: Any, proposal_id: Any, body: Reader | None = None, **given: Any
) -> Review:
    """Write, or replace, the user's review of a proposal in review or voting.

    The input (``_review_write``'s keywords) is read once the policy allows (core/inputs.py).
    """
    proposal = _proposal_for(user, proposal_id)
    proposal_permissions.require(
        permissions.can_review(user, proposal), _("Only members and chairs review.")
    )
    return _review_write(user=user, proposal=proposal, **inputs.read(body, given))


def _review_write(
    *,
    user: Any,
    proposal: Proposal,
    scores: dict[str, int],
    recommendation: str,
    comments: str = "",
    visibility: str = Visibility.COMMITTEE,
) -> Review:
    if proposal.status not in proposal_permissions.REVIEWABLE:
        raise InvalidState(_("Reviews are written while a proposal is in review or voting."))
    problems: dict[str, list[str]] = {}
    for name in SCORE_FIELDS:
        value = scores.get(name) if isinstance(scores, dict) else None
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
            problems[f"scores.{name}"] = [_("A whole number from 1 to 5.")]
    if recommendation not in RECOMMENDATIONS:
        problems["recommendation"] = [_("Choose approve, approve_with_conditions or reject.")]
    if problems:
        raise Invalid(_("Check the review."), detail=problems)
    review, _created = Review.objects.update_or_create(
        proposal=proposal,
        author=user,
        defaults={
            "delegation": membership_of(user).delegation,
            "visibility": _visibility(visibility),
            "recommendation": recommendation,
            "comments": comments or "",
            **{name: scores[name] for name in SCORE_FIELDS},
        },
    )
    return review


@transaction.atomic
def note_add(*, user: Any, proposal_id: Any, body: Reader | None = None, **given: Any) -> Note:
    """Add a deliberation note for the committee or for the author's delegation only.

    The input (``text``, ``visibility``) is read once the policy allows (core/inputs.py).
    """
    proposal = _proposal_for(user, proposal_id)
    proposal_permissions.require(
        permissions.can_write_note(user, proposal),
        _("Only members, chairs and secretariat staff write notes."),
    )
    return _note_write(user=user, proposal=proposal, **inputs.read(body, given))


def _note_write(*, user: Any, proposal: Proposal, text: str, visibility: str) -> Note:
    text = (text or "").strip()
    if not text:
        raise Invalid(_("Write something."), detail={"text": [_("The note is empty.")]})
    return Note.objects.create(
        proposal=proposal,
        author=user,
        delegation=membership_of(user).delegation,
        visibility=_visibility(visibility),
        text=text,
    )


# --- Decision log exports ---------------------------------------------------------------


@transaction.atomic
def decision_log_export(*, user: Any, fmt: str, filters: dict[str, Any], lang: str = "en"):
    """Record an export and return the entries it covers (up to and including its own).

    ``user=None`` is the operator at the server's shell (``export_decision_log``).
    ``lang`` is the language of the typed columns' labels (the hashed columns have none).
    """
    if fmt not in FORMATS:
        raise Invalid(
            _("Format must be csv, jsonl or xlsx."),
            detail={"format": [_("Use csv, jsonl or xlsx.")]},
        )
    if lang not in EXPORT_LANGUAGES:
        raise Invalid(_("Language must be en or ja."), detail={"lang": [_("Use en or ja.")]})
    if user is None:
        rows = selectors.decision_log_filter(DecisionLogEntry.objects.all(), filters)
    else:
        rows = selectors.decision_log_export_rows(user=user, filters=filters)
    entry = decision_log_append(
        actor=user,
        event="decision_log_exported",
        data={
            "format": fmt,
            **({"lang": lang} if fmt != "jsonl" else {}),
            **{k: str(v) for k, v in filters.items() if v not in (None, "")},
        },
    )
    return rows.filter(seq__lte=entry.seq).order_by("seq")


# --- Conditions of approval and the recorded decision (docs/lifecycle.md) ----------------


def _due_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value.strip())
        except ValueError:
            value = None
    if not isinstance(value, dt.date):
        message = _("Give the due date as YYYY-MM-DD.")
        raise Invalid(message, detail={"due": [message]})
    if value < timezone.localdate():
        message = _("The due date cannot be in the past.")
        raise Invalid(message, detail={"due": [message]})
    return value


@transaction.atomic
def condition_add(
    *, user: Any, proposal_id: Any, body: Reader | None = None, **given: Any
) -> Condition:
    """Attach a condition of approval to an approved (or later) proposal.

    The input (``text``, ``due``) is read once the policy allows (core/inputs.py).
    """
    proposal = _proposal_for(user, proposal_id, lock=True)
    proposal_permissions.require(
        permissions.can_add_condition(user, proposal),
        _("Only chairs and secretariat staff set conditions of approval."),
    )
    return _condition_add_write(user=user, proposal=proposal, **inputs.read(body, given))


def _condition_add_write(*, user: Any, proposal: Proposal, text: str, due: Any) -> Condition:
    if proposal.status not in permissions.CONDITION_STATES:
        raise InvalidState(
            _("Conditions are set once a proposal is approved; this one is %(status)s.")
            % {"status": proposal.get_status_display()}
        )
    text = (text or "").strip()
    problems: dict[str, list[str]] = {}
    if not text:
        problems["text"] = [_("Say what must be done.")]
    try:
        due = _due_date(due)
    except Invalid as error:
        problems.update(error.detail)
    if problems:
        raise Invalid(_("Check the condition."), detail=problems)
    condition = Condition.objects.create(proposal=proposal, text=text, due=due, created_by=user)
    decision_log_append(
        actor=user,
        event="condition_added",
        proposal=proposal.reference,
        data={"condition": condition.pk, "text": text, "due": due.isoformat()},
    )
    return condition


@transaction.atomic
def condition_satisfy(
    *, user: Any, condition_id: Any, body: Reader | None = None, **given: Any
) -> Condition:
    """Mark an open or overdue condition satisfied, with the evidence that shows it.

    The input (``evidence``) is read once the policy allows (core/inputs.py).
    """
    pk = object_pk(condition_id)
    condition = (
        Condition.objects.select_for_update().select_related("proposal").filter(pk=pk).first()
    )
    proposal = proposal_permissions.require_view(user, condition.proposal if condition else None)
    proposal_permissions.require(
        permissions.can_satisfy_condition(user, proposal),
        _("Only secretariat staff mark conditions satisfied."),
    )
    return _condition_satisfy_write(user=user, condition=condition, **inputs.read(body, given))


def _condition_satisfy_write(*, user: Any, condition: Condition, evidence: str) -> Condition:
    proposal = condition.proposal
    if condition.status == Condition.Status.SATISFIED:
        raise InvalidState(_("This condition is already satisfied."))
    if condition.status == Condition.Status.WITHDRAWN:
        raise InvalidState(_("This condition was withdrawn: there is nothing to satisfy."))
    evidence = (evidence or "").strip()
    if not evidence:
        message = _("Say what shows the condition is met.")
        raise Invalid(message, detail={"evidence": [message]})
    was = condition.status
    condition.status = Condition.Status.SATISFIED
    condition.evidence = evidence
    condition.satisfied_by = user
    condition.satisfied_at = timezone.now()
    condition.save()
    decision_log_append(
        actor=user,
        event="condition_satisfied",
        proposal=proposal.reference,
        data={"condition": condition.pk, "evidence": evidence, "was": was},
    )
    return condition


def _condition_to_change(user: Any, condition_id: Any) -> Condition:
    """Lock a condition a chair or staff member may change: 404 or 403 otherwise."""
    pk = object_pk(condition_id)
    condition = (
        Condition.objects.select_for_update().select_related("proposal").filter(pk=pk).first()
    )
    proposal = proposal_permissions.require_view(user, condition.proposal if condition else None)
    proposal_permissions.require(
        permissions.can_change_condition(user, proposal),
        _("Only chairs and secretariat staff change conditions of approval."),
    )
    return condition


def _require_changeable(condition: Condition) -> None:
    """409 once the condition is satisfied or withdrawn."""
    if condition.status == Condition.Status.SATISFIED:
        raise InvalidState(_("This condition is satisfied: it can no longer be changed."))
    if condition.status == Condition.Status.WITHDRAWN:
        raise InvalidState(_("This condition was withdrawn: it can no longer be changed."))


def _reason(reason: Any) -> str:
    reason = (reason or "").strip() if isinstance(reason, str) else ""
    if not reason:
        message = _("Say why: the reason goes into the decision log.")
        raise Invalid(message, detail={"reason": [message]})
    return reason


@transaction.atomic
def condition_edit(
    *, user: Any, condition_id: Any, body: Reader | None = None, **given: Any
) -> Condition:
    """Correct an unsatisfied condition's text or due date, with the reason, logged.

    The log entry keeps what the condition said before, so the record shows both. A new due
    date in the future takes an overdue condition back to open. The input (``reason``, and
    ``text`` or ``due``) is read once the policy allows (core/inputs.py).
    """
    condition = _condition_to_change(user, condition_id)
    return _condition_edit_write(user=user, condition=condition, **inputs.read(body, given))


def _condition_edit_write(
    *, user: Any, condition: Condition, reason: str, text: Any = None, due: Any = None
) -> Condition:
    _require_changeable(condition)
    problems: dict[str, list[str]] = {}
    changes: dict[str, Any] = {}
    if text is not None:
        text = text.strip() if isinstance(text, str) else ""
        if not text:
            problems["text"] = [_("Say what must be done.")]
        elif text != condition.text:
            changes["text"] = text
    if due is not None:
        try:
            due = _due_date(due)
        except Invalid as error:
            problems.update(error.detail)
        else:
            if due != condition.due:
                changes["due"] = due
    try:
        reason = _reason(reason)
    except Invalid as error:
        problems.update(error.detail)
    if problems:
        raise Invalid(_("Check the condition."), detail=problems)
    if not changes:
        message = _("Nothing changed: give a new text or due date.")
        raise Invalid(message, detail={"text": [message]})
    was = {"text": condition.text, "due": condition.due.isoformat()}
    for name, value in changes.items():
        setattr(condition, name, value)
    if condition.status == Condition.Status.OVERDUE and condition.due >= timezone.localdate():
        condition.status = Condition.Status.OPEN
    condition.save()
    decision_log_append(
        actor=user,
        event="condition_edited",
        proposal=condition.proposal.reference,
        data={
            "condition": condition.pk,
            **{k: v.isoformat() if isinstance(v, dt.date) else v for k, v in changes.items()},
            "was": was,
            "reason": reason,
        },
    )
    return condition


@transaction.atomic
def condition_withdraw(
    *, user: Any, condition_id: Any, body: Reader | None = None, **given: Any
) -> Condition:
    """Withdraw an unsatisfied condition (set by mistake, or no longer asked), logged.

    The input (``reason``) is read once the policy allows (core/inputs.py).
    """
    condition = _condition_to_change(user, condition_id)
    return _condition_withdraw_write(user=user, condition=condition, **inputs.read(body, given))


def _condition_withdraw_write(*, user: Any, condition: Condition, reason: str) -> Condition:
    _require_changeable(condition)
    reason = _reason(reason)
    was = condition.status
    condition.status = Condition.Status.WITHDRAWN
    condition.withdrawn_reason = reason
    condition.withdrawn_at = timezone.now()
    condition.save()
    decision_log_append(
        actor=user,
        event="condition_withdrawn",
        proposal=condition.proposal.reference,
        data={"condition": condition.pk, "text": condition.text, "was": was, "reason": reason},
    )
    return condition


def conditions_mark_overdue(*, today: dt.date | None = None) -> list[int]:
    """Mark every open condition past its due date overdue; safe to run twice.

    Each condition changes in its own transaction (row locked, still open?), so the job
    and a staff member satisfying the condition at the same moment cannot both win.
    """
    today = today or timezone.localdate()
    due = Condition.objects.filter(status=Condition.Status.OPEN, due__lt=today).values_list(
        "pk", flat=True
    )
    marked = []
    for pk in list(due):
        with transaction.atomic():
            condition = (
                Condition.objects.select_for_update()
                .select_related("proposal")
                .filter(pk=pk, status=Condition.Status.OPEN)
                .first()
            )
            if condition is None:
                continue  # satisfied meanwhile
            condition.status = Condition.Status.OVERDUE
            condition.save(update_fields=["status"])
            decision_log_append(
                actor=None,
                event="condition_overdue",
                proposal=condition.proposal.reference,
                data={"condition": pk, "due": condition.due.isoformat()},
            )
        marked.append(pk)
    return marked


@transaction.atomic
def decision_record(
    *, user: Any, proposal_id: Any, body: Reader | None = None, **given: Any
) -> Ballot:
    """Write down what the committee decided, and on what terms, after its ballot closed.

    The input (``text``) is read once the policy allows (core/inputs.py).
    """
    proposal = _proposal_for(user, proposal_id, lock=True)
    proposal_permissions.require(
        permissions.can_record_decision(user, proposal),
        _("Only a chair records the committee's decision."),
    )
    return _decision_write(user=user, proposal=proposal, **inputs.read(body, given))


def _decision_write(*, user: Any, proposal: Proposal, text: str) -> Ballot:
    ballot = (
        Ballot.objects.select_for_update()
        .filter(proposal=proposal)
        .order_by("-opened_at", "-id")
        .first()
    )
    decided = (Ballot.Outcome.APPROVED, Ballot.Outcome.REJECTED)
    if ballot is None or ballot.status != Ballot.Status.CLOSED or ballot.outcome not in decided:
        raise InvalidState(_("The decision is recorded once a ballot has closed with an outcome."))
    if ballot.decision_text:
        raise InvalidState(_("The decision on this ballot is already recorded."))
    text = (text or "").strip()
    if not text:
        message = _("Say what was decided, and on what terms.")
        raise Invalid(message, detail={"text": [message]})
    ballot.decision_text = text
    ballot.decision_by = user
    ballot.decision_at = timezone.now()
    ballot.save(update_fields=["decision_text", "decision_by", "decision_at"])
    decision_log_append(
        actor=user,
        event="decision_recorded",
        proposal=proposal.reference,
        data={"ballot": ballot.pk, "outcome": ballot.outcome, "text": text},
    )
    return ballot
