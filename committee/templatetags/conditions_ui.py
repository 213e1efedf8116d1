"""The proposal page's panels for the decision and the conditions of approval."""

from __future__ import annotations

from typing import Any

from django import template

from committee import selectors
from committee.forms import ConditionForm, DecisionForm, SatisfyForm
from committee.models import Condition
from projects import permissions

register = template.Library()


@register.inclusion_tag("committee/_decision.html", takes_context=True)
def decision_panel(context: dict[str, Any]) -> dict[str, Any]:
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


@register.inclusion_tag("committee/_conditions.html", takes_context=True)
def conditions_panel(context: dict[str, Any]) -> dict[str, Any]:
    """The conditions with their status and due dates, and the forms the user may use."""
    user, proposal = context["request"].user, context["proposal"]
    bound = context.get("bound_forms") or {}
    conditions = list(selectors.conditions_for(user=user, proposal=proposal))
    can_add = proposal.status in permissions.CONDITION_STATES and permissions.can_add_condition(
        user, proposal
    )
    can_satisfy = permissions.can_satisfy_condition(user, proposal)
    satisfy_bound = bound.get("satisfy_form")
    for condition in conditions:
        condition.satisfy_form = None
        if can_satisfy and condition.status != Condition.Status.SATISFIED:
            if satisfy_bound is not None and satisfy_bound.condition_id == condition.pk:
                condition.satisfy_form = satisfy_bound
            else:
                condition.satisfy_form = SatisfyForm(auto_id=f"c{condition.pk}_%s")
    return {
        "proposal": proposal,
        "conditions": conditions,
        "condition_form": (bound.get("condition_form") or ConditionForm()) if can_add else None,
        "show": bool(conditions) or can_add,
    }
