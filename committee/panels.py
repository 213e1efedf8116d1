"""The committee's panels of the proposal page: the decision, reviews, notes, conditions,
the ballot with the vote form, conflicts and the timeline (``projects.panels``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from projects import panels
from projects import permissions as proposal_permissions

from . import permissions, selectors
from .forms import (
    ConditionEditForm,
    ConditionForm,
    ConditionWithdrawForm,
    ConflictForm,
    DecisionForm,
    NoteForm,
    ReviewForm,
    SatisfyForm,
    VoteForm,
)
from .models import Condition


def _record(page: Mapping[str, Any]) -> dict[str, Any] | None:
    """Reviews, notes and conflicts with the forms the user may use; None for those who may
    not read the committee's record (sponsors)."""
    user, proposal = page["user"], page["proposal"]
    if not permissions.can_read_record(user, proposal):
        return None
    bound = page["bound_forms"]
    reviews = list(selectors.reviews_for(user=user, proposal=proposal))
    conflicts = list(selectors.conflicts_for(user=user, proposal=proposal))
    my_review = next((r for r in reviews if r.author_id == user.pk), None)
    my_conflict = next((c for c in conflicts if c.user_id == user.pk), None)
    reviewable = proposal.status in proposal_permissions.REVIEWABLE
    context: dict[str, Any] = {
        "reviews": reviews,
        "notes": list(selectors.notes_for(user=user, proposal=proposal)),
        "conflicts": conflicts,
        "my_review": my_review,
        "my_conflict": my_conflict,
    }
    if permissions.can_write_note(user, proposal):
        context["note_form"] = bound.get("note_form") or NoteForm()
    if reviewable and permissions.can_review(user, proposal):
        context["review_form"] = bound.get("review_form") or ReviewForm(
            initial=ReviewForm.initial_for(my_review)
        )
    if reviewable and my_conflict is None and permissions.can_declare_conflict(user, proposal):
        context["conflict_form"] = bound.get("conflict_form") or ConflictForm()
    return context


def _ballot(page: Mapping[str, Any]) -> dict[str, Any] | None:
    """The ballot's state and tally, the package it decides on, and the user's vote form."""
    user, proposal = page["user"], page["proposal"]
    ballot = selectors.ballot_summary(user=user, proposal=proposal)
    context: dict[str, Any] = {"ballot": ballot}
    if ballot and ballot.get("package_sha256") and permissions.can_read_record(user, proposal):
        context["package_sha256"] = ballot["package_sha256"]
    if ballot and ballot["status"] == "open" and permissions.can_vote(user, proposal):
        vote = selectors.my_vote(user=user, proposal=proposal)
        initial = {"choice": vote.choice, "rationale": vote.rationale} if vote else {}
        context["my_vote"] = vote
        context["vote_form"] = page["bound_forms"].get("vote_form") or VoteForm(initial=initial)
        # A voter's first Tab on the page offers the way straight to the vote.
        context["skip_link"] = ("#vote-form", _("Skip to the ballot"))
    if not (ballot or context.get("vote_form")):
        return None
    return context


def _timeline(page: Mapping[str, Any]) -> dict[str, Any]:
    return {"timeline": list(selectors.timeline(user=page["user"], proposal=page["proposal"]))}


def _decision(context: Mapping[str, Any]) -> dict[str, Any]:
    """The decision at the top of the page, and the chair's form to record its terms."""
    user, proposal = context["request"].user, context["proposal"]
    bound = context.get("bound_forms") or {}
    ballot = selectors.decision_for(user=user, proposal=proposal)
    form = None
    if (
        ballot is not None
        and not ballot.decision_text
        and permissions.can_record_decision(user, proposal)
    ):
        form = bound.get("decision_form") or DecisionForm()
    return {"proposal": proposal, "decision": ballot, "decision_form": form}


def _conditions(context: Mapping[str, Any]) -> dict[str, Any]:
    """The conditions with their status and due dates, and the forms the user may use."""
    user, proposal = context["request"].user, context["proposal"]
    bound = context.get("bound_forms") or {}
    conditions = list(selectors.conditions_for(user=user, proposal=proposal))
    can_add = proposal.status in permissions.CONDITION_STATES and permissions.can_add_condition(
        user, proposal
    )
    can_satisfy = permissions.can_satisfy_condition(user, proposal)
    can_change = permissions.can_change_condition(user, proposal)
    settled = (Condition.Status.SATISFIED, Condition.Status.WITHDRAWN)

    def bound_for(name: str, condition: Condition) -> Any:
        form = bound.get(name)
        return form if form is not None and form.condition_id == condition.pk else None

    for condition in conditions:
        condition.satisfy_form = condition.edit_form = condition.withdraw_form = None
        if condition.status in settled:
            continue
        if can_satisfy:
            condition.satisfy_form = bound_for("satisfy_form", condition) or SatisfyForm(
                auto_id=f"c{condition.pk}_%s"
            )
        if can_change:
            condition.edit_form = bound_for("condition_edit_form", condition) or (
                ConditionEditForm(
                    condition_id=condition.pk,
                    initial={"text": condition.text, "due": condition.due},
                )
            )
            condition.withdraw_form = bound_for(
                "condition_withdraw_form", condition
            ) or ConditionWithdrawForm(condition_id=condition.pk)
    return {
        "proposal": proposal,
        "conditions": conditions,
        "condition_form": (bound.get("condition_form") or ConditionForm()) if can_add else None,
        "show": bool(conditions) or can_add,
    }


def register() -> None:
    panels.register_panel(
        "decision",
        slot="top",
        order=10,
        template="committee/_decision.html",
        context=_decision,
    )
    panels.register_panel(
        "reviews", slot="main", order=40, template="committee/_reviews.html", context=_record
    )
    panels.register_panel(
        "notes", slot="main", order=50, template="committee/_notes.html", context=_record
    )
    panels.register_panel(
        "conditions",
        slot="side",
        order=20,
        template="committee/_conditions.html",
        context=_conditions,
    )
    panels.register_panel(
        "ballot", slot="side", order=30, template="committee/_ballot.html", context=_ballot
    )
    panels.register_panel(
        "conflicts", slot="side", order=40, template="committee/_conflicts.html", context=_record
    )
    panels.register_panel(
        # Last in the file's column (after the description, documents and reviews), so a
        # phone shows it last; it lists its latest five entries and folds the rest.
        "timeline",
        slot="main",
        order=90,
        template="committee/_timeline.html",
        context=_timeline,
    )
