"""Writes on the program's money: each one transaction that locks, checks the policy and
the rules, saves, appends to the decision log and schedules its side effects on commit."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from core import inputs
from core.decision_log import decision_log_append
from core.errors import Invalid, InvalidState, NotVisible, object_pk
from core.inputs import Reader
from core.jobs import enqueue_on_commit
from financing import permissions
from projects import permissions as proposal_permissions
from projects.models import Proposal

from . import rules, selectors, tasks
from .breaches import lock_program_limits
from .models import Approval, Distribution, FxRate, Instrument, Transaction
from .truing import true_up_check

# --- Ledger: instruments, transactions, FX rates, exposure, limits (docs/ledger.md) ---------


def _amount_problem(value: Any, *, places: int = 2) -> tuple[Decimal | None, str | None]:
    """Read an amount (``places`` decimals: 2 for USD, 0 for JPY, 10 for a rate): the value,
    or why it is not acceptable, including one the database could not store exactly."""
    try:
        amount = Decimal(str(value).strip()) if not isinstance(value, Decimal) else value
    except (ArithmeticError, ValueError):
        return None, _("Enter a number.")
    if not amount.is_finite():
        return None, _("Enter a number.")
    if amount <= 0:
        return None, _("The amount must be above zero.")
    problem = rules.exactness_problem(amount, places=places)
    return (None, problem) if problem else (amount, None)


def _date_problem(value: Any) -> tuple[dt.date | None, str | None]:
    if isinstance(value, dt.datetime):
        value = value.date()
    if not isinstance(value, dt.date):
        try:
            value = dt.date.fromisoformat(str(value).strip())
        except ValueError:
            return None, _("Enter a date as YYYY-MM-DD.")
    if value > selectors.today():
        return None, _("The date cannot be in the future.")
    return value, None


def _raise_problems(problems: dict[str, list[str]]) -> None:
    if problems:
        first = next(iter(problems.values()))[0]
        raise Invalid(first, detail=problems)


def funding_check(user: Any, proposal_id: Any, *, lock: bool = False) -> Proposal:
    """The proposal whose ledger ``user`` records or corrects: 404 if they may not see it,
    403 unless they may run its funding.

    Every financing write asks it first (``lock``: the proposal's row, for the write's
    transaction). A page that asks before it acts (a correction's confirmation page) asks it
    too, unlocked, so whoever may not act is refused there as the write would refuse them,
    by the same rule and with the same message.
    """
    pk = object_pk(proposal_id)
    rows = Proposal.objects.select_for_update() if lock else Proposal.objects
    proposal = proposal_permissions.require_view(user, rows.filter(pk=pk).first())
    proposal_permissions.require(
        permissions.can_run_funding(user, proposal),
        _("Only secretariat staff record financing."),
    )
    return proposal


def _require_funding_state(proposal: Proposal) -> None:
    if proposal.status not in permissions.FUNDING_STATES:
        raise InvalidState(
            _("Financing is recorded while a project is in funding or active, not %(status)s.")
            % {"status": proposal.get_status_display()}
        )


def _recompute_on_commit(instrument_id: int) -> None:
    """Bring the instrument's figures up to today once the write commits, and those of the
    guarantees that cover it (their exposure follows the loan's)."""
    covering = Instrument.objects.filter(covers_id=instrument_id).values_list("pk", flat=True)
    enqueue_on_commit(tasks.recompute_exposure, None, [instrument_id, *covering])


def _instrument_problems(data: dict[str, Any]) -> dict[str, list[str]]:
    """What is wrong with a new instrument's own fields (``data`` is read in place)."""
    problems: dict[str, list[str]] = {}
    if data["kind"] not in rules.KINDS:
        problems["kind"] = [_("Choose equity, loan or guarantee.")]
    if data["provider"] not in rules.PROVIDERS:
        problems["provider"] = [_("Choose JBIC, NEXI or private.")]
    if data["currency"] not in rules.CURRENCIES:
        problems["currency"] = [_("Choose USD or JPY.")]
    places = rules.PLACES.get(data["currency"], 2)
    data["committed"], problem = _amount_problem(data["committed"], places=places)
    if problem:
        problems["committed"] = [problem]
    if data["signed_on"] in (None, ""):
        data["signed_on"] = None
    else:
        data["signed_on"], problem = _date_problem(data["signed_on"])
        if problem:
            problems["signed_on"] = [problem]
    return problems


def _cover_problems(proposal: Proposal, data: dict[str, Any]) -> dict[str, list[str]]:
    """What is wrong with ``covers`` and ``cover_ratio`` (replaced in ``data`` by the loan)."""
    if data["covers"] in (None, ""):
        if data["cover_ratio"] not in (None, ""):
            return {"cover_ratio": [_("A cover ratio goes with the loan it covers (covers).")]}
        data["covers"] = data["cover_ratio"] = None
        return {}
    message = _("A JBIC or NEXI guarantee covers a private loan on the same project.")
    if data["kind"] != "guarantee" or not rules.is_program(data["provider"]):
        return {"covers": [message]}
    try:
        pk = object_pk(data["covers"])
    except NotVisible:
        return {"covers": [message]}
    loan = Instrument.objects.filter(
        pk=pk, proposal=proposal, kind="loan", provider="private"
    ).first()
    if loan is None:
        return {"covers": [message]}
    if loan.currency != data["currency"]:
        return {"covers": [_("The guarantee and the loan it covers are in one currency.")]}
    data["covers"] = loan
    ratio, problem = _amount_problem(data["cover_ratio"], places=4)
    if problem is None and ratio > 1:
        problem = _("The cover ratio is above zero and at most 1.")
    if data["cover_ratio"] in (None, ""):
        problem = _("Give the share of the loan covered (0 < cover_ratio ≤ 1).")
    data["cover_ratio"] = ratio
    return {"cover_ratio": [problem]} if problem else {}


def _limit_breaches(proposal: Proposal, data: dict[str, Any]) -> list[rules.Breach]:
    """The limits a JBIC or NEXI commitment would breach (co-financing uses no headroom)."""
    if not rules.is_program(data["provider"]):
        return []
    on = selectors.today()
    rate = selectors.fx_rate_on(data["currency"], on)
    total_usd, equity_usd = selectors.committed_usd_totals(on)
    project_usd, _equity = selectors.committed_usd_totals(on, proposal_id=proposal.pk)
    approved = selectors.approved_amount(proposal.pk)
    approved_rate = approved and selectors.fx_rate_on(approved[1], on)
    if rate is None or total_usd is None or (approved and approved_rate is None):
        message = _("No JPY rate is on record on or before today: enter one to check the limits.")
        raise InvalidState(message, detail={"currency": [message]})
    return rules.limit_problems(
        kind=data["kind"],
        committed_usd=rules.to_usd(data["committed"], data["currency"], rate),
        total_committed_usd=total_usd,
        equity_committed_usd=equity_usd,
        limits=selectors.program_limits(),
        project_committed_usd=project_usd,
        approved_usd=approved and rules.to_usd(approved[0], approved[1], approved_rate),
    )


def within_limits_check(proposal: Proposal, data: dict[str, Any]) -> None:
    """Under the limits lock, refuse (409) a commitment of ``data["committed"]`` (its kind,
    provider and currency) that would take the program or the project over a limit: a new
    instrument, or a cancellation reversed."""
    lock_program_limits()
    breaches = _limit_breaches(proposal, data)
    if breaches:
        raise InvalidState(
            breaches[0].message,
            detail={
                "committed": [breach.message for breach in breaches],
                "limit": [breach.limit for breach in breaches],
            },
        )


@transaction.atomic
def instrument_commit(
    *, user: Any, proposal_id: Any, body: Reader | None = None, **given: Any
) -> Instrument:
    """Commit an instrument on a project in funding; JBIC and NEXI ones within the program's
    limits and the amount approved for the project.

    The input (``_instrument_write``'s keywords) is read once the policy allows
    (core/inputs.py).
    """
    proposal = funding_check(user, proposal_id, lock=True)
    return _instrument_write(user=user, proposal=proposal, **inputs.read(body, given))


def _instrument_write(
    *,
    user: Any,
    proposal: Proposal,
    kind: str,
    provider: str,
    currency: str,
    committed: Any,
    signed_on: Any = None,
    covers: Any = None,
    cover_ratio: Any = None,
) -> Instrument:
    _require_funding_state(proposal)
    data = {
        "kind": kind,
        "provider": provider,
        "currency": currency,
        "committed": committed,
        "signed_on": signed_on,
        "covers": covers,
        "cover_ratio": cover_ratio,
    }
    problems = _instrument_problems(data)
    if not problems:
        problems = _cover_problems(proposal, data)
    _raise_problems(problems)
    within_limits_check(proposal, data)
    instrument = Instrument.objects.create(
        proposal=proposal,
        committed_by=user,
        signed_on=data["signed_on"] or selectors.today(),
        signed_on_given=data["signed_on"] is not None,
        **{k: data[k] for k in ("kind", "provider", "currency", "committed", "covers")},
        cover_ratio=data["cover_ratio"],
    )
    decision_log_append(
        actor=user,
        event="instrument_committed",
        proposal=proposal.reference,
        data={
            "instrument": instrument.pk,
            **{k: data[k] for k in ("kind", "provider", "currency", "committed")},
            "signed_on": instrument.signed_on,
            "covers": instrument.covers_id,
            "cover_ratio": instrument.cover_ratio,
        },
    )
    _recompute_on_commit(instrument.pk)
    return instrument


def _transaction_input(
    instrument: Instrument, type: str, amount: Any, value_date: Any
) -> tuple[Decimal, dt.date]:
    """The amount and value date of a new transaction, or ``Invalid`` saying what is wrong."""
    problems: dict[str, list[str]] = {}
    places = rules.PLACES.get(instrument.currency, 2)
    amount_value, problem = _amount_problem(amount, places=places)
    if problem:
        problems["amount"] = [problem]
    date_value, problem = _date_problem(value_date)
    if problem:
        problems["value_date"] = [problem]
    elif instrument.signed_on_given and date_value < instrument.signed_on:
        problems["value_date"] = [
            _("The instrument was signed on %(day)s: no money moved on it before.")
            % {"day": instrument.signed_on.isoformat()}
        ]
    problem = rules.type_problem(instrument.kind, type)
    if problem:
        problems["type"] = [problem]
    _raise_problems(problems)
    return amount_value, date_value


def _instrument_for_funding(user: Any, instrument_id: Any) -> tuple[Proposal, Instrument]:
    """Lock the instrument's proposal (404 unseen, 403 unless staff), then the instrument."""
    pk = object_pk(instrument_id)
    found = Instrument.objects.filter(pk=pk).values_list("proposal_id", flat=True).first()
    if found is None:
        raise NotVisible(_("Not found."))
    proposal = funding_check(user, found, lock=True)
    return proposal, Instrument.objects.select_for_update().get(pk=pk)


def _ledger_entries(instrument: Instrument) -> list[rules.Entry]:
    return [
        rules.Entry(type=t, amount=a, value_date=d)
        for t, a, d in instrument.transactions.values_list("type", "amount", "value_date")
    ]


def _transaction_checked(
    instrument: Instrument, type: str, amount: Any, value_date: Any
) -> rules.Entry:
    """The entry if it may be recorded on the instrument now, else ``Invalid`` per field."""
    amount_value, date_value = _transaction_input(instrument, type, amount, value_date)
    entry = rules.Entry(type=type, amount=amount_value, value_date=date_value)
    _raise_problems(
        rules.transaction_problems(
            kind=instrument.kind,
            committed=instrument.committed,
            existing=_ledger_entries(instrument),
            new=entry,
            today=selectors.today(),
        )
    )
    return entry


def needs_four_eyes(amount: Decimal, currency: str, on: dt.date) -> bool:
    """Whether an entry of ``amount`` waits for a second staff user: at or above
    ``ACCORD_FOUR_EYES_USD`` at the day's rate (a yen amount with no rate to value it: yes)."""
    threshold = settings.ACCORD_FOUR_EYES_USD
    if threshold is None:
        return False
    usd = rules.to_usd(amount, currency, selectors.fx_rate_on(currency, on))
    return usd is None or usd >= threshold


@transaction.atomic
def transaction_record(
    *, user: Any, instrument_id: Any, body: Reader | None = None, **given: Any
) -> Transaction | Approval:
    """Record money that moved on an instrument (or a cancellation of what is undrawn),
    keeping its exposure, claims and drawings in bounds; at or above the four-eyes
    threshold, ask a second staff user instead (``Approval``).

    The input (``type``, ``amount``, ``value_date``) is read once the policy allows
    (core/inputs.py).
    """
    proposal, instrument = _instrument_for_funding(user, instrument_id)
    return _transaction_write(
        user=user, proposal=proposal, instrument=instrument, **inputs.read(body, given)
    )


@transaction.atomic
def transaction_record_on(
    *, user: Any, proposal_id: Any, body: Reader | None = None, **given: Any
) -> Transaction | Approval:
    """``transaction_record`` as the proposal page's form asks it: the page names the
    proposal (404, 403), the input names one of its instruments (``instrument_id``) beside
    ``type``, ``amount`` and ``value_date``.
    """
    proposal = funding_check(user, proposal_id, lock=True)
    data = inputs.read(body, given)
    pk = object_pk(data.pop("instrument_id", None))
    instrument = Instrument.objects.select_for_update().filter(pk=pk, proposal=proposal).first()
    if instrument is None:
        raise NotVisible(_("Not found."))
    return _transaction_write(user=user, proposal=proposal, instrument=instrument, **data)


def _transaction_write(
    *,
    user: Any,
    proposal: Proposal,
    instrument: Instrument,
    type: str,
    amount: Any,
    value_date: Any,
) -> Transaction | Approval:
    _require_funding_state(proposal)
    entry = _transaction_checked(instrument, type, amount, value_date)
    if needs_four_eyes(entry.amount, instrument.currency, entry.value_date):
        payload = {
            "instrument": instrument.pk,
            "type": entry.type,
            "amount": str(rules.cents(entry.amount)),
            "currency": instrument.currency,
            "value_date": entry.value_date.isoformat(),
        }
        return approval_make(
            user=user, what=Approval.What.TRANSACTION, proposal=proposal, payload=payload
        )
    return transaction_apply(user=user, proposal=proposal, instrument=instrument, entry=entry)


def transaction_apply(
    *,
    user: Any,
    proposal: Proposal,
    instrument: Instrument,
    entry: rules.Entry,
    approval: Approval | None = None,
) -> Transaction:
    """Save a checked entry, log it and schedule the exposure job (inside the caller's
    transaction, the proposal and instrument locked)."""
    if entry.value_date < instrument.signed_on:  # not given: signed by the day money first moved
        Instrument.objects.filter(pk=instrument.pk).update(signed_on=entry.value_date)
    row = Transaction.objects.create(
        instrument=instrument,
        type=entry.type,
        amount=entry.amount,
        value_date=entry.value_date,
        recorded_by=approval.made_by if approval else user,
        approved_by=user if approval else None,
    )
    decision_log_append(
        actor=user,
        event="transaction_recorded",
        proposal=proposal.reference,
        data={
            "instrument": instrument.pk,
            "transaction": row.pk,
            "type": entry.type,
            "amount": entry.amount,
            "currency": instrument.currency,
            "value_date": entry.value_date,
            **({"approval": approval.pk} if approval else {}),
        },
    )
    _recompute_on_commit(instrument.pk)
    if entry.type in rules.CANCELLING:
        enqueue_on_commit(tasks.recompute_exposure, None, None, [])  # a breach may clear
    true_up_check(proposals=[proposal])
    return row


def approval_make(
    *, user: Any, what: str, proposal: Proposal, payload: dict, reason: str = ""
) -> Approval:
    """Record an entry that waits for a second staff user, and log it (inside the caller's
    transaction). It counts nowhere until approved."""
    approval = Approval.objects.create(
        what=what, proposal=proposal, payload=payload, reason=reason, made_by=user
    )
    decision_log_append(
        actor=user,
        event="approval_requested",
        proposal=proposal.reference,
        data={"approval": approval.pk, "what": what, **payload, "reason": reason},
    )
    return approval


def _rate_given(usd_per_unit: Any, jpy_per_usd: Any) -> tuple[Decimal | None, dict]:
    """USD per yen from whichever form was given (exactly one), or the problems per field."""
    given = {k: v for k, v in (("usd_per_unit", usd_per_unit), ("jpy_per_usd", jpy_per_usd))}
    given = {k: v for k, v in given.items() if v not in (None, "")}
    if len(given) != 1:
        message = _("Give the rate either as yen per dollar or as USD per yen (one of the two).")
        return None, {"jpy_per_usd": [message]}
    ((field, value),) = given.items()
    rate, problem = _amount_problem(value, places=rules.RATE_PLACES)
    if problem:
        return None, {field: [problem]}
    if field == "jpy_per_usd":
        # The stored form must fit too: a tiny quote is a huge number of USD per yen.
        stored, problem = _amount_problem(
            rules.usd_per_unit_from_quote(rate), places=rules.RATE_PLACES
        )
        if problem:
            smallest = Decimal(10) ** (rules.RATE_PLACES - rules.SIGNIFICANT_DIGITS)
            message = _("Enter a rate of more than %(smallest)s yen per dollar.")
            return None, {field: [message % {"smallest": f"{smallest:f}"}]}
        rate = stored
    return rate, {}


def _rate_jump_check(day: dt.date, rate: Decimal, *, field: str) -> None:
    """Refuse (400) a rate more than 10% from the nearest recorded one, naming it."""
    near = []
    for lookup, order in (("date__lt", "-date"), ("date__gt", "date")):
        row = (
            FxRate.objects.filter(currency="JPY", **{lookup: day})
            .order_by(order)
            .values("date", "usd_per_unit")
            .first()
        )
        if row:
            near.append(rules.Neighbour(row["date"], row["usd_per_unit"]))
    problem = rules.rate_jump_problem(rate, rules.nearest_rate(day, near))
    if problem:
        confirm = _("Send “confirm”: true (tick “This rate is right”) to record it anyway.")
        raise Invalid(problem, detail={field: [problem], "confirm": [confirm]})


@transaction.atomic
def fx_rate_set(*, user: Any, body: Reader | None = None, **given: Any) -> FxRate:
    """Enter (or correct) the day's rate of a currency, as USD per yen or as the market
    quotes it (yen per dollar). A move of more than 10% from the nearest recorded rate needs
    ``confirm``. USD figures are converted when read, so every page shows the rate at once;
    the recorded totals of the days it now converts are recorded again on commit, and so is
    the check of the projects whose restated waterfall it may change (a true-up announced).

    The input (``_fx_rate_write``'s keywords) is read once the policy allows (core/inputs.py).
    """
    proposal_permissions.require(
        permissions.can_set_fx_rates(user), _("Only secretariat staff enter FX rates.")
    )
    return _fx_rate_write(user=user, **inputs.read(body, given))


def _fx_rate_write(
    *,
    user: Any,
    date: Any,
    currency: str,
    usd_per_unit: Any = None,
    jpy_per_usd: Any = None,
    source: str = "",
    confirm: bool = False,
) -> FxRate:
    day, rate, source = _fx_rate_checked(date, currency, usd_per_unit, jpy_per_usd, source)
    if not confirm:
        _rate_jump_check(day, rate, field="jpy_per_usd" if jpy_per_usd else "usd_per_unit")
    row = FxRate.objects.select_for_update().filter(currency=currency, date=day).first()
    previous = row.usd_per_unit if row else None
    previous_source = row.source if row else None
    if row is None:
        row = FxRate(currency=currency, date=day)
    row.usd_per_unit = rate
    row.source = source
    row.entered_by = user
    row.save()
    decision_log_append(
        actor=user,
        event="fx_rate_set",
        data={
            "date": day,
            "currency": currency,
            "usd_per_unit": rate,
            "jpy_per_usd": rules.quote_from_usd_per_unit(rate),
            "source": source,
            "confirmed": bool(confirm),
            "previous": previous,
            "previous_source": previous_source,
        },
    )
    _after_rate_on_commit(currency, day)
    return row


def _fx_rate_checked(
    date: Any, currency: str, usd_per_unit: Any, jpy_per_usd: Any, source: Any
) -> tuple[dt.date, Decimal, str]:
    """The rate's day, USD per unit and source, or ``Invalid`` with a message per field."""
    problems: dict[str, list[str]] = {}
    if currency != "JPY":
        problems["currency"] = [_("Rates are entered for JPY (USD is the unit).")]
    day, problem = _date_problem(date)
    if problem:
        problems["date"] = [problem]
    rate, rate_problems = _rate_given(usd_per_unit, jpy_per_usd)
    problems.update(rate_problems)
    source = str(source or "").strip()
    if len(source) > 100:
        problems["source"] = [_("At most 100 characters.")]
    _raise_problems(problems)
    return day, rate, source


def _after_rate_on_commit(currency: str, day: dt.date) -> None:
    """Record again the totals the rate now converts and check the limits (a rate that moved
    may take the commitments over one, or back under), and check the projects whose splits
    it can restate (a distribution on or after its day) for a true-up."""
    converted = selectors.exposure_days_converted_by(currency, day)
    enqueue_on_commit(tasks.recompute_exposure, None, None, [d.isoformat() for d in converted])
    affected = sorted(
        set(Distribution.objects.filter(date__gte=day).values_list("proposal_id", flat=True))
    )
    if affected:
        enqueue_on_commit(tasks.announce_true_ups, affected)


# --- end of ledger ------------------------------------------------------------------------

# --- Profit sharing, recovery and yen stress (docs/waterfall.md, docs/ledger.md) -----

# Cash is distributed by projects that are being funded or running: the same states in which
# instruments are committed and money moves (docs/ledger.md). Before approval nothing was invested;
# a closed project has settled its accounts.
DISTRIBUTING_STATES = permissions.FUNDING_STATES


@dataclass(frozen=True)
class _Cash:
    """A distribution as checked: what came in and its USD value at the date."""

    amount: Decimal
    currency: str
    date: dt.date
    usd_per_unit: Decimal | None
    amount_usd: Decimal


def _distribution_usd(
    amount: Decimal, currency: str, date: dt.date
) -> tuple[Decimal | None, Decimal]:
    """The rate a distribution converts at (None for USD) and its USD amount, or why not."""
    if currency == "USD":
        return None, amount
    usd_per_unit = selectors.fx_rate_on("JPY", date)
    if usd_per_unit is None:
        raise InvalidState(
            _("No JPY rate on or before %(date)s: enter one before recording this distribution.")
            % {"date": date.isoformat()},
            detail={"currency": [_("No JPY rate on or before this date.")]},
        )
    amount_usd = rules.cents(amount * usd_per_unit)
    problem = rules.exactness_problem(amount_usd, places=2)
    if amount_usd <= 0:
        problem = _("The amount is worth less than a cent.")
    if problem:
        raise Invalid(problem, detail={"amount": [problem]})
    return usd_per_unit, amount_usd


def _distribution_checked(proposal: Proposal, amount: Any, currency: str, date: Any) -> _Cash:
    """The distribution's values if it may be recorded on the proposal now."""
    problems: dict[str, list[str]] = {}
    if currency not in rules.CURRENCIES:
        problems["currency"] = [_("Choose USD or JPY.")]
    amount, problem = _amount_problem(amount, places=rules.PLACES.get(currency, 2))
    if problem:
        problems["amount"] = [problem]
    date, problem = _date_problem(date)
    if problem:
        problems["date"] = [problem]
    if problems:
        raise Invalid(_("The distribution was not recorded."), detail=problems)
    if proposal.status not in DISTRIBUTING_STATES:
        raise InvalidState(
            _(
                "Distributions are recorded while a project is in funding or active "
                "(it is “%(status)s”)."
            )
            % {"status": proposal.get_status_display()}
        )
    _distribution_order_check(proposal, date)
    usd_per_unit, amount_usd = _distribution_usd(amount, currency, date)
    return _Cash(amount, currency, date, usd_per_unit, amount_usd)


def _distribution_order_check(proposal: Proposal, date: dt.date) -> None:
    """The waterfall depends on order: a new distribution is not dated before the last one
    that stands (reversed ones and their reversals aside)."""
    last = (
        Distribution.objects.filter(
            proposal=proposal, reverses__isnull=True, reversed_by__isnull=True
        )
        .order_by("-date", "-id")
        .values_list("date", flat=True)
        .first()
    )
    if last is not None and date < last:
        raise Invalid(
            _(
                "A distribution dated %(last)s is already recorded; "
                "a new one cannot be dated before it."
            )
            % {"last": last.isoformat()},
            detail={"date": [_("Give %(last)s or a later date.") % {"last": last.isoformat()}]},
        )


@transaction.atomic
def distribution_record(
    *, user: Any, proposal_id: Any, body: Reader | None = None, **given: Any
) -> Distribution | Approval:
    """Record cash a project distributed and split it by the waterfall (docs/waterfall.md); at or
    above the four-eyes threshold, ask a second staff user instead (``Approval``).

    The input (``amount``, ``currency``, ``date``) is read once the policy allows
    (core/inputs.py).
    """
    proposal = funding_check(user, proposal_id, lock=True)  # locked: one distribution at a time
    return _distribution_write(user=user, proposal=proposal, **inputs.read(body, given))


def _distribution_write(
    *, user: Any, proposal: Proposal, amount: Any, currency: str, date: Any
) -> Distribution | Approval:
    cash = _distribution_checked(proposal, amount, currency, date)
    if needs_four_eyes(cash.amount_usd, "USD", cash.date):
        payload = {
            "amount": str(rules.cents(cash.amount)),
            "currency": cash.currency,
            "date": cash.date.isoformat(),
            "amount_usd": str(cash.amount_usd),
        }
        return approval_make(
            user=user, what=Approval.What.DISTRIBUTION, proposal=proposal, payload=payload
        )
    return distribution_apply(user=user, proposal=proposal, cash=cash)


def distribution_apply(
    *, user: Any, proposal: Proposal, cash: _Cash, approval: Approval | None = None
) -> Distribution:
    """Split checked cash by the waterfall over the current ledger (J at its date, Japan's
    restated receipts before it), save it and log it (inside the caller's transaction)."""
    position = selectors.restatement(proposal=proposal, on=cash.date)
    if position.investment is None or not position.complete:
        raise InvalidState(
            _("Japan's investment cannot be valued: a yen amount by %(date)s has no rate.")
            % {"date": cash.date.isoformat()},
        )
    investment, recovered = position.investment.net, position.recovered
    split = rules.waterfall(investment=investment, recovered=recovered, amount=cash.amount_usd)
    distribution = Distribution.objects.create(
        proposal=proposal,
        date=cash.date,
        amount=cash.amount,
        currency=cash.currency,
        usd_per_unit=cash.usd_per_unit,
        amount_usd=cash.amount_usd,
        japan=split.japan,
        us=split.us,
        japan_investment=investment,
        japan_recovered=recovered,
        phase=split.phase,
        recorded_by=approval.made_by if approval else user,
        approved_by=user if approval else None,
    )
    decision_log_append(
        actor=user,
        event="distribution_recorded",
        proposal=proposal.reference,
        data={
            "distribution": distribution.pk,
            "date": cash.date.isoformat(),
            "amount": str(cash.amount),
            "currency": cash.currency,
            "amount_usd": str(cash.amount_usd),
            "japan": str(split.japan),
            "us": str(split.us),
            "japan_investment": str(investment),
            "japan_recovered": str(recovered),
            "phase": split.phase,
            **({"approval": approval.pk} if approval else {}),
        },
    )
    return distribution


# --- end of profit sharing ----------------------------------------------------------------
