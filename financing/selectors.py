"""Reads of the program's money, always filtered by the permission policy."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import (
    Case,
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from projects import permissions
from projects.errors import NotVisible
from projects.models import Proposal, Sponsor

from . import rules
from .models import Distribution, ExposureSnapshot, FxRate, Instrument, Transaction

# --- Ledger: instruments, transactions, FX rates, exposure, limits (CONTRACT §6) ---------

MONEY_FIELD = DecimalField(max_digits=20, decimal_places=2)
RATE_FIELD = DecimalField(max_digits=20, decimal_places=10)
ZERO = Decimal("0")


def today() -> dt.date:
    """The program's day (UTC), the default ``as_of``."""
    return timezone.now().date()


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


def fx_rates_list() -> QuerySet:
    """Every FX rate on record, latest first (the view's policy decides who reads them)."""
    return FxRate.objects.select_related("entered_by").order_by("-date", "currency")


class HalfEvenCents(Func):
    """Round a numeric expression half-even to the cent, in the database.

    PostgreSQL's ``round()`` rounds half away from zero. A tie is a value with exactly three
    decimals whose last two digits, with the cent's, leave 5 or -5 modulo 20 (an even cent,
    then a 5): that is truncated instead. Few operations, because the exposure job evaluates
    this for every instrument. On SQLite numbers are floats and ``round()`` is used as is:
    the embedded default is for trying Accord, PostgreSQL for running it.
    """

    output_field = MONEY_FIELD
    arity = 1

    def as_sql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        if connection.vendor != "postgresql":
            return f"ROUND(({sql}), 2)", params
        x = f"({sql})"
        return (
            f"(CASE WHEN {x} = ROUND({x}, 3) AND ABS(MOD({x} * 1000, 20)) = 5 "
            f"THEN TRUNC({x}, 2) ELSE ROUND({x}, 2) END)::numeric(20, 2)",
            [*params, *params, *params, *params, *params],
        )


class Ungrouped(ExpressionWrapper):
    """An expression of the instrument's own columns. They depend on its primary key, which
    the figures are grouped by, so it needs no GROUP BY entry (sorting 100,000 groups by
    such expressions cost more than the sums themselves: ``bench/exposure.py``)."""

    def get_group_by_cols(self):
        return []


def _sum_of(attr: str, as_of: dt.date) -> Coalesce:
    """The sum of an instrument's transactions whose type is ``attr`` in ``rules.LEDGER``
    (``raising``, ``lowering`` or ``claims``), valued on or before ``as_of``.

    Every type belongs to one kind only (``test_rules_ledger``) and the write path refuses a
    type that does not fit the instrument's kind, so a filter on the type alone is the
    table's rule; adding the kind to it doubled the query's time for nothing.
    """
    types = [t for rule in rules.LEDGER.values() for t in getattr(rule, attr)]
    return Coalesce(
        Sum(
            "transactions__amount",
            filter=Q(transactions__type__in=types, transactions__value_date__lte=as_of),
        ),
        Value(ZERO),
        output_field=MONEY_FIELD,
    )


def ledger_figures(
    as_of: dt.date,
    *,
    instrument_ids: Iterable[int] | None = None,
    without_snapshot: bool = False,
) -> QuerySet:
    """Every instrument's figures as of ``as_of``: one grouped query, conditional aggregation
    over the type table, no per-instrument loop. The exposure job writes exactly these rows
    (``snapshots.snapshots_write``), and an ``as_of`` other than today is answered from them.

    Columns: ``f_committed``, ``f_drawn``, ``f_repaid``, ``f_exposure``, ``f_undrawn``,
    ``f_claims``, ``f_rate`` (USD per unit; null: no rate), ``f_exposure_usd``,
    ``f_committed_usd`` (half-even cents; null when the rate is missing).
    """
    rate = fx_rate_on("JPY", as_of)
    instruments = Instrument.objects.all()
    if instrument_ids is not None:
        instruments = instruments.filter(pk__in=list(instrument_ids))
    if without_snapshot:
        instruments = instruments.exclude(
            Exists(ExposureSnapshot.objects.filter(instrument=OuterRef("pk"), as_of=as_of))
        )
    usd_rate = Ungrouped(
        Case(
            When(currency="USD", then=Value(Decimal(1))),
            When(currency="JPY", then=Value(rate)),
            default=Value(None),
            output_field=RATE_FIELD,
        ),
        output_field=RATE_FIELD,
    )
    return (
        instruments.order_by()
        .annotate(
            f_committed=F("committed"),
            f_drawn=_sum_of("raising", as_of),
            f_repaid=_sum_of("lowering", as_of),
            f_claims=_sum_of("claims", as_of),
            f_rate=usd_rate,
        )
        .annotate(
            f_exposure=ExpressionWrapper(F("f_drawn") - F("f_repaid"), output_field=MONEY_FIELD),
            f_undrawn=ExpressionWrapper(F("committed") - F("f_drawn"), output_field=MONEY_FIELD),
        )
        .annotate(
            f_exposure_usd=HalfEvenCents(
                ExpressionWrapper(F("f_exposure") * F("f_rate"), output_field=RATE_FIELD)
            ),
            f_committed_usd=Ungrouped(
                HalfEvenCents(
                    ExpressionWrapper(F("committed") * F("f_rate"), output_field=RATE_FIELD)
                ),
                output_field=MONEY_FIELD,
            ),
        )
    )


