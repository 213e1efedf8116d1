"""Writes on sponsors and proposals: each one transaction that locks, checks, saves, grants
and appends to the decision log."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from committee import selectors as committee_selectors
from committee import services as committee_services
from committee.models import Ballot
from core.decision_log import decision_log_append
from core.errors import Invalid, InvalidState, NotAllowed, object_pk
from core.roles import membership_of, sponsor_group_name
from documents import services as document_services

from . import permissions, rules, workflow
from .models import Proposal, ReferenceCounter, Sponsor, Status

EDITABLE_FIELDS = ("title", "description", "sector", "amount_requested", "currency")


@transaction.atomic
def sponsor_upsert(*, name: str, country: str) -> Sponsor:
    """Create the sponsor with its group, or update its country."""
    name = (name or "").strip()
    country = (country or "").strip().upper()
    if not name:
        raise Invalid(_("A sponsor needs a name."), detail={"name": [_("Required.")]})
    if len(country) != 2 or not country.isalpha():
        raise Invalid(
            _("Country must be a two-letter code, e.g. JP."),
            detail={"country": [_("Use a two-letter country code.")]},
        )
    sponsor = Sponsor.objects.filter(name=name).first()
    if sponsor is None:
        group, _created = Group.objects.get_or_create(name=sponsor_group_name(name))
        return Sponsor.objects.create(name=name, country=country, group=group)
    if sponsor.country != country:
        sponsor.country = country
        sponsor.save(update_fields=["country"])
    return sponsor


def _next_reference(year: int) -> str:
    counter, _created = ReferenceCounter.objects.select_for_update().get_or_create(year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return rules.reference_for(year, counter.last)


def _co_sponsors(names: list[str] | None, lead: Sponsor) -> list[Sponsor] | None:
    if names is None:
        return None
    names = [str(name).strip() for name in names if str(name).strip()]
    found = {sponsor.name: sponsor for sponsor in Sponsor.objects.filter(name__in=names)}
    unknown = [name for name in names if name not in found]
    if unknown:
        raise Invalid(
            _("Unknown co-sponsor."),
            detail={
                "co_sponsors": [_("Unknown sponsor “%(name)s”.") % {"name": n} for n in unknown]
            },
        )
    if lead.name in found:
        raise Invalid(
            _("The lead sponsor cannot be its own co-sponsor."),
            detail={"co_sponsors": [_("The lead sponsor cannot be its own co-sponsor.")]},
        )
    return list(found.values())


def _check_fields(fields: dict[str, Any]) -> None:
    problems = rules.field_problems(
        sector=fields.get("sector"),
        currency=fields.get("currency"),
        amount=fields.get("amount_requested"),
    )
    if problems:
        raise Invalid(_("Check the highlighted fields."), detail=problems)


@transaction.atomic
def proposal_create(*, user: Any, co_sponsors: list[str] | None = None, **fields: Any) -> Proposal:
    """Create a draft for the user's sponsor organisation."""
    permissions.require(
        permissions.can_create(user), _("Only a sponsor's users may create proposals.")
    )
    fields = {key: value for key, value in fields.items() if key in EDITABLE_FIELDS}
    fields.setdefault("amount_requested", Decimal("0"))
    _check_fields(fields)
    lead = membership_of(user).sponsor
    partners = _co_sponsors(co_sponsors, lead) or []
    proposal = Proposal.objects.create(
        reference=_next_reference(timezone.now().year), sponsor=lead, created_by=user, **fields
    )
    proposal.co_sponsors.set(partners)
    permissions.grant_creation(proposal)
    permissions.forget_cached_perms(user)
    decision_log_append(
        actor=user,
        event="proposal_created",
        proposal=proposal.reference,
        data={"sponsor": lead.name, "status": proposal.status},
    )
    return proposal


def _locked(proposal_id: Any) -> Proposal | None:
    pk = object_pk(proposal_id)
    return Proposal.objects.select_for_update().select_related("sponsor").filter(pk=pk).first()


