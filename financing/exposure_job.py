"""The exposure job: it writes each instrument's figures (computed by
``selectors.ledger_figures``) onto the instrument, and records the program's USD totals of a
day in ``ExposureDay``. ``recompute_exposure`` is its one entry point; the Celery task and the
``recompute_exposure`` command of the same name run it.

- ``figures_write`` computes every instrument's figures as of today and writes only those
  that changed (a new instrument's first ones included): after a transaction, one row; on the
  nightly run, usually none. Writing 100,000 unchanged rows every night cost more than
  computing them (``bench/exposure.py``). USD is not stored (it is converted when read, at the
  day's rate), so a new rate changes no figure either. Past days are computed on request.
- ``totals_record`` records the program's USD totals as of a day, for the exposure page's
  trend: the month-end just closed, a day named to ``recompute_exposure --as-of``, the days
  whose totals a rate entered later changed.

Running either twice, or on two workers at once, leaves the same rows, and a slower run never
overwrites a newer one (a row is replaced only by a computation that started no earlier than
the one that wrote it). Every figure comes from the one grouped query, so the job, the API
and the page cannot disagree, and no figure passes through Python.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from . import rules, selectors
from .breaches import limit_breaches_check
from .models import ExposureDay, Instrument

# Stored figure <- ledger_figures column.
FIGURES = {
    "exposure": "f_exposure",
    "undrawn": "f_undrawn",
    "claims": "f_claims",
    "cancelled": "f_cancelled",
}


def recompute_exposure(
    *,
    as_of: dt.date | None = None,
    instrument_ids: Iterable[int] | None = None,
    days: Iterable[dt.date] | None = None,
) -> int:
    """Run the exposure job; return how many instruments' figures it wrote.

    - ``instrument_ids`` (after their writes): those instruments' figures brought up to today.
    - ``days`` (after a rate entered, or a cancellation): the program's totals of those days
      recorded again (the figures are in their own currencies and do not depend on the
      rate), and the limits checked for a breach (``breaches``).
    - neither (the nightly run, the command): every instrument's figures brought up to today,
      the limits checked, then the program's totals recorded as of ``as_of`` if a day is
      named, else as of the month-end just closed unless they already are (the trend's
      points).
    """
    if instrument_ids is not None:
        return figures_write(instrument_ids)
    if days is not None:
        for day in days:
            totals_record(day)
        limit_breaches_check()
        return 0
    written = figures_write()
    limit_breaches_check()
    if as_of is None:
        as_of = selectors.today().replace(day=1) - dt.timedelta(days=1)
        if ExposureDay.objects.filter(as_of=as_of, totals_at__isnull=False).exists():
            return written
    totals_record(as_of)
    return written


def figures_write(instrument_ids: Iterable[int] | None = None) -> int:
    """Bring the instruments' (all) figures up to today; return how many instruments' were
    written (new or changed: unchanged figures are left as they were, time stamp included).
    A run over every instrument also notes when it checked them (``ExposureDay.checked_at``).
    """
    ids = None if instrument_ids is None else [int(pk) for pk in instrument_ids]
    if ids == []:
        return 0
    as_of = selectors.today()
    figures = selectors.ledger_figures(as_of, instrument_ids=ids).values(
        "id", *FIGURES, *FIGURES.values()
    )
    select_sql, select_params = figures.query.sql_with_params()
    quote = connection.ops.quote_name
    table = quote(Instrument._meta.db_table)
    distinct = "IS DISTINCT FROM" if connection.vendor == "postgresql" else "IS NOT"
    # Compared twice: with the figures as the query read them (so that unchanged instruments
    # are left out before the join), and with the row itself, which PostgreSQL re-reads if a
    # concurrent run changed it meanwhile.
    read_differs = " OR ".join(f"f.{quote(c)} {distinct} f.{quote(v)}" for c, v in FIGURES.items())
    row_differs = " OR ".join(
        f"{table}.{quote(c)} {distinct} f.{quote(v)}" for c, v in FIGURES.items()
    )
    updates = ", ".join(f"{quote(c)} = f.{quote(v)}" for c, v in FIGURES.items())
    sql = (
        f"UPDATE {table} SET {updates}, figures_as_of = %s, figures_computed_at = %s "
        f"FROM ({select_sql}) f WHERE {table}.id = f.id AND ({read_differs}) "
        f"AND ({row_differs}) "
        f"AND ({table}.figures_computed_at IS NULL OR {table}.figures_computed_at <= %s)"
    )
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with transaction.atomic(), connection.cursor() as cursor:
        if ids is None and connection.vendor == "postgresql":
            # The sums come out of the index on instrument_id and the instruments out of their
            # primary key, both in id order: a merge join needs no hash of 100,000 rows, which
            # spills to disk and cost the run an eighth more (bench/exposure.py), but the
            # planner costs the spill too low to see it. For this transaction only.
            cursor.execute("SET LOCAL enable_hashjoin = off")
        cursor.execute(sql, [connection.ops.adapt_datefield_value(as_of), now, *select_params, now])
        written = cursor.rowcount
        if ids is None:
            _day_write(cursor, as_of, {"checked_at": now})
    return written


def totals_record(as_of: dt.date) -> ExposureDay:
    """Record the program's USD totals as of ``as_of`` (one grouped query over every
    instrument's figures as of that day, converted at that day's rate): the exposure of
    every instrument, the commitments of JBIC and NEXI ones."""
    figures = selectors.ledger_figures(as_of).values(
        "provider", "f_exposure_usd", "f_committed_usd"
    )
    select_sql, select_params = figures.query.sql_with_params()
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    program = ", ".join(["%s"] * len(rules.JAPANESE_PROVIDERS))
    with transaction.atomic(), connection.cursor() as cursor:
        # Exposure of every instrument; committed of JBIC and NEXI ones (what the limits count).
        cursor.execute(
            "SELECT COUNT(*), COUNT(*) - COUNT(f.f_exposure_usd), "
            "COALESCE(SUM(f.f_exposure_usd), 0), COALESCE(SUM(CASE WHEN f.provider IN "
            f"({program}) THEN f.f_committed_usd END), 0) FROM ({select_sql}) f",
            [*rules.JAPANESE_PROVIDERS, *select_params],
        )
        instruments, missing, exposure_usd, committed_usd = cursor.fetchone()
        _day_write(
            cursor,
            as_of,
            {
                "totals_at": now,
                "instruments": instruments,
                "missing": missing,
                # SQLite hands back floats for computed sums: read them as text.
                "exposure_usd": rules.cents(Decimal(str(exposure_usd))),
                "committed_usd": rules.cents(Decimal(str(committed_usd))),
            },
        )
    return ExposureDay.objects.get(as_of=as_of)


def _day_write(cursor, as_of: dt.date, values: dict) -> None:
    """Upsert the day's row with ``values``; the first (a time stamp) only moves forward, and
    the others are written only with it."""
    quote = connection.ops.quote_name
    table = quote(ExposureDay._meta.db_table)
    stamp, *_others = values
    columns = ", ".join(quote(c) for c in ["as_of", *values])
    marks = ", ".join(["%s"] * (len(values) + 1))
    updates = ", ".join(f"{quote(c)} = excluded.{quote(c)}" for c in values)
    cursor.execute(
        f"INSERT INTO {table} ({columns}) VALUES ({marks}) "
        f"ON CONFLICT (as_of) DO UPDATE SET {updates} "
        f"WHERE {table}.{quote(stamp)} IS NULL "
        f"OR {table}.{quote(stamp)} <= excluded.{quote(stamp)}",
        [connection.ops.adapt_datefield_value(as_of), *values.values()],
    )