def instrument_get(*, user: Any, instrument_id: Any) -> Instrument:
    """The instrument if the user may read its proposal's financing, else ``NotVisible``."""
    try:
        pk = int(instrument_id)
    except (TypeError, ValueError):
        raise NotVisible(_("Not found.")) from None
    instrument = Instrument.objects.select_related("proposal").filter(pk=pk).first()
    if instrument is None or not permissions.can_view(user, instrument.proposal):
        raise NotVisible(_("Not found."))
    permissions.require(
        permissions.can_read_financing(user, instrument.proposal),
        _("Your role may not read this project's financing."),
    )
    return instrument


def instruments_for(user: Any, proposal: Proposal) -> QuerySet:
    """The proposal's instruments, each with its current figures (all transactions)."""
    permissions.require(
        permissions.can_read_financing(user, proposal),
        _("Your role may not read this project's financing."),
    )
    return ledger_figures(dt.date.max).filter(proposal=proposal).order_by("id")


def transactions_for(user: Any, instrument_id: Any) -> QuerySet:
    """The instrument's transactions by value date, if the user may read its financing."""
    instrument = instrument_get(user=user, instrument_id=instrument_id)
    return (
        Transaction.objects.filter(instrument=instrument)
        .select_related("recorded_by")
        .order_by("value_date", "id")
    )


def committed_usd_totals(on: dt.date) -> tuple[Decimal | None, Decimal | None]:
    """The program's committed total and its equity part in USD, JPY at the rate on ``on``.

    None when JPY commitments exist and no rate does (the limits cannot be checked).
    """
    row = Instrument.objects.aggregate(
        usd=Sum("committed", filter=Q(currency="USD"), default=ZERO),
        jpy=Sum("committed", filter=Q(currency="JPY"), default=ZERO),
        equity_usd=Sum("committed", filter=Q(currency="USD", kind="equity"), default=ZERO),
        equity_jpy=Sum("committed", filter=Q(currency="JPY", kind="equity"), default=ZERO),
    )
    rate = fx_rate_on("JPY", on)
    if row["jpy"] and rate is None:
        return None, None
    rate = rate or ZERO
    return row["usd"] + row["jpy"] * rate, row["equity_usd"] + row["equity_jpy"] * rate


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


def _exposure_row(values: dict, figures: dict, computed_at: Any) -> dict:
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
        "computed_at": computed_at,
    }


def _rows_from_figures(queryset: QuerySet, computed_at: dt.datetime) -> list[dict]:
    names = ("committed", "exposure", "undrawn", "claims", "rate", "exposure_usd", "committed_usd")
    rows = queryset.values(*_EXPOSURE_COLUMNS.values(), *[f"f_{n}" for n in names])
    return [
        _exposure_row(
            {key: row[column] for key, column in _EXPOSURE_COLUMNS.items()},
            {n: row[f"f_{n}"] for n in names},
            computed_at,
        )
        for row in rows
    ]


