"""Reads for the exposure page and the yen stress: grouped figures, never one row per
instrument."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import F, QuerySet
from django.utils.translation import gettext as _

from financing import permissions
from projects import permissions as proposal_permissions
from projects.models import Sponsor

from .. import rules
from ..models import ExposureDay
from .ledger import (
    ZERO,
    exposure_figures,
    figures_computed_at,
    fx_rate_on,
    program_limits,
    today,
)

# --- The exposure page and the stress: grouped figures, never one row per instrument -----

TOP_SPONSORS = 20  # the page lists the largest; the API has every one
GROUP_KEYS = ("kind", "provider", "currency", "sector", "sponsor", "rate")
_GROUP_SUMS = ("exposure", "committed", "exposure_usd", "committed_usd", "undrawn")
SHOCKS = (Decimal(10), Decimal(20), Decimal(30))


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
    undrawn: Decimal  # in ``currency``


def _grouped_sql(inner_sql: str) -> str:
    sums = ", ".join(f"SUM(g_{name})" for name in _GROUP_SUMS)
    keys = ", ".join(f"g_{key}" for key in GROUP_KEYS if key != "rate")
    # Within one query the rate is the day's rate of the currency: grouped by the currency,
    # it needs no sort key of its own.
    return (
        f"SELECT {keys}, MAX(g_rate), COUNT(*), COUNT(*) - COUNT(g_exposure_usd), {sums} "
        f"FROM ({inner_sql}) AS figures GROUP BY {keys}"
    )


def _groups(queryset: QuerySet) -> list[ExposureGroup]:
    """Sum one part of ``exposure_figures`` by every grouping in the database."""
    sql, params = (
        queryset.order_by()
        .annotate(
            g_kind=F("kind"),
            g_provider=F("provider"),
            g_currency=F("currency"),
            g_sector=F("proposal__sector"),
            g_sponsor=F("proposal__sponsor_id"),
            g_rate=F("f_rate"),
            **{f"g_{name}": F(f"f_{name}") for name in _GROUP_SUMS},
        )
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
    """The program's figures as of ``as_of`` (``exposure_figures``, as the API reads them)
    grouped in the database; cached while the job's stored figures stay the same."""
    figures = exposure_figures(as_of)
    cache_key = figures.stamp and f"financing:exposure-groups:2:{figures.stamp}"
    if cache_key:
        cached = cache.get(cache_key)
        if cached is not None:
            return _named(cached)
    groups = [group for part in figures.parts for group in _groups(part)]
    if cache_key:
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
    """What the exposure page shows: totals by each grouping, the limits (JBIC and NEXI
    commitments only), the co-financing beside them, the stress and the trend."""
    proposal_permissions.require(
        permissions.can_read_exposure(user), _("Your role may not read the program's exposure.")
    )
    as_of = as_of or today()
    groups = exposure_groups(as_of)
    program = [group for group in groups if rules.is_program(group.provider)]
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
    committed = _by(program, "kind", "committed_usd", rules.KINDS)
    return {
        "as_of": as_of,
        "business_tz": settings.ACCORD_BUSINESS_TZ,
        "complete": not any(group.missing for group in groups),
        "missing": sum(group.missing for group in groups),
        "instruments": sum(group.count for group in groups),
        "totals": totals,
        "exposure_all": sum(totals["by_kind"].values(), ZERO),
        "top_sponsors": list(totals["by_sponsor"].items())[:TOP_SPONSORS],
        "more_sponsors": max(len(totals["by_sponsor"]) - TOP_SPONSORS, 0),
        "committed_by_kind": committed,
        "committed_all": sum(committed.values(), ZERO),
        "co_financing": _co_financing([g for g in groups if not rules.is_program(g.provider)]),
        "exposure_native": _by(groups, "currency", "exposure", rules.CURRENCIES),
        "limits": _limits_of(committed),
        "stress": _stress_of(groups, list(SHOCKS), fx_rate_on("JPY", as_of)),
        "series": exposure_series(as_of, current=sum(totals["by_kind"].values(), ZERO)),
        "computed_at": figures_computed_at(as_of),
    }


