"""Corrections of the program's money, never edits: reversing entries, the second staff
user's approval of what waits for one (maker-checker), and true-ups that settle what the
restated waterfall says one country owes the other.

Each service is one transaction that locks, checks the policy and the rules, saves and
appends to the decision log. A reversal or a true-up is only asked for here; it takes
effect when another staff user approves it (``approval_decide``), and is checked again then.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import inputs
from core.decision_log import decision_log_append
from core.errors import Invalid, InvalidState, NotAllowed, NotVisible, object_pk
from core.inputs import Reader
from financing import permissions
from projects.models import Proposal

from . import rules, selectors, services
from .breaches import lock_program_limits
from .models import Approval, Distribution, Instrument, Transaction, TrueUp
from .truing import true_up_check


def _reason_checked(reason: Any) -> str:
    reason = str(reason or "").strip()
    if not reason:
        message = _("Say why (the reason is kept in the decision log).")
        raise Invalid(message, detail={"reason": [message]})
    if len(reason) > 2000:
        raise Invalid(
            _("At most 2000 characters."), detail={"reason": [_("At most 2000 characters.")]}
        )
    return reason


def _require_correcting_state(proposal: Proposal) -> None:
    """409 before funding: there is nothing to correct yet."""
    if proposal.status not in permissions.CORRECTING_STATES:
        raise InvalidState(
            _("Corrections are made once a project is in funding, not while it is %(status)s.")
            % {"status": proposal.get_status_display()}
        )


def _pending(what: str, key: str, value: Any) -> bool:
    return Approval.objects.filter(
        what=what, status=Approval.Status.PENDING, **{f"payload__{key}": value}
    ).exists()


# --- Reversals -------------------------------------------------------------------------------


def _transaction_reversible(original: Transaction) -> None:
    """409 unless ``original`` is an entry that stands: not a reversal, not reversed."""
    if original.reverses_id is not None:
        raise InvalidState(_("This entry is itself a reversal: it cannot be reversed."))
    if Transaction.objects.filter(reverses=original).exists():
        raise InvalidState(_("This entry has already been reversed."))
    instrument = original.instrument
    services._raise_problems(
        rules.reversal_problems(
            kind=instrument.kind,
            committed=instrument.committed,
            existing=services._ledger_entries(instrument),
            original=rules.Entry(original.type, original.amount, original.value_date),
        )
    )


def _reversal_limits_check(proposal: Proposal, original: Transaction) -> None:
    """Reversing a cancellation commits its amount again: a JBIC or NEXI one only within the
    program's limits and the amount approved for the project, like a new commitment."""
    if original.type not in rules.CANCELLING:
        return
    instrument = original.instrument
    services.within_limits_check(
        proposal,
        {
            "kind": instrument.kind,
            "provider": instrument.provider,
            "currency": instrument.currency,
            "committed": original.amount,
        },
    )


@transaction.atomic
def transaction_reverse(
    *, user: Any, transaction_id: Any, body: Reader | None = None, **given: Any
) -> Approval:
    """Ask for a transaction to be reversed; another staff user approves it.

    The input (``reason``) is read once the policy allows (core/inputs.py).
    """
    pk = object_pk(transaction_id)
    found = (
        Transaction.objects.filter(pk=pk).values_list("instrument__proposal_id", flat=True).first()
    )
    if found is None:
        raise NotVisible(_("Not found."))
    proposal = services.funding_check(user, found, lock=True)  # 404 unseen, 403 unless staff
    return _transaction_reverse_write(
        user=user, proposal=proposal, pk=pk, **inputs.read(body, given)
    )


def _transaction_reverse_write(*, user: Any, proposal: Proposal, pk: int, reason: Any) -> Approval:
    _require_correcting_state(proposal)
    reason = _reason_checked(reason)
    original = Transaction.objects.select_related("instrument").select_for_update().get(pk=pk)
    _transaction_reversible(original)
    _reversal_limits_check(proposal, original)
    if _pending(Approval.What.TRANSACTION_REVERSAL, "transaction", original.pk):
        raise InvalidState(_("A reversal of this entry already waits for approval."))
    payload = {
        "transaction": original.pk,
        "instrument": original.instrument_id,
        "type": original.type,
        "amount": str(original.amount),
        "currency": original.instrument.currency,
        "value_date": original.value_date.isoformat(),
    }
    return services.approval_make(
        user=user,
        what=Approval.What.TRANSACTION_REVERSAL,
        proposal=proposal,
        payload=payload,
        reason=reason,
    )