def _rows_from_snapshots(as_of: dt.date) -> list[dict]:
    columns = {key: f"instrument__{column}" for key, column in _EXPOSURE_COLUMNS.items()}
    columns["id"] = "instrument_id"
    columns["proposal_id"] = "instrument__proposal_id"
    names = ("committed", "exposure", "undrawn", "claims", "exposure_usd", "committed_usd")
    rows = (
        ExposureSnapshot.objects.filter(as_of=as_of)
        .order_by("instrument_id")
        .values(*columns.values(), *names, "usd_per_unit", "computed_at")
    )
    return [
        _exposure_row(
            {key: row[column] for key, column in columns.items()},
            {**{n: row[n] for n in names}, "rate": row["usd_per_unit"]},
            row["computed_at"],
        )
        for row in rows
    ]


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
    """The program's exposure as of a day, in the shape of CONTRACT §6.

    Today's figures are the exposure job's snapshots (``computed_at`` says how fresh: the
    oldest); an instrument the job has not reached yet, or another day, is computed on
    request by the same set-based query the job writes (``ledger_figures``).
    """
    permissions.require(
        permissions.can_read_exposure(user), _("Your role may not read the program's exposure.")
    )
    as_of = as_of or today()
    now = timezone.now()
    if as_of == today():
        rows = _rows_from_snapshots(as_of)
        rows += _rows_from_figures(ledger_figures(as_of, without_snapshot=True), now)
        rows.sort(key=lambda row: row["id"])
    else:
        rows = _rows_from_figures(ledger_figures(as_of).order_by("id"), now)
    computed_at = min((row.pop("computed_at") for row in rows), default=now)
    limits = program_limits()
    committed = _totals(rows, "committed_usd")
    complete = not any(row["rate_missing"] for row in rows)
    return {
        "as_of": as_of.isoformat(),
        "computed_at": computed_at,
        "complete": complete,
        "instruments": rows,
        "totals": _totals(rows, "exposure_usd"),
        "committed_totals": committed,
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
    }


# --- end of ledger ------------------------------------------------------------------------

# --- Profit sharing, recovery and yen stress (CONTRACT §6 stress, §7) ---------------------

# Japan's investment J (CONTRACT §7): what JBIC and NEXI put in. "Its JBIC and NEXI loan
# disbursements, equity contributions and guarantee calls": the providers qualify all three,
# so an equity contribution by a private investor is not Japan's and does not count.
JAPAN_INVESTING = (("loan", "disbursement"), ("equity", "contribution"), ("guarantee", "call"))


def _rate_on(date_ref: Any) -> Subquery:
    """The JPY rate in force on ``date_ref``: the latest on or before it (a scalar subquery)."""
    return Subquery(
        FxRate.objects.filter(currency="JPY", date__lte=date_ref)
        .order_by("-date")
        .values("usd_per_unit")[:1]
    )


@dataclass(frozen=True)
class JapanInvestment:
    """J in USD up to a date; ``missing`` lists JPY value dates with no rate to convert at."""

    usd: Decimal
    missing: tuple[dt.date, ...]


def japan_investment(*, proposal_ids: list[int], on: dt.date) -> dict[int, JapanInvestment]:
    """J per proposal up to ``on``, each JPY transaction at its value date's rate: one query.

    The caller has asked the policy: this reads figures, not rows a user browses. Rows are
    grouped by proposal, currency and value date in the database, so a project's thousand
    disbursements on a dozen dates come back as a dozen rows.
    """
    kinds = Q()
    for kind, type_ in JAPAN_INVESTING:
        kinds |= Q(instrument__kind=kind, type=type_)
    rows = (
        Transaction.objects.filter(
            kinds,
            instrument__proposal_id__in=proposal_ids,
            instrument__provider__in=rules.JAPANESE_PROVIDERS,
            value_date__lte=on,
        )
        .values("instrument__proposal_id", "instrument__currency", "value_date")
        .annotate(total=Sum("amount"))
        .annotate(rate=_rate_on(OuterRef("value_date")))
        .order_by()
    )
    usd: dict[int, Decimal] = {pk: Decimal("0") for pk in proposal_ids}
    missing: dict[int, list[dt.date]] = {pk: [] for pk in proposal_ids}
    for row in rows:
        pk = row["instrument__proposal_id"]
        if row["instrument__currency"] == "USD":
            usd[pk] += row["total"]
        elif row["rate"] is None:
            missing[pk].append(row["value_date"])
        else:
            usd[pk] += rules.cents(row["total"] * row["rate"])
    return {pk: JapanInvestment(usd[pk], tuple(sorted(missing[pk]))) for pk in proposal_ids}


def distributions_for(*, user: Any, proposal: Proposal) -> list[Distribution]:
    """The proposal's distributions in waterfall order, if the user may read its financing."""
    if not permissions.can_read_financing(user, proposal):
        return []
    return list(Distribution.objects.filter(proposal=proposal).order_by("date", "id"))


