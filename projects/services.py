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

from core import inputs
from core.decision_log import decision_log_append
from core.errors import Invalid, InvalidState, NotAllowed, object_pk
from core.inputs import Reader
from core.roles import SPONSOR_NAME_MAX, membership_of, sponsor_group_name

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
    if len(name) > SPONSOR_NAME_MAX or "\x00" in name:
        message = _("A sponsor's name has at most %(max)d characters, and no NUL.") % {
            "max": SPONSOR_NAME_MAX
        }
        raise Invalid(message, detail={"name": [message]})
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
def proposal_create(*, user: Any, body: Reader | None = None, **given: Any) -> Proposal:
    """Create a draft for the user's sponsor organisation.

    The input (``co_sponsors`` and the editable fields) is read once the policy allows
    (core/inputs.py).
    """
    permissions.require(
        permissions.can_create(user), _("Only a sponsor's users may create proposals.")
    )
    return _proposal_create_write(user=user, **inputs.read(body, given))


def _proposal_create_write(
    *, user: Any, co_sponsors: list[str] | None = None, **fields: Any
) -> Proposal:
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
    *, user: Any, proposal_id: Any, body: Reader | None = None, **given: Any
) -> Proposal:
    """Edit a draft: its lead sponsor's users only.

    The input (``co_sponsors`` and the fields to change) is read once the policy allows
    (core/inputs.py).
    """
    proposal = permissions.require_view(user, _locked(proposal_id))
    permissions.require(
        permissions.is_lead_sponsor_user(user, proposal),
        _("Only the lead sponsor's users may edit this proposal."),
    )
    return _proposal_update_write(proposal=proposal, **inputs.read(body, given))


def _proposal_update_write(
    *, proposal: Proposal, co_sponsors: list[str] | None = None, **fields: Any
) -> Proposal:
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


def submission_step(context: workflow.TransitionContext) -> None:
    """``submit``: refuse a draft that lacks what a submission needs; log what was sent."""
    proposal = context.proposal
    problems = rules.submission_problems(
        title=proposal.title,
        description=proposal.description,
        sector=proposal.sector,
        amount=proposal.amount_requested,
    )
    if problems:
        raise Invalid(_("The proposal is not ready to submit."), detail=problems)
    context.data.update(_snapshot(proposal))


def _transition_or_invalid(action: str) -> workflow.Transition:
    transition = workflow.transition_for(action)
    if transition is None:
        raise Invalid(_("Unknown action."), detail={"action": [_("Unknown action.")]})
    return transition


def _locked_for(user: Any, proposal_id: Any, transition: workflow.Transition) -> Proposal:
    """The proposal, locked, once ``user`` may see it (404) and fire ``transition`` (403);
    ``user=None`` (the scheduler) only for a transition the table marks as scheduled."""
    proposal = _locked(proposal_id)
    if user is None:
        if proposal is None or not transition.scheduled:
            raise NotAllowed(_("Only closing a ballot runs without a user."))
        return proposal
    # A confirmation page asks the same (404, 403), and then the state, as the service does
    # once it has read its input.
    return permissions.require_may_fire(user, proposal, transition)


def _checked_comment(transition: workflow.Transition, comment: str) -> str:
    comment = (comment or "").strip()
    if transition.comment_required and not comment:
        raise Invalid(
            _("A comment is required."), detail={"comment": [_("Say why, for the sponsor.")]}
        )
    return comment


@transaction.atomic
def proposal_transition(
    *,
    user: Any,
    proposal_id: Any,
    action: str,
    body: Reader | None = None,
    **given: Any,
) -> Proposal:
    """Fire one action of the lifecycle table; ``user=None`` is the scheduler (system).

    Lock, check (404, 403), read the input (``comment``, ``closes_at``: core/inputs.py), check
    the state (409), run the steps other apps registered for the action, move, stamp, grant,
    and log, all in one transaction (docs/lifecycle.md).
    """
    transition = _transition_or_invalid(action)
    proposal = _locked_for(user, proposal_id, transition)
    return _transition_write(
        user=user, proposal=proposal, transition=transition, **inputs.read(body, given)
    )


def _transition_write(
    *,
    user: Any,
    proposal: Proposal,
    transition: workflow.Transition,
    comment: str = "",
    closes_at: dt.datetime | None = None,
) -> Proposal:
    permissions.require_source(proposal, transition)
    context = workflow.TransitionContext(
        proposal=proposal,
        user=user,
        transition=transition,
        comment=_checked_comment(transition, comment),
        options={"closes_at": closes_at},
        data={"from": proposal.status},
    )
    for step in workflow.steps_for(transition.action):
        step.run(context)
    target = transition.target_for(context.outcome)
    proposal.status = target
    now = timezone.now()
    for name in transition.stamped_fields(target):
        setattr(proposal, name, now)
    proposal.save()
    permissions.apply_transition_grants(proposal, transition)
    if user is not None:
        permissions.forget_cached_perms(user)
    data = {**context.data, "to": target}
    if context.comment:
        data["comment"] = context.comment
    decision_log_append(actor=user, event=transition.event, proposal=proposal.reference, data=data)
    return proposal