def _transaction_reversal_apply(*, user: Any, approval: Approval, proposal: Proposal) -> Any:
    pk = approval.payload["transaction"]
    Instrument.objects.select_for_update().get(pk=approval.payload["instrument"])
    original = Transaction.objects.select_related("instrument").select_for_update().get(pk=pk)
    _transaction_reversible(original)
    _reversal_limits_check(proposal, original)
    row = Transaction.objects.create(
        instrument=original.instrument,
        type=original.type,
        amount=-original.amount,
        value_date=original.value_date,
        reverses=original,
        recorded_by=approval.made_by,
        approved_by=user,
    )
    decision_log_append(
        actor=user,
        event="transaction_reversed",
        proposal=proposal.reference,
        data={**approval.payload, "reversal": row.pk, "reason": approval.reason},
    )
    services._recompute_on_commit(original.instrument_id)
    true_up_check(proposals=[proposal])
    return row


def _distribution_reversible(original: Distribution) -> None:
    if original.reverses_id is not None:
        raise InvalidState(_("This distribution is itself a reversal: it cannot be reversed."))
    if Distribution.objects.filter(reverses=original).exists():
        raise InvalidState(_("This distribution has already been reversed."))


@transaction.atomic
def distribution_reverse(
    *, user: Any, distribution_id: Any, body: Reader | None = None, **given: Any
) -> Approval:
    """Ask for a distribution to be reversed; another staff user approves it.

    The input (``reason``) is read once the policy allows (core/inputs.py).
    """
    pk = object_pk(distribution_id)
    found = Distribution.objects.filter(pk=pk).values_list("proposal_id", flat=True).first()
    if found is None:
        raise NotVisible(_("Not found."))
    proposal = services.funding_check(user, found, lock=True)  # 404 unseen, 403 unless staff
    return _distribution_reverse_write(
        user=user, proposal=proposal, pk=pk, **inputs.read(body, given)
    )


def _distribution_reverse_write(*, user: Any, proposal: Proposal, pk: int, reason: Any) -> Approval:
    _require_correcting_state(proposal)
    reason = _reason_checked(reason)
    original = Distribution.objects.select_for_update().get(pk=pk)
    _distribution_reversible(original)
    if _pending(Approval.What.DISTRIBUTION_REVERSAL, "distribution", original.pk):
        raise InvalidState(_("A reversal of this distribution already waits for approval."))
    payload = {
        "distribution": original.pk,
        "date": original.date.isoformat(),
        "amount": str(original.amount),
        "currency": original.currency,
        "amount_usd": str(original.amount_usd),
    }
    return services.approval_make(
        user=user,
        what=Approval.What.DISTRIBUTION_REVERSAL,
        proposal=proposal,
        payload=payload,
        reason=reason,
    )


def _distribution_reversal_apply(*, user: Any, approval: Approval, proposal: Proposal) -> Any:
    original = Distribution.objects.select_for_update().get(pk=approval.payload["distribution"])
    _distribution_reversible(original)
    row = Distribution.objects.create(
        proposal=proposal,
        date=original.date,
        amount=-original.amount,
        currency=original.currency,
        usd_per_unit=original.usd_per_unit,
        amount_usd=-original.amount_usd,
        japan=-original.japan,
        us=-original.us,
        japan_investment=original.japan_investment,
        japan_recovered=original.japan_recovered,
        phase=original.phase,
        reverses=original,
        recorded_by=approval.made_by,
        approved_by=user,
    )
    decision_log_append(
        actor=user,
        event="distribution_reversed",
        proposal=proposal.reference,
        data={
            **approval.payload,
            "reversal": row.pk,
            "japan": str(row.japan),
            "us": str(row.us),
            "reason": approval.reason,
        },
    )
    true_up_check(proposals=[proposal])
    return row


# --- True-ups --------------------------------------------------------------------------------


def _owed(proposal: Proposal) -> Decimal:
    """The true-up the restated waterfall says is owed today; 409 if none or not valued."""
    position = selectors.restatement(proposal=proposal)
    if position.true_up is None:
        raise InvalidState(
            _("The position cannot be valued (a yen amount has no rate): nothing can be settled.")
        )
    if position.true_up == 0:
        raise InvalidState(_("Nothing is owed: the restated splits match what was paid."))
    return rules.cents(position.true_up)


@transaction.atomic
def true_up_request(
    *, user: Any, proposal_id: Any, body: Reader | None = None, **given: Any
) -> Approval:
    """Ask to settle the project's true-up as it stands; another staff user approves it.

    The input (an optional ``reason``) is read once the policy allows (core/inputs.py).
    """
    proposal = services.funding_check(user, proposal_id, lock=True)  # 404 unseen, 403 unless staff
    return _true_up_request_write(user=user, proposal=proposal, **inputs.read(body, given))


def _true_up_request_write(*, user: Any, proposal: Proposal, reason: Any = "") -> Approval:
    _require_correcting_state(proposal)
    owed = _owed(proposal)
    if Approval.objects.filter(
        proposal=proposal, what=Approval.What.TRUE_UP, status=Approval.Status.PENDING
    ).exists():
        raise InvalidState(_("A true-up of this project already waits for approval."))
    payload = {"japan": str(owed), "us": str(-owed)}
    return services.approval_make(
        user=user,
        what=Approval.What.TRUE_UP,
        proposal=proposal,
        payload=payload,
        reason=str(reason or "").strip()[:2000],
    )


