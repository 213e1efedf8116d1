"""Announcing true-ups: after a change that can restate a project's waterfall, the decision
log says whether the countries now owe each other; the mail follows that entry (the
notifications dispatcher reads the log).

Called inside the changing service's transaction. The log's latest true-up entry per project
is the announced position: ``true_up_arose`` (with the amounts), ``true_up_cleared`` (the
difference went away without a settlement) or ``true_up_settled``. A change that leaves the
position as announced appends nothing, so each change that creates a true-up mails once.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from core.decision_log import SYSTEM_ACTOR, decision_log_append
from projects.models import Proposal

from . import rules, selectors


def true_up_check(*, proposals: Iterable[Proposal], actor: str = SYSTEM_ACTOR) -> list[int]:
    """Log (and mail) each project whose true-up differs from the one announced; return the
    sequence numbers of the entries appended."""
    appended = []
    for proposal in proposals:
        position = selectors.restatement(proposal=proposal)
        if position.true_up is None:  # cannot be valued: nothing to announce yet
            continue
        owed = position.true_up
        announced = selectors.announced_true_up(proposal.reference)
        if owed == announced:
            continue
        if owed == 0:
            entry = decision_log_append(
                actor=actor, event="true_up_cleared", proposal=proposal.reference, data={}
            )
        else:
            entry = decision_log_append(
                actor=actor,
                event="true_up_arose",
                proposal=proposal.reference,
                data={"japan": rules.cents(owed), "us": rules.cents(-owed)},
            )
        appended.append(entry.seq)
    return appended


@transaction.atomic
def true_ups_announce(*, proposal_ids: Iterable[int]) -> list[int]:
    """Check the given projects after a change that touched them all (a rate), each locked
    so that two checks never announce the same true-up twice (the rate's task)."""
    proposals = Proposal.objects.select_for_update().filter(pk__in=list(proposal_ids))
    return true_up_check(proposals=list(proposals.order_by("pk")))
