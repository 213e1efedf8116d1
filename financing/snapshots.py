"""The exposure job: write every instrument's figures as of a day into ``ExposureSnapshot``.

One ``INSERT … SELECT … ON CONFLICT DO UPDATE`` statement over ``selectors.ledger_figures``
(the grouped query the API also answers other days from), so the job and the API cannot
disagree, no figure passes through Python, and running it twice, or on two workers at once,
leaves the same rows. A slower run never overwrites a newer one: a row is replaced only by
a computation that started no earlier than the one that wrote it, and only when a figure
changed (``computed_at`` is when the row's figures were computed, rewriting 100,000 unchanged
rows cost more than computing them: ``bench/exposure.py``).

Celery (``tasks.py``, after each transaction and nightly) and ``recompute_exposure`` run it;
``services.exposure_recompute`` is its public name.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import connection, transaction
from django.utils import timezone

from . import selectors
from .models import ExposureSnapshot

# Snapshot column <- ledger_figures column.
COLUMNS = {
    "instrument_id": "id",
    "committed": "f_committed",
    "exposure": "f_exposure",
    "undrawn": "f_undrawn",
    "claims": "f_claims",
    "usd_per_unit": "f_rate",
    "exposure_usd": "f_exposure_usd",
    "committed_usd": "f_committed_usd",
}
UPDATED = [column for column in COLUMNS if column != "instrument_id"] + ["computed_at"]


def snapshots_write(
    *, as_of: dt.date | None = None, instrument_ids: Iterable[int] | None = None
) -> int:
    """Upsert the snapshots of ``as_of`` (today) for the instruments (all); return how many
    rows were written (new or changed: a row whose figures did not change is left as it was,
    ``computed_at`` included, so a re-run of the day rewrites nothing)."""
    as_of = as_of or selectors.today()
    ids = None if instrument_ids is None else [int(pk) for pk in instrument_ids]
    if ids == []:
        return 0
    figures = selectors.ledger_figures(as_of, instrument_ids=ids).values(*COLUMNS.values())
    select_sql, select_params = figures.query.sql_with_params()
    table = connection.ops.quote_name(ExposureSnapshot._meta.db_table)
    quote = connection.ops.quote_name
    targets = ", ".join(quote(c) for c in [*COLUMNS, "as_of", "computed_at"])
    sources = ", ".join(f"f.{quote(c)}" for c in COLUMNS.values())
    updates = ", ".join(f"{quote(c)} = excluded.{quote(c)}" for c in UPDATED)
    distinct = "IS DISTINCT FROM" if connection.vendor == "postgresql" else "IS NOT"
    changed = " OR ".join(
        f"{table}.{quote(c)} {distinct} excluded.{quote(c)}" for c in UPDATED if c != "computed_at"
    )
    sql = (
        f"INSERT INTO {table} ({targets}) "
        f"SELECT {sources}, %s, %s FROM ({select_sql}) f WHERE 1 = 1 "
        f"ON CONFLICT (as_of, instrument_id) DO UPDATE SET {updates} "
        f"WHERE {table}.computed_at <= excluded.computed_at AND ({changed})"
    )
    params = [
        connection.ops.adapt_datefield_value(as_of),
        connection.ops.adapt_datetimefield_value(timezone.now()),
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [*params, *select_params])
        return cursor.rowcount