def recovery_position(*, user: Any, proposal: Proposal, on: dt.date | None = None) -> dict:
    """J, R, what remains to recovery, the phase and the history with each split (§7)."""
    permissions.require(
        permissions.can_read_financing(user, proposal),
        _("You may not read this project's financing."),
    )
    on = on or today()
    history = list(Distribution.objects.filter(proposal=proposal).order_by("date", "id"))
    investment = japan_investment(proposal_ids=[proposal.pk], on=on)[proposal.pk]
    recovered = sum((d.japan for d in history), Decimal("0"))
    return {
        "as_of": on,
        "japan_investment": investment.usd,
        "complete": not investment.missing,
        "japan_recovered": recovered,
        "us_received": sum((d.us for d in history), Decimal("0")),
        "remaining": rules.remaining_to_recovery(investment=investment.usd, recovered=recovered),
        "phase": rules.recovery_phase(investment=investment.usd, recovered=recovered),
        "distributions": history,
    }


RECOVERY_PAGE = 25
# Money is committed and distributed in funding and active (CONTRACT §6, §7), and a closed
# project keeps its record: these are the projects with a recovery position.
FUNDED_STATES = (*permissions.FUNDING_STATES, "closed")


def recovery_table(*, user: Any, on: dt.date, page: Any = 1) -> Page:
    """One page of the program's funded projects (funding, active, closed): J, R, phase.

    By reference; a fixed number of queries whatever the program's size (R is a subquery of
    the page's query, J one grouped query over the page's projects).
    """
    permissions.require(
        permissions.can_read_exposure(user), _("Your role may not read the program's exposure.")
    )
    projects = (
        Proposal.objects.filter(status__in=FUNDED_STATES)
        .select_related("sponsor")
        .order_by("reference", "pk")
        .annotate(
            recovered=Coalesce(
                Subquery(
                    Distribution.objects.filter(proposal=OuterRef("pk"), date__lte=on)
                    .values("proposal")
                    .annotate(total=Sum("japan"))
                    .values("total")[:1]
                ),
                Value(Decimal("0")),
                output_field=DecimalField(max_digits=20, decimal_places=2),
            )
        )
    )
    result = Paginator(projects, RECOVERY_PAGE).get_page(page)
    rows = list(result.object_list)
    investments = japan_investment(proposal_ids=[p.pk for p in rows], on=on)
    result.object_list = [
        {
            "proposal": p,
            "japan_investment": investments[p.pk].usd,
            "complete": not investments[p.pk].missing,
            "japan_recovered": p.recovered,
            "remaining": rules.remaining_to_recovery(
                investment=investments[p.pk].usd, recovered=p.recovered
            ),
            "phase": rules.recovery_phase(investment=investments[p.pk].usd, recovered=p.recovered),
        }
        for p in rows
    ]
    return result


def proposal_transactions(*, user: Any, proposal: Proposal) -> QuerySet:
    """Every transaction on the proposal's instruments, by value date: one query."""
    permissions.require(
        permissions.can_read_financing(user, proposal),
        _("Your role may not read this project's financing."),
    )
    return (
        Transaction.objects.filter(instrument__proposal=proposal)
        .select_related("instrument")
        .order_by("value_date", "id")
    )


# --- The exposure page and the stress: grouped figures, never one row per instrument -----

TOP_SPONSORS = 20  # the page lists the largest; the API has every one
GROUP_KEYS = ("kind", "provider", "currency", "sector", "sponsor", "rate")
_GROUP_SUMS = ("exposure", "committed", "exposure_usd", "committed_usd")


@dataclass(frozen=True)
class ExposureGroup:
    """The instruments that share kind, provider, currency, sector, sponsor and rate."""

    kind: str
    provider: str
    currency: str
    sector: str
    sponsor: Any  # the sponsor's id in the database; its name once resolved
    rate: Decimal | None
    count: int
    missing: int  # instruments with no rate to convert at (no USD figure)
    exposure: Decimal  # in ``currency``
    committed: Decimal
    exposure_usd: Decimal  # of the rows that have a USD figure
    committed_usd: Decimal


def _grouped_sql(inner_sql: str) -> str:
    sums = ", ".join(f"SUM(g_{name})" for name in _GROUP_SUMS)
    keys = ", ".join(f"g_{key}" for key in GROUP_KEYS)
    return (
        f"SELECT {keys}, COUNT(*), COUNT(*) - COUNT(g_exposure_usd), {sums} "
        f"FROM ({inner_sql}) AS figures GROUP BY {keys}"
    )