def _co_financing(groups: list[ExposureGroup]) -> dict:
    """Private instruments: shown beside the program, never using its headroom."""
    return {
        "instruments": sum(group.count for group in groups),
        "committed_usd": sum((group.committed_usd for group in groups), ZERO),
        "exposure_usd": sum((group.exposure_usd for group in groups), ZERO),
    }


def _limits_of(committed_by_kind: dict[str, Decimal]) -> list[dict]:
    limits = program_limits()
    return [
        _limit_use("program", limits.program_usd, sum(committed_by_kind.values(), ZERO)),
        _limit_use("equity", limits.equity_usd, committed_by_kind["equity"]),
    ]


def _limit_use(name: str, limit: Decimal, used: Decimal) -> dict:
    return {
        "name": name,
        "limit": limit,
        "used": used,
        "headroom": limit - used,
        "share": (used / limit) if limit else ZERO,
        "breached": used > limit,
    }


def _stress_of(groups: list[ExposureGroup], shocks: list[Decimal], jpy_rate: Any) -> dict:
    merged: dict[tuple, list[Decimal]] = {}
    for group in groups:
        sums = merged.setdefault((group.currency, group.rate), [ZERO, ZERO])
        sums[0] += group.exposure
        sums[1] += group.committed
    stress_groups = [
        rules.StressGroup(currency, rate, exposure, committed)
        for (currency, rate), (exposure, committed) in merged.items()
    ]
    # The yen Tokyo must find: the program's undrawn dollar commitments, at each rate.
    undrawn_usd = sum(
        (g.undrawn for g in groups if g.currency == "USD" and rules.is_program(g.provider)), ZERO
    )
    complete, figures = rules.stress(
        stress_groups, shocks, undrawn_usd=undrawn_usd, jpy_rate=jpy_rate
    )
    base, *shocked = figures
    # The base is the exposure report's own figure (each instrument's USD value rounded to
    # the cent, then summed), so it matches GET /exposure/ to the cent; each shocked total
    # converts the yen summed per rate and rounds once.
    return {
        "complete": complete,
        "base": {
            "exposure_usd": sum((g.exposure_usd for g in groups), ZERO),
            "committed_usd": sum((g.committed_usd for g in groups), ZERO),
            "undrawn_usd": base.undrawn_usd,
            "yen_cost": base.yen_cost,
        },
        "shocks": [
            {
                "shock": f.shock,
                "exposure_usd": f.exposure_usd,
                "committed_usd": f.committed_usd,
                "undrawn_usd": f.undrawn_usd,
                "yen_cost": f.yen_cost,
            }
            for f in shocked
        ],
    }


def exposure_stress(*, user: Any, as_of: dt.date, shocks: list[Decimal]) -> dict:
    """The USD totals with every JPY amount at its rate weakened by each shock, and the yen
    cost of the program's undrawn dollar commitments at each shocked rate."""
    proposal_permissions.require(
        permissions.can_read_exposure(user), _("Your role may not read the program's exposure.")
    )
    groups = exposure_groups(as_of)
    return {"as_of": as_of, **_stress_of(groups, shocks, fx_rate_on("JPY", as_of))}


SERIES_MONTHS = 12


def exposure_series(as_of: dt.date, *, current: Decimal) -> list[tuple[dt.date, Decimal]]:
    """Total USD exposure at each of the last month-ends the exposure job ran for, then now.

    One query over the totals the job recorded for those twelve days (``ExposureDay``: the
    nightly run records each month-end once it is over); a month-end without them is left
    out rather than recomputed on the page.
    """
    ends = []
    first = as_of.replace(day=1)
    while len(ends) < SERIES_MONTHS and first > dt.date.min:  # no month-end before year 1
        day = first - dt.timedelta(days=1)
        ends.append(day)
        first = day.replace(day=1)
    rows = ExposureDay.objects.filter(as_of__in=ends, totals_at__isnull=False).order_by("as_of")
    points = [(row.as_of, row.exposure_usd) for row in rows]
    return [*points, (as_of, current)]
