"""Writes on the program's money: each one transaction that locks, checks the policy and
the rules, saves, appends to the decision log and schedules its side effects on commit."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from core.decision_log import decision_log_append
from core.errors import Invalid, InvalidState, NotVisible, object_pk
from core.jobs import enqueue_on_commit
from financing import permissions
from projects import permissions as proposal_permissions
from projects.models import Proposal

from . import rules, selectors, tasks
from .breaches import lock_program_limits
from .models import Distribution, FxRate, Instrument, Transaction

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


def _funding_proposal(user: Any, proposal_id: Any) -> Proposal:
    """Lock the proposal; 404 if the user may not see it, 403 unless staff."""
    pk = object_pk(proposal_id)
    proposal = Proposal.objects.select_for_update().filter(pk=pk).first()
    proposal = proposal_permissions.require_view(user, proposal)
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


@transaction.atomic
def instrument_commit(
    *,
    user: Any,
    proposal_id: Any,
    kind: str,
    provider: str,
    currency: str,
    committed: Any,
    signed_on: Any = None,
    covers: Any = None,
    cover_ratio: Any = None,
) -> Instrument:
    """Commit an instrument on a project in funding; JBIC and NEXI ones within the program's
    limits and the amount approved for the project."""
    proposal = _funding_proposal(user, proposal_id)
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


@transaction.atomic
def transaction_record(
    *, user: Any, instrument_id: Any, type: str, amount: Any, value_date: Any
) -> Transaction:
    """Record money that moved on an instrument (or a cancellation of what is undrawn),
    keeping its exposure, claims and drawings in bounds."""
    pk = object_pk(instrument_id)
    found = Instrument.objects.filter(pk=pk).values_list("proposal_id", flat=True).first()
    if found is None:
        raise NotVisible(_("Not found."))
    proposal = _funding_proposal(user, found)
    _require_funding_state(proposal)
    instrument = Instrument.objects.select_for_update().get(pk=pk)
    amount_value, date_value = _transaction_input(instrument, type, amount, value_date)
    existing = [
        rules.Entry(type=t, amount=a, value_date=d)
        for t, a, d in instrument.transactions.values_list("type", "amount", "value_date")
    ]
    _raise_problems(
        rules.transaction_problems(
            kind=instrument.kind,
            committed=instrument.committed,
            existing=existing,
            new=rules.Entry(type=type, amount=amount_value, value_date=date_value),
            today=selectors.today(),
        )
    )
    if date_value < instrument.signed_on:  # not given: signed by the day money first moved
        Instrument.objects.filter(pk=pk).update(signed_on=date_value)
    row = Transaction.objects.create(
        instrument=instrument,
        type=type,
        amount=amount_value,
        value_date=date_value,
        recorded_by=user,
    )
    decision_log_append(
        actor=user,
        event="transaction_recorded",
        proposal=proposal.reference,
        data={
            "instrument": instrument.pk,
            "transaction": row.pk,
            "type": type,
            "amount": amount_value,
            "currency": instrument.currency,
            "value_date": date_value,
        },
    )
    _recompute_on_commit(instrument.pk)
    if type in rules.CANCELLING:
        enqueue_on_commit(tasks.recompute_exposure, None, None, [])  # a breach may clear
    return row


@transaction.atomic
def fx_rate_set(*, user: Any, date: Any, currency: str, usd_per_unit: Any) -> FxRate:
    """Enter (or correct) the day's rate of a currency. USD figures are converted when read,
    so every page shows the rate at once; the recorded totals of the days it now converts
    (those on or after ``date``, up to the next rate) are recorded again on commit."""
    proposal_permissions.require(
        permissions.can_set_fx_rates(user), _("Only secretariat staff enter FX rates.")
    )
    problems: dict[str, list[str]] = {}
    if currency != "JPY":
        problems["currency"] = [_("Rates are entered for JPY (USD is the unit).")]
    day, problem = _date_problem(date)
    if problem:
        problems["date"] = [problem]
    rate, problem = _amount_problem(usd_per_unit, places=rules.RATE_PLACES)
    if problem:
        problems["usd_per_unit"] = [problem]
    _raise_problems(problems)
    row = FxRate.objects.select_for_update().filter(currency=currency, date=day).first()
    previous = row.usd_per_unit if row else None
    if row is None:
        row = FxRate(currency=currency, date=day)
    row.usd_per_unit = rate
    row.entered_by = user
    row.save()
    decision_log_append(
        actor=user,
        event="fx_rate_set",
        data={"date": day, "currency": currency, "usd_per_unit": rate, "previous": previous},
    )
    # The totals recorded for the days it converts are recorded again, and the limits
    # checked: a rate that moved may take the commitments over one, or back under.
    converted = selectors.exposure_days_converted_by(currency, day)
    enqueue_on_commit(tasks.recompute_exposure, None, None, [d.isoformat() for d in converted])
    return row


# --- end of ledger ------------------------------------------------------------------------

# --- Profit sharing, recovery and yen stress (docs/waterfall.md, docs/ledger.md) -----

# Cash is distributed by projects that are being funded or running: the same states in which
# instruments are committed and money moves (docs/ledger.md). Before approval nothing was invested;
# a closed project has settled its accounts.
DISTRIBUTING_STATES = permissions.FUNDING_STATES


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


@transaction.atomic
def distribution_record(
    *, user: Any, proposal_id: Any, amount: Any, currency: str, date: Any
) -> Distribution:
    """Record cash a project distributed and split it by the waterfall (docs/waterfall.md)."""
    proposal = _funding_proposal(user, proposal_id)  # locked: one distribution at a time
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
    history = Distribution.objects.filter(proposal=proposal)
    last = history.order_by("-date", "-id").first()
    if last is not None and date < last.date:
        # The waterfall depends on order: an earlier one would change every later split.
        raise Invalid(
            _(
                "A distribution dated %(last)s is already recorded; "
                "a new one cannot be dated before it."
            )
            % {"last": last.date.isoformat()},
            detail={
                "date": [_("Give %(last)s or a later date.") % {"last": last.date.isoformat()}]
            },
        )
    usd_per_unit, amount_usd = _distribution_usd(amount, currency, date)
    investment = selectors.japan_investment(proposal_ids=[proposal.pk], on=date)[proposal.pk]
    if investment.missing:
        raise InvalidState(
            _("Japan's investment cannot be valued: no JPY rate on or before %(date)s.")
            % {"date": investment.missing[0].isoformat()},
        )
    recovered = history.aggregate(total=Sum("japan"))["total"] or Decimal("0")
    split = rules.waterfall(investment=investment.usd, recovered=recovered, amount=amount_usd)
    distribution = Distribution.objects.create(
        proposal=proposal,
        date=date,
        amount=amount,
        currency=currency,
        usd_per_unit=usd_per_unit,
        amount_usd=amount_usd,
        japan=split.japan,
        us=split.us,
        japan_investment=investment.usd,
        japan_recovered=recovered,
        phase=split.phase,
        recorded_by=user,
    )
    decision_log_append(
        actor=user,
        event="distribution_recorded",
        proposal=proposal.reference,
        data={
            "distribution": distribution.pk,
            "date": date.isoformat(),
            "amount": str(amount),
            "currency": currency,
            "amount_usd": str(amount_usd),
            "japan": str(split.japan),
            "us": str(split.us),
            "japan_investment": str(investment.usd),
            "japan_recovered": str(recovered),
            "phase": split.phase,
        },
    )
    return distribution


# --- end of profit sharing ----------------------------------------------------------------