def _groups(queryset: QuerySet) -> list[ExposureGroup]:
    """Sum an instrument-level queryset (``g_*`` columns) by every grouping in the database."""
    sql, params = (
        queryset.order_by()
        .values(*[f"g_{key}" for key in GROUP_KEYS], *[f"g_{name}" for name in _GROUP_SUMS])
        .query.sql_with_params()
    )
    with connection.cursor() as cursor:
        cursor.execute(_grouped_sql(sql), params)
        rows = cursor.fetchall()
    groups = []
    for row in rows:
        keys, (count, missing, *sums) = row[: len(GROUP_KEYS)], row[len(GROUP_KEYS) :]
        # SQLite hands back floats for computed sums: read them as text into Decimals.
        money = [rules.cents(Decimal(str(value))) if value is not None else ZERO for value in sums]
        rate = None if keys[5] is None else Decimal(str(keys[5]))
        groups.append(ExposureGroup(*keys[:5], rate, count, missing, *money))
    return groups


def exposure_groups(as_of: dt.date) -> list[ExposureGroup]:
    """The program's figures as of ``as_of`` grouped in the database: at most two queries.

    Today reads the exposure job's snapshots, plus the instruments the job has not reached
    yet computed on request; another day is computed by the job's own query
    (``ledger_figures``), exactly as ``exposure_report`` does, so the page and the API agree.
    """
    stored_today = as_of == today()
    all_stored = False
    cache_key = None
    if stored_today:
        # Usually the job has reached every instrument: two counts say so cheaply, and only
        # the instruments it has not reached yet are computed on request.
        stored = ExposureSnapshot.objects.filter(as_of=as_of).aggregate(
            count=Count("pk"), latest=Max("computed_at")
        )
        if stored["count"] == Instrument.objects.count():
            all_stored = True
            # Every write of the job stamps its rows with a later ``computed_at``, and rows
            # are never deleted: the same count and latest stamp mean the same figures.
            cache_key = "financing:exposure-groups:{}:{}:{}".format(
                as_of.isoformat(),
                stored["count"],
                stored["latest"] and stored["latest"].isoformat(),
            )
            cached = cache.get(cache_key)
            if cached is not None:
                return _named(cached)
    # Today: only the instruments the job has not reached (an anti-join in the same query,
    # never a list of ids: on a new day before the job ran, that would be every instrument).
    computed = ledger_figures(as_of, without_snapshot=stored_today).annotate(
        g_kind=F("kind"),
        g_provider=F("provider"),
        g_currency=F("currency"),
        g_sector=F("proposal__sector"),
        g_sponsor=F("proposal__sponsor_id"),
        g_rate=F("f_rate"),
        g_exposure=F("f_exposure"),
        g_committed=F("f_committed"),
        g_exposure_usd=F("f_exposure_usd"),
        g_committed_usd=F("f_committed_usd"),
    )
    groups = _groups(computed) if not all_stored else []
    if stored_today:
        snapshot_rows = ExposureSnapshot.objects.filter(as_of=as_of).annotate(
            g_kind=F("instrument__kind"),
            g_provider=F("instrument__provider"),
            g_currency=F("instrument__currency"),
            g_sector=F("instrument__proposal__sector"),
            g_sponsor=F("instrument__proposal__sponsor_id"),
            g_rate=F("usd_per_unit"),
            g_exposure=F("exposure"),
            g_committed=F("committed"),
            g_exposure_usd=F("exposure_usd"),
            g_committed_usd=F("committed_usd"),
        )
        groups += _groups(snapshot_rows)
    if cache_key is not None:
        cache.set(cache_key, groups, EXPOSURE_CACHE_SECONDS)
    return _named(groups)


EXPOSURE_CACHE_SECONDS = 24 * 3600


def _named(groups: list[ExposureGroup]) -> list[ExposureGroup]:
    """The groups with their sponsors' names (one query over the few sponsors)."""
    names = dict(
        Sponsor.objects.filter(pk__in={group.sponsor for group in groups}).values_list("pk", "name")
    )
    return [replace(group, sponsor=names.get(group.sponsor, "—")) for group in groups]


def _by(groups: list[ExposureGroup], key: str, figure: str, order: tuple = ()) -> dict:
    out: dict[str, Decimal] = dict.fromkeys(order, ZERO)
    for group in groups:
        out[getattr(group, key)] = out.get(getattr(group, key), ZERO) + getattr(group, figure)
    return out if order else dict(sorted(out.items(), key=lambda item: -item[1]))