def _true_up_apply(*, user: Any, approval: Approval, proposal: Proposal) -> Any:
    owed = _owed(proposal)
    if owed != Decimal(approval.payload["japan"]):
        raise InvalidState(
            _(
                "The true-up has changed since it was asked for (now %(owed)s USD to Japan): "
                "reject this one and ask again."
            )
            % {"owed": owed}
        )
    row = TrueUp.objects.create(
        proposal=proposal,
        date=selectors.today(),
        japan=owed,
        us=-owed,
        recorded_by=approval.made_by,
        approved_by=user,
    )
    decision_log_append(
        actor=user,
        event="true_up_settled",
        proposal=proposal.reference,
        data={"true_up": row.pk, "japan": owed, "us": -owed, "approval": approval.pk},
    )
    return row


# --- Approvals -------------------------------------------------------------------------------


def _transaction_apply(*, user: Any, approval: Approval, proposal: Proposal) -> Any:
    payload = approval.payload
    instrument = Instrument.objects.select_for_update().get(pk=payload["instrument"])
    services._require_funding_state(proposal)
    entry = services._transaction_checked(
        instrument, payload["type"], payload["amount"], payload["value_date"]
    )
    return services.transaction_apply(
        user=user, proposal=proposal, instrument=instrument, entry=entry, approval=approval
    )


def _distribution_apply(*, user: Any, approval: Approval, proposal: Proposal) -> Any:
    payload = approval.payload
    cash = services._distribution_checked(
        proposal, payload["amount"], payload["currency"], payload["date"]
    )
    return services.distribution_apply(user=user, proposal=proposal, cash=cash, approval=approval)


APPLY: dict[str, Callable[..., Any]] = {
    Approval.What.TRANSACTION: _transaction_apply,
    Approval.What.DISTRIBUTION: _distribution_apply,
    Approval.What.TRANSACTION_REVERSAL: _transaction_reversal_apply,
    Approval.What.DISTRIBUTION_REVERSAL: _distribution_reversal_apply,
    Approval.What.TRUE_UP: _true_up_apply,
}


def approval_check(user: Any, approval_id: Any, *, lock: bool = False) -> Approval:
    """The pending entry ``user`` would decide: 404 for anyone but staff, 403 for its maker.

    Deciding asks it first (``lock``: the proposal's row, then the approval's); the page that
    asks before deciding (its confirmation page) asks it too, unlocked, so whoever may not
    decide is refused there as the decision would refuse them.
    """
    pk = object_pk(approval_id)
    found = Approval.objects.filter(pk=pk).values_list("proposal_id", flat=True).first()
    if found is None or not permissions.can_check_entries(user):
        raise NotVisible(_("Not found."))
    if lock:
        proposal = Proposal.objects.select_for_update().get(pk=found)
        approval = Approval.objects.select_for_update().get(pk=pk)
        approval.proposal = proposal
    else:
        approval = Approval.objects.select_related("proposal").get(pk=pk)
    if approval.made_by_id == user.pk:
        raise NotAllowed(_("Another staff user must approve or reject what you made."))
    return approval


@transaction.atomic
def approval_decide(
    *, user: Any, approval_id: Any, approve: bool, body: Reader | None = None, **given: Any
) -> Approval:
    """Approve (the entry takes effect, checked again now, commitments under the limits
    lock) or reject a pending entry made by another staff user.

    The input (an optional ``comment``) is read once the policy allows (core/inputs.py).
    """
    approval = approval_check(user, approval_id, lock=True)
    proposal = approval.proposal
    return _approval_decide_write(
        user=user, approval=approval, proposal=proposal, approve=approve, **inputs.read(body, given)
    )


def _approval_decide_write(
    *, user: Any, approval: Approval, proposal: Proposal, approve: bool, comment: Any = ""
) -> Approval:
    if approval.status != Approval.Status.PENDING:
        raise InvalidState(
            _("This request was already %(status)s.") % {"status": approval.get_status_display()}
        )
    if approve:
        lock_program_limits()
        entry = APPLY[approval.what](user=user, approval=approval, proposal=proposal)
        approval.entry_id = entry.pk
    approval.status = Approval.Status.APPROVED if approve else Approval.Status.REJECTED
    approval.decided_by = user
    approval.decided_at = timezone.now()
    approval.comment = str(comment or "").strip()[:2000]
    approval.save()
    decision_log_append(
        actor=user,
        event="approval_approved" if approve else "approval_rejected",
        proposal=proposal.reference,
        data={
            "approval": approval.pk,
            "what": approval.what,
            "made_by": approval.made_by.get_username(),
            "entry": approval.entry_id,
            "comment": approval.comment,
        },
    )
    return approval