@transaction.atomic
def proposal_update(
    *, user: Any, proposal_id: Any, co_sponsors: list[str] | None = None, **fields: Any
) -> Proposal:
    """Edit a draft: its lead sponsor's users only."""
    proposal = permissions.require_view(user, _locked(proposal_id))
    permissions.require(
        permissions.is_lead_sponsor_user(user, proposal),
        _("Only the lead sponsor's users may edit this proposal."),
    )
    if proposal.status != Status.DRAFT:
        raise InvalidState(_("Only a draft can be edited."))
    fields = {key: value for key, value in fields.items() if key in EDITABLE_FIELDS}
    _check_fields(fields)
    partners = _co_sponsors(co_sponsors, proposal.sponsor)
    for key, value in fields.items():
        setattr(proposal, key, value)
    proposal.save()
    if partners is not None:
        proposal.co_sponsors.set(partners)
    return proposal


def _snapshot(proposal: Proposal) -> dict[str, Any]:
    return {
        "title": proposal.title,
        "sponsor": proposal.sponsor.name,
        "co_sponsors": sorted(s.name for s in proposal.co_sponsors.all()),
        "sector": proposal.sector,
        "amount_requested": proposal.amount_requested,
        "currency": proposal.currency,
    }


@transaction.atomic
def proposal_transition(
    *,
    user: Any,
    proposal_id: Any,
    action: str,
    comment: str = "",
    closes_at: dt.datetime | None = None,
) -> Proposal:
    """Fire one action of the lifecycle table; ``user=None`` is the scheduler (system)."""
    transition = workflow.transition_for(action)
    if transition is None:
        raise Invalid(_("Unknown action."), detail={"action": [_("Unknown action.")]})
    proposal = _locked(proposal_id)
    if user is not None:
        proposal = permissions.require_view(user, proposal)
        permissions.require(
            permissions.can_fire(user, proposal, transition),
            _("Your role may not %(action)s this proposal.") % {"action": transition.label},
        )
    elif proposal is None or action != "close_ballot":
        raise NotAllowed(_("Only closing a ballot runs without a user."))
    if proposal.status not in transition.sources:
        raise InvalidState(
            _("A proposal that is %(status)s cannot be sent to “%(action)s”.")
            % {"status": proposal.get_status_display(), "action": transition.label}
        )
    comment = (comment or "").strip()
    if transition.comment_required and not comment:
        raise Invalid(
            _("A comment is required."), detail={"comment": [_("Say why, for the sponsor.")]}
        )
    now = timezone.now()
    source = proposal.status
    data: dict[str, Any] = {"from": source}

    if action == "submit":
        problems = rules.submission_problems(
            title=proposal.title,
            description=proposal.description,
            sector=proposal.sector,
            amount=proposal.amount_requested,
        )
        if problems:
            raise Invalid(_("The proposal is not ready to submit."), detail=problems)
        data.update(_snapshot(proposal))
        target = transition.target
    elif action == "open_ballot":
        opened = committee_services.ballot_open(proposal=proposal, user=user, closes_at=closes_at)
        data.update(opened)
        # What is put to the vote is frozen with the ballot; its hash goes into this entry.
        package = document_services.package_freeze(proposal=proposal, ballot_id=opened["ballot"])
        data["package_sha256"] = package.sha256
        target = transition.target
    elif action == "close_ballot":
        result = committee_services.ballot_close(proposal=proposal)
        data.update(result)
        target = {"approved": Status.APPROVED, "rejected": Status.REJECTED}.get(
            result["outcome"], Status.IN_REVIEW
        )
    elif action == "start_funding":
        # CONTRACT §4a: funding waits for every condition of approval (overdue is not met).
        unmet = committee_selectors.conditions_unsatisfied(proposal)
        if unmet:
            raise InvalidState(
                _("Funding cannot start while conditions of approval are not satisfied: %(list)s")
                % {"list": "; ".join(f"“{c.text}” (due {c.due:%Y-%m-%d})" for c in unmet)},
                detail={"conditions": [c.text for c in unmet]},
            )
        target = transition.target
    else:
        target = transition.target

    proposal.status = target
    if action == "submit":
        proposal.submitted_at = now
    if target in (Status.APPROVED, Status.REJECTED):
        proposal.decided_at = now
    proposal.save()
    permissions.apply_transition_grants(proposal, transition)
    if user is not None:
        permissions.forget_cached_perms(user)
    data["to"] = target
    if comment:
        data["comment"] = comment
    decision_log_append(actor=user, event=transition.event, proposal=proposal.reference, data=data)
    return proposal


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