def exposure_dashboard(*, user: Any, as_of: dt.date | None = None) -> dict:
    """What the exposure page shows: totals by each grouping, limits, stress and the trend."""
    permissions.require(
        permissions.can_read_exposure(user), _("Your role may not read the program's exposure.")
    )
    as_of = as_of or today()
    groups = exposure_groups(as_of)
    totals = {
        name: _by(groups, key, "exposure_usd", order)
        for name, key, order in (
            ("by_kind", "kind", rules.KINDS),
            ("by_provider", "provider", rules.PROVIDERS),
            ("by_sector", "sector", ()),
            ("by_sponsor", "sponsor", ()),
            ("by_currency", "currency", rules.CURRENCIES),
        )
    }
    committed = _by(groups, "kind", "committed_usd", rules.KINDS)
    committed_all = sum(committed.values(), ZERO)
    limits = program_limits()
    native = _by(groups, "currency", "exposure", rules.CURRENCIES)
    return {
        "as_of": as_of,
        "complete": not any(group.missing for group in groups),
        "missing": sum(group.missing for group in groups),
        "instruments": sum(group.count for group in groups),
        "totals": totals,
        "exposure_all": sum(totals["by_kind"].values(), ZERO),
        "top_sponsors": list(totals["by_sponsor"].items())[:TOP_SPONSORS],
        "more_sponsors": max(len(totals["by_sponsor"]) - TOP_SPONSORS, 0),
        "committed_by_kind": committed,
        "committed_all": committed_all,
        "exposure_native": native,
        "limits": [
            _limit_use("program", limits.program_usd, committed_all),
            _limit_use("equity", limits.equity_usd, committed["equity"]),
        ],
        "stress": _stress_of(groups, [Decimal(10), Decimal(20), Decimal(30)]),
        "series": exposure_series(as_of, current=sum(totals["by_kind"].values(), ZERO)),
    }


def _limit_use(name: str, limit: Decimal, used: Decimal) -> dict:
    return {
        "name": name,
        "limit": limit,
        "used": used,
        "headroom": limit - used,
        "share": (used / limit) if limit else ZERO,
    }


def _stress_of(groups: list[ExposureGroup], shocks: list[Decimal]) -> dict:
    merged: dict[tuple, list[Decimal]] = {}
    for group in groups:
        sums = merged.setdefault((group.currency, group.rate), [ZERO, ZERO])
        sums[0] += group.exposure
        sums[1] += group.committed
    stress_groups = [
        rules.StressGroup(currency, rate, exposure, committed)
        for (currency, rate), (exposure, committed) in merged.items()
    ]
    complete, figures = rules.stress(stress_groups, shocks)
    _unshocked, *shocked = figures
    # The base is the exposure report's own figure (each instrument's USD value rounded to
    # the cent, then summed), so it matches GET /exposure/ to the cent; each shocked total
    # converts the yen summed per rate and rounds once.
    return {
        "complete": complete,
        "base": {
            "exposure_usd": sum((g.exposure_usd for g in groups), ZERO),
            "committed_usd": sum((g.committed_usd for g in groups), ZERO),
        },
        "shocks": [
            {"shock": f.shock, "exposure_usd": f.exposure_usd, "committed_usd": f.committed_usd}
            for f in shocked
        ],
    }


def exposure_stress(*, user: Any, as_of: dt.date, shocks: list[Decimal]) -> dict:
    """CONTRACT §6 stress: USD totals with every JPY amount at its rate weakened by each shock."""
    permissions.require(
        permissions.can_read_exposure(user), _("Your role may not read the program's exposure.")
    )
    return {"as_of": as_of, **_stress_of(exposure_groups(as_of), shocks)}


SERIES_MONTHS = 12


def exposure_series(as_of: dt.date, *, current: Decimal) -> list[tuple[dt.date, Decimal]]:
    """Total USD exposure at each of the last month-ends the exposure job recorded, then now.

    One grouped query over the snapshots of those twelve days (the nightly job leaves one set
    a day); a month-end without snapshots is left out rather than recomputed on the page.
    """
    ends = []
    first = as_of.replace(day=1)
    while len(ends) < SERIES_MONTHS and first > dt.date.min:  # no month-end before year 1
        day = first - dt.timedelta(days=1)
        ends.append(day)
        first = day.replace(day=1)
    rows = (
        ExposureSnapshot.objects.filter(as_of__in=ends)
        .values("as_of")
        .annotate(total=Sum("exposure_usd"))
        .order_by("as_of")
    )
    points = [(row["as_of"], row["total"] or ZERO) for row in rows]
    return [*points, (as_of, current)]


# --- end of profit sharing ----------------------------------------------------------------
