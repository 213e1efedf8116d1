"""Concurrent writers on the embedded default: SQLite takes the write lock when a transaction
begins (``transaction_mode`` IMMEDIATE) and a writer waits for the one before it, so eight
commitments and six distributions at once get only 201 and 409, and the limits hold. On
PostgreSQL the same test runs against its row and advisory locks."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.db import connection, connections
from rest_framework.test import APIClient

from financing.selectors import today

D = Decimal
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def shared_database(tmp_path):
    """Threads see what the test committed: on SQLite, a file copied from the in-memory test
    database (whose shared cache locks tables without waiting); elsewhere the test database."""
    if connection.vendor != "sqlite":
        yield
        return
    path = str(tmp_path / "concurrent.sqlite3")
    connection.ensure_connection()
    target = sqlite3.connect(path)
    connection.connection.backup(target)
    target.close()
    database = connections.settings["default"]
    saved = database["NAME"]
    database["NAME"] = path
    try:
        yield
    finally:
        database["NAME"] = saved


def at_once(calls: list[Callable[[], object]]) -> list[object]:
    """Run ``calls`` in threads released together; return their results in order."""
    barrier = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def run(index: int) -> None:
        try:
            barrier.wait()
            results[index] = calls[index]()
        except BaseException as error:  # noqa: BLE001 - reported by the main thread
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def in_thread(read: Callable[[], object]) -> object:
    """Read through a thread's own connection (the shared database, not the test's)."""
    (result,) = at_once([read])
    return result


def poster(user, url: str, body: dict) -> Callable[[], int]:
    def post() -> int:
        client = APIClient()
        client.force_authenticate(user=user)
        return client.post(url, body, format="json").status_code

    return post


@pytest.fixture
def project(make_proposal):
    return make_proposal("funding", amount_requested=D("100000.00"))


def test_eight_commitments_at_once_get_201_or_409_and_the_limit_holds(
    us_staff, project, settings, shared_database
):
    from financing.models import Instrument

    settings.ACCORD_PROGRAM_LIMIT_USD = D("5000")
    url = f"/api/v1/proposals/{project.pk}/instruments/"
    body = {"kind": "loan", "provider": "JBIC", "currency": "USD", "committed": "1000.00"}

    statuses = at_once([poster(us_staff, url, body) for _ in range(8)])

    assert all(isinstance(status, int) for status in statuses), statuses
    assert sorted(statuses) == [201] * 5 + [409] * 3, statuses
    total = in_thread(lambda: sum(Instrument.objects.values_list("committed", flat=True)))
    assert total == D("5000.00")


def test_six_distributions_at_once_are_recorded_one_after_the_other(
    us_staff, project, shared_database
):
    from financing.models import Distribution
    from financing.services import instrument_commit, transaction_record

    loan = instrument_commit(
        user=us_staff,
        proposal_id=project.pk,
        kind="loan",
        provider="JBIC",
        currency="USD",
        committed="1000.00",
    )
    transaction_record(
        user=us_staff, instrument_id=loan.pk, type="disbursement", amount="1000", value_date=today()
    )
    if connection.vendor == "sqlite":  # the copy the threads read must hold the loan too
        target = sqlite3.connect(connections.settings["default"]["NAME"])
        connection.connection.backup(target)
        target.close()
    url = f"/api/v1/proposals/{project.pk}/distributions/"
    body = {"amount": "400.00", "currency": "USD", "date": str(today())}

    statuses = at_once([poster(us_staff, url, body) for _ in range(6)])

    assert statuses == [201] * 6, statuses
    rows = in_thread(lambda: list(Distribution.objects.order_by("id")))
    recovered = D(0)
    for row in rows:  # each split saw every one before it: Japan's receipts add up
        assert row.japan_recovered == recovered
        assert row.japan + row.us == row.amount_usd == D("400.00")
        recovered += row.japan
    # Five at 50/50 recover J (1,000); the sixth splits 10/90.
    assert [row.phase for row in rows] == ["pre_recovery"] * 5 + ["post_recovery"]
    assert recovered == D("1040.00")
