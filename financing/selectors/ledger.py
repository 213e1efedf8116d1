"""Reads of the ledger (docs/ledger.md): instruments, transactions, FX rates, exposure and limits.

``ledger_figures`` is the one computation of an instrument's figures: the exposure job writes
what it gives, and ``exposure_figures`` is the one read of them (today's stored figures, or
another day's on request) behind the API, the page and the stress.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db.models import (
    Case,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    Func,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Least
from django.db.models.sql.constants import LOUTER
from django.utils import timezone
from django.utils.translation import gettext as _
from django_cte import CTE, with_cte

from core.errors import NotVisible, object_pk
from financing import permissions
from projects import permissions as proposal_permissions
from projects.models import Proposal

from .. import rules
from ..models import ExposureDay, FxRate, Instrument, Transaction, business_today

# --- Ledger: instruments, transactions, FX rates, exposure, limits (docs/ledger.md) ---------

MONEY_FIELD = DecimalField(max_digits=20, decimal_places=2)
RATE_FIELD = DecimalField(max_digits=20, decimal_places=10)
ZERO = Decimal("0")


def today() -> dt.date:
    """The program's day, the default ``as_of``: the calendar day in ``ACCORD_BUSINESS_TZ``
    (Tokyo by default), for value dates, signing dates and the nightly job alike."""
    return business_today()


def fx_rate_on(currency: str, on: dt.date) -> Decimal | None:
    """USD per unit of ``currency`` at the latest rate on or before ``on`` (None: no rate)."""
    if currency == "USD":
        return Decimal(1)
    return (
        FxRate.objects.filter(currency=currency, date__lte=on)
        .order_by("-date")
        .values_list("usd_per_unit", flat=True)
        .first()
    )


def exposure_days_converted_by(currency: str, day: dt.date) -> list[dt.date]:
    """The days whose recorded exposure totals convert at the rate of ``currency`` entered
    for ``day``: those on or after it, before the next rate."""
    later = (
        FxRate.objects.filter(currency=currency, date__gt=day)
        .order_by("date")
        .values_list("date", flat=True)
        .first()
    )
    days = ExposureDay.objects.filter(as_of__gte=day, totals_at__isnull=False)
    if later is not None:
        days = days.filter(as_of__lt=later)
    return list(days.order_by("as_of").values_list("as_of", flat=True))


def fx_rates_list() -> QuerySet:
    """Every FX rate on record, latest first (the view's policy decides who reads them)."""
    return FxRate.objects.select_related("entered_by").order_by("-date", "currency")


class UsdCents(Func):
    """``amount`` times ``rate`` (USD per unit), rounded half-even to the cent, in the database.

    PostgreSQL's arithmetic on numerics is exact, but its ``round()`` rounds half away from
    zero. A tie is a product with exactly three decimals whose last two digits, with the
    cent's, leave 5 or -5 modulo 20 (an even cent, then a 5): that is truncated instead. Few
    operations, because the exposure job evaluates this for every instrument.

    SQLite has only floats, in which neither the product nor a tie is exact: there the
    product is computed in Python, on the amount and the rate restored to their decimal
    places (``sqlite_usd_cents``, registered on each connection as ``ACCORD_USD_CENTS``), so
    that the embedded default shows the same cents as PostgreSQL.
    """

    function = "ACCORD_USD_CENTS"
    output_field = MONEY_FIELD
    arity = 2

    def as_postgresql(self, compiler, connection, **extra_context):
        amount, amount_params = compiler.compile(self.source_expressions[0])
        rate, rate_params = compiler.compile(self.source_expressions[1])
        x = f"(({amount}) * ({rate}))"
        return (
            f"(CASE WHEN {x} = ROUND({x}, 3) AND ABS(MOD({x} * 1000, 20)) = 5 "
            f"THEN TRUNC({x}, 2) ELSE ROUND({x}, 2) END)::numeric(20, 2)",
            [*amount_params, *rate_params] * 5,
        )


def _restored(value: Any, places: int) -> Decimal:
    """A number SQLite handed back (int, float or text), as the decimal it was stored as."""
    exact = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    return exact.quantize(Decimal(1).scaleb(-places))


def sqlite_usd_cents(amount: Any, rate: Any) -> float | None:
    """``ACCORD_USD_CENTS`` on SQLite: the cents of ``amount`` × ``rate``, half-even (a float,
    the only number SQLite has; Django reads it back to the cent)."""
    if amount is None or rate is None:
        return None
    product = _restored(amount, MONEY_FIELD.decimal_places) * _restored(
        rate, RATE_FIELD.decimal_places
    )
    return float(rules.cents(product))


def usd_cents(amount: Any, currency: str, jpy_rate: Decimal | None) -> Case:
    """``amount`` (an expression in the currency of the column ``currency``) in USD cents:
    a dollar amount as it is, a yen amount at ``jpy_rate`` rounded half-even (null when there
    is no rate: flagged, never zero). Only the yen rows pay for the rounding."""
    return Case(
        When(**{currency: "USD"}, then=amount),
        When(
            **{currency: "JPY"},
            then=Value(None) if jpy_rate is None else UsdCents(amount, Value(jpy_rate)),
        ),
        default=Value(None),
        output_field=MONEY_FIELD,
    )


def usd_per_unit(currency: str, jpy_rate: Decimal | None) -> Case:
    """USD per unit of the currency in the column ``currency``: 1 for USD, the day's JPY
    rate (null when there is none: the USD figure is then null, never zero)."""
    return Case(
        When(**{currency: "USD"}, then=Value(Decimal(1))),
        When(**{currency: "JPY"}, then=Value(jpy_rate)),
        default=Value(None),
        output_field=RATE_FIELD,
    )


def _types(attr: str) -> list[str]:
    """The transaction types that are ``attr`` in ``rules.LEDGER`` (``raising``, ``lowering``,
    ``claims`` or ``recovering``). Every type belongs to one kind only, but the cancellation
    that every kind takes alike (``test_rules_ledger``), and the write path refuses a type that
    does not fit the instrument's kind, so a filter on the type alone is the table's rule."""
    return [t for rule in rules.LEDGER.values() for t in getattr(rule, attr)]


def _own_exposure() -> ExpressionWrapper:
    """Raising less lowering types of the transactions grouped (an aggregate expression)."""
    raising = Coalesce(Sum("amount", filter=Q(type__in=_types("raising"))), Value(ZERO))
    lowering = Coalesce(Sum("amount", filter=Q(type__in=_types("lowering"))), Value(ZERO))
    return ExpressionWrapper(raising - lowering, output_field=MONEY_FIELD)


def _covered_exposure(as_of: dt.date) -> Case:
    """``f_exposure`` of an instrument: its own, or for a guarantee that covers a loan, at
    most ``cover_ratio`` of that loan's exposure as of ``as_of`` (``rules.covered_exposure``).
    The loan's exposure is a subquery evaluated only for the few guarantees that cover one."""
    loan = (
        Transaction.objects.filter(instrument_id=OuterRef("covers_id"), value_date__lte=as_of)
        .order_by()
        .values("instrument_id")
        .annotate(exposure=_own_exposure())
        .values("exposure")[:1]
    )
    share = UsdCents(
        Coalesce(Subquery(loan, output_field=MONEY_FIELD), Value(ZERO)), F("cover_ratio")
    )
    own = F("f_drawn") - F("f_repaid")
    return Case(
        When(covers__isnull=True, then=own),
        default=Least(own, share),
        output_field=MONEY_FIELD,
    )


def _exposure(as_of: dt.date) -> Any:
    """``f_exposure``: the cover's cap only when some guarantee covers a loan. Its subquery,
    though never run for an instrument that covers nothing, makes PostgreSQL cost every row
    of the exposure job's update as if it were, and plan it 3 to 4 times slower
    (``bench/exposure.py``): one indexed look spares the program without covers that price."""
    if Instrument.objects.filter(covers__isnull=False).exists():
        return _covered_exposure(as_of)
    return ExpressionWrapper(F("f_drawn") - F("f_repaid"), output_field=MONEY_FIELD)


def ledger_figures(
    as_of: dt.date,
    *,
    instrument_ids: Iterable[int] | None = None,
    proposal: Proposal | None = None,
    unreached: bool = False,
) -> QuerySet:
    """Every instrument signed by ``as_of`` with its figures as of that day (or those of
    ``instrument_ids``, of ``proposal``, or those the exposure job has not reached yet): one
    grouped query, conditional aggregation over the type table, no per-instrument loop. The
    exposure job (``exposure_job``) writes exactly these figures onto the instruments, and an
    ``as_of`` other than today is answered from them (``exposure_figures``).

    The transactions are summed first, by instrument, and the sums joined to the
    instruments (a CTE: summing over the join cost a sixth more, ``bench/exposure.py``).

    Columns: ``f_committed`` (less cancellations), ``f_cancelled``, ``f_drawn``, ``f_repaid``,
    ``f_exposure``, ``f_undrawn``, ``f_claims`` (calls less recoveries), ``f_rate`` (USD per
    unit; null: no rate), ``f_exposure_usd``, ``f_committed_usd`` (half-even cents; null when
    the rate is missing).
    """
    rate = fx_rate_on("JPY", as_of)
    instruments, moves = _scope(as_of, instrument_ids, proposal, unreached)
    sums = _sums(moves)

    def total(column: str) -> Coalesce:
        return Coalesce(getattr(sums.col, column), Value(ZERO), output_field=MONEY_FIELD)

    def money(expression: Any) -> ExpressionWrapper:
        return ExpressionWrapper(expression, output_field=MONEY_FIELD)

    joined = sums.join(instruments, id=sums.col.instrument_id, _join_type=LOUTER)
    return (
        with_cte(sums, select=joined)
        .annotate(
            f_cancelled=total("cancelled"),
            f_drawn=total("drawn"),
            f_repaid=total("repaid"),
            f_claims=money(total("claimed") - total("recovered")),
            f_rate=usd_per_unit("currency", rate),
        )
        .annotate(
            f_committed=money(F("committed") - F("f_cancelled")),
            f_exposure=_exposure(as_of),
        )
        .annotate(
            f_undrawn=money(F("f_committed") - F("f_drawn")),
            f_exposure_usd=usd_cents(F("f_exposure"), "currency", rate),
            f_committed_usd=usd_cents(F("f_committed"), "currency", rate),
        )
    )


def _scope(
    as_of: dt.date,
    instrument_ids: Iterable[int] | None,
    proposal: Proposal | None,
    unreached: bool,
) -> tuple[QuerySet, QuerySet]:
    """The instruments ``ledger_figures`` reports on, and the transactions that count for them."""
    instruments = Instrument.objects.filter(signed_on__lte=as_of).order_by()
    moves = Transaction.objects.filter(value_date__lte=as_of).order_by()
    if instrument_ids is not None:
        ids = [int(pk) for pk in instrument_ids]
        instruments = instruments.filter(pk__in=ids)
        moves = moves.filter(instrument_id__in=ids)
    if proposal is not None:
        instruments = instruments.filter(proposal=proposal)
        moves = moves.filter(instrument__proposal=proposal)
    if unreached:
        instruments = instruments.filter(figures_computed_at__isnull=True)
        moves = moves.filter(instrument__figures_computed_at__isnull=True)
    return instruments, moves


def _sums(moves: QuerySet) -> CTE:
    """Per instrument, the amounts of each family of transaction types (the ``moves`` CTE)."""
    return CTE(
        moves.values("instrument_id").annotate(
            **{
                name: Sum("amount", filter=Q(type__in=types))
                for name, types in (
                    ("drawn", _types("raising")),
                    ("repaid", _types("lowering")),
                    ("claimed", _types("claims")),
                    ("recovered", _types("recovering")),
                    ("cancelled", list(rules.CANCELLING)),
                )
            }
        ),
        name="moves",
    )


def instrument_get(*, user: Any, instrument_id: Any) -> Instrument:
    """The instrument if the user may read its proposal's financing, else ``NotVisible``."""
    pk = object_pk(instrument_id)
    instrument = Instrument.objects.select_related("proposal").filter(pk=pk).first()
    if instrument is None or not proposal_permissions.can_view(user, instrument.proposal):
        raise NotVisible(_("Not found."))
    proposal_permissions.require(
        permissions.can_read_financing(user, instrument.proposal),
        _("Your role may not read this project's financing."),
    )
    return instrument


def instruments_for(user: Any, proposal: Proposal) -> QuerySet:
    """The proposal's instruments, each with its current figures (all transactions)."""
    proposal_permissions.require(
        permissions.can_read_financing(user, proposal),
        _("Your role may not read this project's financing."),
    )
    return ledger_figures(dt.date.max, proposal=proposal).order_by("id")


def transactions_for(user: Any, instrument_id: Any) -> QuerySet:
    """The instrument's transactions by value date, if the user may read its financing."""
    instrument = instrument_get(user=user, instrument_id=instrument_id)
    return (
        Transaction.objects.filter(instrument=instrument)
        .select_related("recorded_by")
        .order_by("value_date", "id")
    )


def _sums_by_currency(rows: QuerySet, amount: str, path: str = "") -> dict[str, Decimal]:
    """``amount`` summed per currency, all kinds and equity alone: ``usd``, ``usd_equity``…"""
    sums = {}
    for currency in rules.CURRENCIES:
        where = {f"{path}currency": currency}
        key = currency.lower()
        sums[key] = Sum(amount, filter=Q(**where), default=ZERO)
        sums[f"{key}_equity"] = Sum(
            amount, filter=Q(**where, **{f"{path}kind": "equity"}), default=ZERO
        )
    return rows.aggregate(**sums)


def committed_usd_totals(
    on: dt.date, *, proposal_id: int | None = None
) -> tuple[Decimal | None, Decimal | None]:
    """The program's (or one project's) JBIC and NEXI commitments less their cancellations,
    and their equity part, in USD with JPY at the rate on ``on``: what the limits count.

    None when JPY commitments exist and no rate does (the limits cannot be checked).
    """
    program = Instrument.objects.filter(provider__in=rules.JAPANESE_PROVIDERS)
    if proposal_id is not None:
        program = program.filter(proposal_id=proposal_id)
    cancelled = Transaction.objects.filter(
        type__in=rules.CANCELLING, instrument__in=program.values("pk")
    )
    committed = _sums_by_currency(program, "committed")
    less = _sums_by_currency(cancelled, "amount", "instrument__")
    net = {key: committed[key] - less[key] for key in committed}
    rate = fx_rate_on("JPY", on)
    if net["jpy"] and rate is None:
        return None, None
    rate = rate or ZERO
    return net["usd"] + net["jpy"] * rate, net["usd_equity"] + net["jpy_equity"] * rate


def approved_amount(proposal_id: int) -> tuple[Decimal, str] | None:
    """The amount and currency approved for a project: those on the decision package frozen
    when its latest ballot opened (None when it has none). The package is read by its model
    name, so that financing does not import the documents app beside it."""
    package = apps.get_model("documents", "DecisionPackage")
    canonical = (
        package.objects.filter(proposal_id=proposal_id)
        .order_by("-created_at", "-id")
        .values_list("canonical", flat=True)
        .first()
    )
    if canonical is None:
        return None
    body = json.loads(bytes(canonical)).get("proposal", {})
    try:
        return Decimal(str(body["amount_requested"])), str(body["currency"])
    except (KeyError, ArithmeticError):
        return None


def program_limits() -> rules.Limits:
    return rules.Limits(
        program_usd=Decimal(settings.ACCORD_PROGRAM_LIMIT_USD),
        equity_ratio=Decimal(settings.ACCORD_EQUITY_LIMIT_RATIO),
    )


TOTAL_COLUMNS = {
    "by_kind": "kind",
    "by_provider": "provider",
    "by_sector": "sector",
    "by_sponsor": "sponsor",
    "by_currency": "currency",
}
_EXPOSURE_COLUMNS = {
    "id": "id",
    "proposal": "proposal__reference",
    "proposal_id": "proposal_id",
    "sponsor": "proposal__sponsor__name",
    "sector": "proposal__sector",
    "kind": "kind",
    "provider": "provider",
    "currency": "currency",
}


def _money(value: Decimal | None) -> str | None:
    return None if value is None else str(rules.cents(value))


def _rate(value: Decimal) -> Decimal:
    return Decimal(value).quantize(Decimal("1e-10"))


def _exposure_row(values: dict, figures: dict) -> dict:
    return {
        **{key: values[key] for key in _EXPOSURE_COLUMNS},
        "committed": _money(figures["committed"]),
        "exposure": _money(figures["exposure"]),
        "undrawn": _money(figures["undrawn"]),
        "claims": _money(figures["claims"]),
        "usd_per_unit": None if figures["rate"] is None else str(_rate(figures["rate"])),
        "exposure_usd": _money(figures["exposure_usd"]),
        "committed_usd": _money(figures["committed_usd"]),
        "rate_missing": figures["exposure_usd"] is None,
    }


def _stored_figures(as_of: dt.date) -> QuerySet:
    """The figures the exposure job stored on the instruments (those it has reached), with
    the columns of ``ledger_figures``, converted to USD at the rate of ``as_of``."""
    rate = fx_rate_on("JPY", as_of)
    return (
        Instrument.objects.filter(figures_computed_at__isnull=False)
        .order_by()
        .annotate(
            f_committed=ExpressionWrapper(
                F("committed") - Coalesce(F("cancelled"), Value(ZERO)), output_field=MONEY_FIELD
            ),
            f_exposure=F("exposure"),
            f_undrawn=F("undrawn"),
            f_claims=F("claims"),
            f_rate=usd_per_unit("currency", rate),
            f_exposure_usd=usd_cents(F("exposure"), "currency", rate),
        )
        .annotate(f_committed_usd=usd_cents(F("f_committed"), "currency", rate))
    )


@dataclass(frozen=True)
class FigureSet:
    """Every instrument's figures as of a day, in one or two querysets with the columns of
    ``ledger_figures`` (each instrument in exactly one). ``stamp`` is set when every figure
    is one the job stored: the same stamp means the same figures (a cache key)."""

    as_of: dt.date
    parts: tuple[QuerySet, ...]
    stamp: str | None


def exposure_figures(as_of: dt.date) -> FigureSet:
    """The program's figures as of ``as_of``: what every read of exposure (the API, the page,
    the stress) goes through.

    Today: the figures the exposure job stored, converted at today's rate, and, for the
    instruments it has not reached yet, the same computation on request. Another day:
    ``ledger_figures`` on request. Two aggregate counts say whether any instrument is
    unreached, so the usual page reads only the stored figures.
    """
    if as_of != today():
        return FigureSet(as_of, (ledger_figures(as_of),), None)
    stored = Instrument.objects.aggregate(
        count=Count("pk"), reached=Count("figures_computed_at"), latest=Max("figures_computed_at")
    )
    if stored["count"] == stored["reached"]:
        # Every write of the job stamps its figures with a later time, and instruments are
        # never deleted: the same count, latest stamp and rate mean the same figures.
        latest = stored["latest"] and stored["latest"].isoformat()
        stamp = f"{as_of.isoformat()}:{stored['count']}:{latest}:{fx_rate_on('JPY', as_of)}"
        return FigureSet(as_of, (_stored_figures(as_of),), stamp)
    parts = (_stored_figures(as_of), ledger_figures(as_of, unreached=True))
    return FigureSet(as_of, parts, None)


def _rows_from_figures(queryset: QuerySet) -> list[dict]:
    names = ("committed", "exposure", "undrawn", "claims", "rate", "exposure_usd", "committed_usd")
    rows = queryset.values(*_EXPOSURE_COLUMNS.values(), *[f"f_{n}" for n in names])
    return [
        _exposure_row(
            {key: row[column] for key, column in _EXPOSURE_COLUMNS.items()},
            {n: row[f"f_{n}"] for n in names},
        )
        for row in rows
    ]


def figures_computed_at(as_of: dt.date) -> dt.datetime | None:
    """Today: when the oldest of the figures the exposure job stored was computed, or last
    checked by it if later (the report's ``computed_at``); None for another day (computed on
    request) or before the job has reached any instrument."""
    if as_of != today():
        return None
    oldest = Instrument.objects.aggregate(oldest=Min("figures_computed_at"))["oldest"]
    checked = checked_at(as_of)
    if oldest is None or checked is None:
        return oldest
    return max(oldest, checked)


def checked_at(as_of: dt.date) -> dt.datetime | None:
    """When the exposure job last checked every instrument's figures, as of ``as_of`` or the
    latest day before it (they still hold: only a recorded transaction changes them, and it
    writes its instrument's); None if it never has."""
    return (
        ExposureDay.objects.filter(as_of__lte=as_of, checked_at__isnull=False)
        .order_by("-as_of")
        .values_list("checked_at", flat=True)
        .first()
    )


def _totals(rows: list[dict], figure: str) -> dict:
    """Sums of the rows' ``figure`` (a USD string) by each grouping; rows without it skipped."""
    totals: dict[str, Any] = {
        "by_kind": dict.fromkeys(rules.KINDS, ZERO),
        "by_provider": dict.fromkeys(rules.PROVIDERS, ZERO),
        "by_sector": {},
        "by_sponsor": {},
        "by_currency": dict.fromkeys(rules.CURRENCIES, ZERO),
    }
    grand = ZERO
    for row in rows:
        if row[figure] is None:
            continue
        amount = Decimal(row[figure])
        grand += amount
        for key, column in TOTAL_COLUMNS.items():
            group = totals[key]
            group[row[column]] = group.get(row[column], ZERO) + amount
    out = {key: {k: _money(v) for k, v in sorted(group.items())} for key, group in totals.items()}
    out["all"] = _money(grand)
    return out


def exposure_report(user: Any, as_of: dt.date | None = None) -> dict:
    """The program's exposure as of a day, in the API's shape (docs/ledger.md).

    The figures come from ``exposure_figures`` (``computed_at`` says how fresh: the oldest
    stored figure, or now when computed on request).
    """
    proposal_permissions.require(
        permissions.can_read_exposure(user), _("Your role may not read the program's exposure.")
    )
    as_of = as_of or today()
    now = timezone.now()
    figures = exposure_figures(as_of)
    rows = [row for part in figures.parts for row in _rows_from_figures(part)]
    rows.sort(key=lambda row: row["id"])
    # The instruments the job has not reached yet, and other days, are computed now.
    computed_at = figures_computed_at(as_of) or now
    limits = program_limits()
    program = [row for row in rows if rules.is_program(row["provider"])]
    private = [row for row in rows if not rules.is_program(row["provider"])]
    committed = _totals(program, "committed_usd")
    complete = not any(row["rate_missing"] for row in rows)
    return {
        "as_of": as_of.isoformat(),
        "computed_at": computed_at,
        "complete": complete,
        "instruments": rows,
        "totals": _totals(rows, "exposure_usd"),
        "committed_totals": committed,
        "co_financing": {
            "instruments": len(private),
            "committed_usd": _totals(private, "committed_usd")["all"],
            "exposure_usd": _totals(private, "exposure_usd")["all"],
        },
        "limits": {
            "program": _limit(limits.program_usd, Decimal(committed["all"])),
            "equity": _limit(limits.equity_usd, Decimal(committed["by_kind"]["equity"])),
        },
    }


def _limit(limit_usd: Decimal, committed_usd: Decimal) -> dict:
    share = (committed_usd / limit_usd * 100).quantize(Decimal("0.01")) if limit_usd else ZERO
    return {
        "limit_usd": _money(limit_usd),
        "committed_usd": _money(committed_usd),
        "headroom_usd": _money(limit_usd - committed_usd),
        "utilisation_percent": str(share),
        "breached": committed_usd > limit_usd,
    }
