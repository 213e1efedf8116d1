"""Writes on the program's money: each one transaction that locks, checks the policy and
the rules, saves, appends to the decision log and schedules its side effects on commit."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_DOWN, Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from core.decision_log import decision_log_append
from core.errors import Invalid, InvalidState, NotVisible, object_pk
from core.formatting import too_large_message
from core.jobs import enqueue_on_commit
from financing import permissions
from projects import permissions as proposal_permissions
from projects.models import Proposal

from . import rules, selectors, tasks
from .models import Distribution, FxRate, Instrument, Transaction

# --- Ledger: instruments, transactions, FX rates, exposure, limits (CONTRACT §6) ---------

# Any two commitments are checked against the program's limits one after the other: on
# PostgreSQL a transaction-scoped advisory lock under this key (SQLite serialises writers).
LIMITS_LOCK_KEY = 0x6163636F7264  # "accord"
MONEY_MAX = Decimal("1e18")  # 20 digits, 2 of them decimal places
CENT = Decimal("0.01")


def _amount_problem(value: Any, *, rate: bool = False) -> tuple[Decimal | None, str | None]:
    """Read a money amount (or a rate): the value, or why it is not acceptable."""
    try:
        amount = Decimal(str(value).strip()) if not isinstance(value, Decimal) else value
    except (ArithmeticError, ValueError):
        return None, _("Enter a number.")
    if not amount.is_finite():
        return None, _("Enter a number.")
    if amount <= 0:
        return None, _("The amount must be above zero.")
    # Size first: quantizing 1e40 needs more digits than the context has (InvalidOperation).
    if amount >= (Decimal("1e10") if rate else MONEY_MAX):
        largest = Decimal("9999999999.9999999999") if rate else MONEY_MAX - CENT
        return None, str(too_large_message(largest))
    places = 10 if rate else 2
    if amount != amount.quantize(Decimal(1).scaleb(-places), rounding=ROUND_DOWN):
        return None, _("Use at most %(places)d decimal places.") % {"places": places}
    return amount, None


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


def _lock_program_limits() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LIMITS_LOCK_KEY])


def _recompute_on_commit(instrument_id: int) -> None:
    """Bring the instrument's figures up to today once the write commits."""
    enqueue_on_commit(tasks.recompute_exposure, None, [instrument_id])


@transaction.atomic
def instrument_commit(
    *, user: Any, proposal_id: Any, kind: str, provider: str, currency: str, committed: Any
) -> Instrument:
    """Commit an instrument on a project in funding, within the program's limits."""
    proposal = _funding_proposal(user, proposal_id)
    _require_funding_state(proposal)
    problems: dict[str, list[str]] = {}
    if kind not in rules.KINDS:
        problems["kind"] = [_("Choose equity, loan or guarantee.")]
    if provider not in rules.PROVIDERS:
        problems["provider"] = [_("Choose JBIC, NEXI or private.")]
    if currency not in rules.CURRENCIES:
        problems["currency"] = [_("Choose USD or JPY.")]
    amount, problem = _amount_problem(committed)
    if problem:
        problems["committed"] = [problem]
    _raise_problems(problems)

    _lock_program_limits()
    on = selectors.today()
    rate = selectors.fx_rate_on(currency, on)
    total_usd, equity_usd = selectors.committed_usd_totals(on)
    if rate is None or total_usd is None:
        message = _("No JPY rate is on record on or before today: enter one to check the limits.")
        raise InvalidState(message, detail={"currency": [message]})
    breaches = rules.limit_problems(
        kind=kind,
        committed_usd=rules.to_usd(amount, currency, rate),
        total_committed_usd=total_usd,
        equity_committed_usd=equity_usd,
        limits=selectors.program_limits(),
    )
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
        kind=kind,
        provider=provider,
        currency=currency,
        committed=amount,
        committed_by=user,
    )
    decision_log_append(
        actor=user,
        event="instrument_committed",
        proposal=proposal.reference,
        data={
            "instrument": instrument.pk,
            "kind": kind,
            "provider": provider,
            "currency": currency,
            "committed": amount,
        },
    )
    _recompute_on_commit(instrument.pk)
    return instrument


@transaction.atomic
def transaction_record(
    *, user: Any, instrument_id: Any, type: str, amount: Any, value_date: Any
) -> Transaction:
    """Record money that moved on an instrument, keeping its exposure and drawings in bounds."""
    pk = object_pk(instrument_id)
    found = Instrument.objects.filter(pk=pk).values_list("proposal_id", flat=True).first()
    if found is None:
        raise NotVisible(_("Not found."))
    proposal = _funding_proposal(user, found)
    _require_funding_state(proposal)
    instrument = Instrument.objects.select_for_update().get(pk=pk)
    problems: dict[str, list[str]] = {}
    amount_value, problem = _amount_problem(amount)
    if problem:
        problems["amount"] = [problem]
    date_value, problem = _date_problem(value_date)
    if problem:
        problems["value_date"] = [problem]
    problem = rules.type_problem(instrument.kind, type)
    if problem:
        problems["type"] = [problem]
    _raise_problems(problems)
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
    rate, problem = _amount_problem(usd_per_unit, rate=True)
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
    converted = selectors.exposure_days_converted_by(currency, day)
    if converted:
        enqueue_on_commit(tasks.recompute_exposure, None, None, [d.isoformat() for d in converted])
    return row


# --- end of ledger ------------------------------------------------------------------------

# --- Profit sharing, recovery and yen stress (CONTRACT §6 stress, §7) ---------------------

# Cash is distributed by projects that are being funded or running: the same states in which
# instruments are committed and money moves (CONTRACT §6). Before approval nothing was invested;
# a closed project has settled its accounts.
DISTRIBUTING_STATES = permissions.FUNDING_STATES


@transaction.atomic
def distribution_record(
    *, user: Any, proposal_id: Any, amount: Any, currency: str, date: Any
) -> Distribution:
    """Record cash a project distributed and split it by the waterfall (CONTRACT §7)."""
    proposal = _funding_proposal(user, proposal_id)  # locked: one distribution at a time
    problems: dict[str, list[str]] = {}
    amount, problem = _amount_problem(amount)
    if problem:
        problems["amount"] = [problem]
    if currency not in rules.CURRENCIES:
        problems["currency"] = [_("Choose USD or JPY.")]
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
    usd_per_unit = None
    if currency == "USD":
        amount_usd = amount
    else:
        usd_per_unit = selectors.fx_rate_on("JPY", date)
        if usd_per_unit is None:
            raise InvalidState(
                _(
                    "No JPY rate on or before %(date)s: "
                    "enter one before recording this distribution."
                )
                % {"date": date.isoformat()},
                detail={"currency": [_("No JPY rate on or before this date.")]},
            )
        amount_usd = rules.cents(amount * usd_per_unit)
        if amount_usd <= 0:
            raise Invalid(
                _("The amount is worth less than a cent."),
                detail={"amount": [_("The amount is worth less than a cent.")]},
            )
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
