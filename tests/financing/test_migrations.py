"""Migration 0003 keeps the exposure trend: the old per-day snapshot rows are summed into
``ExposureDay`` before they are dropped, and the instruments wait for the job's next run."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("financing", "0002_snapshots_lean")]
AFTER = [("financing", "0003_figures_on_instruments")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def back_to_latest(transactional_db):
    """Whatever the test does, the schema ends where every other test expects it."""
    yield
    executor = MigrationExecutor(connection)
    _migrate(executor.loader.graph.leaf_nodes())


def test_the_old_snapshots_become_each_days_totals(back_to_latest):
    apps = _migrate(BEFORE)
    user = apps.get_model("auth", "User").objects.create(username="migrator")
    group = apps.get_model("auth", "Group").objects.create(name="sponsor:IHI")
    sponsor = apps.get_model("projects", "Sponsor").objects.create(
        name="IHI", country="JP", group=group
    )
    proposal = apps.get_model("projects", "Proposal").objects.create(
        reference="P-2026-0001",
        title="Grid",
        sponsor=sponsor,
        sector="energy_storage",
        description="x",
        amount_requested=Decimal("1000"),
        currency="USD",
        status="funding",
        created_by=user,
    )
    instrument = apps.get_model("financing", "Instrument")
    snapshot = apps.get_model("financing", "ExposureSnapshot")
    loans = [
        instrument.objects.create(
            proposal=proposal, kind="loan", provider="JBIC", currency=currency,
            committed=Decimal("1000.00"), committed_by=user,
        )
        for currency in ("USD", "JPY")
    ]  # fmt: skip
    day, at = dt.date(2026, 10, 31), timezone.now()
    for loan, usd in zip(loans, (Decimal("300.00"), None), strict=True):
        snapshot.objects.create(
            instrument=loan, as_of=day, committed=Decimal("1000.00"),
            exposure=Decimal("300.00"), undrawn=Decimal("700.00"), claims=Decimal("0"),
            usd_per_unit=None if usd is None else Decimal(1), exposure_usd=usd,
            committed_usd=None if usd is None else Decimal("1000.00"), computed_at=at,
        )  # fmt: skip

    apps = _migrate(AFTER)

    recorded = apps.get_model("financing", "ExposureDay").objects.get(as_of=day)
    assert (recorded.instruments, recorded.missing) == (2, 1)  # the yen loan had no rate
    assert (recorded.exposure_usd, recorded.committed_usd) == (Decimal("300.00"), 1000)
    assert recorded.totals_at == recorded.checked_at == at
    figures = apps.get_model("financing", "Instrument").objects.values_list(
        "figures_computed_at", flat=True
    )
    assert list(figures) == [None, None]  # computed on request until the job runs
