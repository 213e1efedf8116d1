"""The ledger on PostgreSQL with Redis and real workers (docs/ledger.md).

- a transaction posted through the API shows in ``GET /api/v1/exposure/`` within seconds;
- a worker killed with SIGKILL in the middle of the full recompute: the job is redelivered
  (``acks_late``, and Redis's visibility timeout, made short here, for a worker process that
  died whole) and every figure ends equal to a fresh computation, to the cent;
- two staff committing equity at once cannot breach the 2% ceiling together;
- USD figures round half-even in the database too.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import threading
import time
from decimal import Decimal

import psycopg
import pytest
from django.db import connection, connections
from rest_framework.test import APIClient

from config.celery import app
from financing import rules, selectors, services
from financing.models import ExposureDay, Instrument, Transaction
from financing.tasks import recompute_exposure
from tests.integration.conftest import ROOT, _database_url, stop_process, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

D = Decimal
KILL_QUEUE = "accord-test-exposure-kill"


def days_ago(days: int) -> dt.date:
    return selectors.today() - dt.timedelta(days=days)


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user=user)
    return client


def test_a_transaction_posted_through_the_api_shows_in_the_exposure_within_seconds(
    celery_worker_process, make_proposal, us_staff
):
    proposal = make_proposal("funding")
    staff = client_for(us_staff)
    body = {"kind": "loan", "provider": "JBIC", "currency": "USD", "committed": "900.00"}
    instrument = staff.post(f"/api/v1/proposals/{proposal.pk}/instruments/", body, format="json")
    assert instrument.status_code == 201
    pk = instrument.json()["id"]
    started = time.monotonic()

    posted = staff.post(
        f"/api/v1/instruments/{pk}/transactions/",
        {"type": "disbursement", "amount": "123.45", "value_date": str(days_ago(3))},
        format="json",
    )
    assert posted.status_code == 201

    # The job's figures, not a computation on request (which also answers for an instrument
    # the job has not reached yet, and so cannot tell whether the worker did its part).
    def written():
        return Instrument.objects.filter(
            pk=pk, figures_as_of=selectors.today(), exposure=D("123.45")
        ).exists()

    wait_for(written, timeout=15, every=0.1)
    assert time.monotonic() - started < 15
    rows = staff.get("/api/v1/exposure/").json()["instruments"]
    assert any(row["id"] == pk and row["exposure_usd"] == "123.45" for row in rows)


def _worker(*, queue: str, visibility_timeout: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "CELERY_VISIBILITY_TIMEOUT": str(visibility_timeout),
    }
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "--loglevel=WARNING",
            f"--queues={queue}",
            f"--hostname=accord-kill-{time.monotonic_ns()}@%h",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
        ],  # fmt: skip
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _ledger(make_proposal, staff, instruments: int) -> None:
    """Instruments and transactions written directly (no per-instrument job enqueued), so only
    the full recompute under test can write their figures."""
    services.fx_rate_set(user=staff, date=days_ago(100), currency="JPY", usd_per_unit="0.0066123")
    proposal = make_proposal("funding")
    rows = Instrument.objects.bulk_create(
        [
            Instrument(
                proposal=proposal,
                kind=rules.KINDS[n % 3],
                provider=rules.PROVIDERS[n % 3],
                currency=rules.CURRENCIES[n % 2],
                committed=D("100000.00"),
                committed_by=staff,
            )
            for n in range(instruments)
        ]
    )
    moves = []
    for n, instrument in enumerate(rows):
        rule = rules.LEDGER[instrument.kind]
        moves.append((instrument, rule.raising[0], D("5000.00") + n, days_ago(50)))
        moves.append((instrument, rule.lowering[-1], D("1234.57"), days_ago(20)))
    Transaction.objects.bulk_create(
        [
            Transaction(instrument=i, type=t, amount=a, value_date=d, recorded_by=staff)
            for i, t, a, d in moves
        ]
    )


def _waiting_upsert_backend_pids() -> list[int]:
    with connection.cursor() as cursor:
        # The sessions waiting to write the instruments' figures (the job's statement is
        # longer than pg_stat_activity keeps of a query's text: ask the lock table instead).
        cursor.execute(
            "SELECT DISTINCT pid FROM pg_locks WHERE NOT granted "
            "AND relation = 'financing_instrument'::regclass"
        )
        return [row[0] for row in cursor.fetchall()]


def _assert_figures_right(us_staff, count: int) -> None:
    """The stored figures equal the set-based computation, the page's and the rules'."""
    fresh = {
        row["id"]: row
        for row in selectors.ledger_figures(selectors.today()).values(
            "id", "f_exposure", "f_undrawn", "f_claims", "f_exposure_usd", "f_committed_usd"
        )
    }
    written = Instrument.objects.filter(figures_as_of=selectors.today())
    assert written.count() == len(fresh) == count
    shown = {row["id"]: row for row in selectors.exposure_report(us_staff)["instruments"]}
    rate = selectors.fx_rate_on("JPY", selectors.today())
    for snap in written:
        row = fresh[snap.pk]
        assert (snap.exposure, snap.undrawn, snap.claims) == (
            row["f_exposure"], row["f_undrawn"], row["f_claims"],
        )  # fmt: skip
        assert shown[snap.pk]["exposure_usd"] == str(row["f_exposure_usd"])
        # …and equal to the contract's arithmetic done in Python, to the cent.
        entries = [rules.Entry(t.type, t.amount, t.value_date) for t in snap.transactions.all()]
        figures = rules.exposure_of(snap.kind, snap.committed, entries)
        assert snap.exposure == figures.exposure and snap.claims == figures.claims
        assert row["f_exposure_usd"] == rules.cents(
            rules.to_usd(figures.exposure, snap.currency, rate)
        )


def test_a_worker_killed_mid_recompute_has_the_job_redelivered_and_the_figures_right(
    make_proposal, us_staff
):
    _ledger(make_proposal, us_staff, instruments=60)
    app.control.purge()
    # Another session holds the instruments against writes, so the recompute stops
    # mid-statement, inside its transaction: that is where the worker dies.
    blocker = psycopg.connect(_database_url())
    blocker.execute("LOCK TABLE financing_instrument IN SHARE ROW EXCLUSIVE MODE")
    first = _worker(queue=KILL_QUEUE, visibility_timeout=3)
    second = None
    try:
        recompute_exposure.apply_async(queue=KILL_QUEUE)
        waiting = wait_for(_waiting_upsert_backend_pids, timeout=60, every=0.1)

        os.kill(first.pid, signal.SIGKILL)  # the whole worker process, mid-task
        first.wait(timeout=10)
        # Its database session would finish the statement once the lock goes: end it, as
        # PostgreSQL does on its own when it notices the client is gone.
        with connection.cursor() as cursor:
            for pid in waiting:
                cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
        blocker.rollback()
        reached = Instrument.objects.filter(figures_computed_at__isnull=False)
        assert not reached.exists()  # nothing half-written

        # A new worker; Redis hands the unacknowledged job back once the visibility timeout
        # (3 s here) has passed.
        second = _worker(queue=KILL_QUEUE, visibility_timeout=3)
        wait_for(lambda: reached.count() == 60, timeout=90, every=0.5)
    finally:
        blocker.close()
        for worker in (first, second):
            if worker is not None:
                stop_process(worker)

    _assert_figures_right(us_staff, count=60)
    # The run checked every instrument as of today.
    assert ExposureDay.objects.get(as_of=selectors.today()).checked_at is not None


def _let_the_worker_finish() -> None:
    """Wait until the worker has computed every instrument's figures: a task still running
    when the test ends holds locks that the database's flush deadlocks with."""
    wait_for(lambda: not Instrument.objects.filter(figures_computed_at__isnull=True).exists())


def test_two_staff_committing_equity_at_once_cannot_breach_the_ceiling_together(
    celery_worker_process, make_proposal, us_staff, jp_staff
):
    # Two projects, so that nothing but the limits' lock stands between the two commits;
    # each approved for more than it commits, so that only the equity ceiling binds.
    approved = {"amount_requested": D("20000000000")}
    proposals = {
        us_staff: make_proposal("funding", **approved),
        jp_staff: make_proposal("funding", **approved),
    }
    services.instrument_commit(
        user=us_staff, proposal_id=proposals[us_staff].pk, kind="equity", provider="JBIC",
        currency="USD", committed=D("5000000000.00"),
    )  # fmt: skip
    # Each would fit alone (5 + 5.5 ≤ 11 billion); together they would not (16 billion).
    body = {"kind": "equity", "provider": "NEXI", "currency": "USD", "committed": "5500000000.00"}
    barrier = threading.Barrier(2)
    answers: list[int] = []
    errors: list[BaseException] = []

    def commit(user):
        try:
            client = client_for(user)
            barrier.wait()
            answers.append(
                client.post(
                    f"/api/v1/proposals/{proposals[user].pk}/instruments/", body, format="json"
                ).status_code
            )
        except BaseException as error:  # noqa: BLE001 - reported by the main thread
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=commit, args=(user,)) for user in (us_staff, jp_staff)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not errors, errors
    assert sorted(answers) == [201, 409]
    equity = sum(Instrument.objects.filter(kind="equity").values_list("committed", flat=True))
    assert equity == D("10500000000.00") <= D("11000000000")
    _let_the_worker_finish()


def test_usd_figures_round_half_even_in_the_database(
    celery_worker_process, make_proposal, us_staff
):
    services.fx_rate_set(user=us_staff, date=days_ago(10), currency="JPY", usd_per_unit="0.125")
    proposal = make_proposal("funding")
    # Whole yen: 0.125, 0.375 and 0.625 USD are ties, each kept at its even cent.
    for committed, expected in (("1", "0.12"), ("3", "0.38"), ("5", "0.62")):
        instrument = services.instrument_commit(
            user=us_staff, proposal_id=proposal.pk, kind="loan", provider="JBIC",
            currency="JPY", committed=D(committed),
        )  # fmt: skip
        row = selectors.ledger_figures(selectors.today(), instrument_ids=[instrument.pk]).get()
        assert row.f_committed_usd == D(expected), committed
        assert row.f_committed_usd == rules.cents(D(committed) * D("0.125"))
    _let_the_worker_finish()


def test_two_full_recomputes_at_once_leave_one_right_row_per_instrument(make_proposal, us_staff):
    _ledger(make_proposal, us_staff, instruments=300)
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def job():
        try:
            barrier.wait()
            recompute_exposure()
        except BaseException as error:  # noqa: BLE001 - reported by the main thread
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=job) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not errors, errors
    rows = Instrument.objects.filter(figures_as_of=selectors.today())
    assert rows.count() == 300
    fresh = {
        row["id"]: (row["f_exposure"], row["f_exposure_usd"])
        for row in selectors.ledger_figures(selectors.today()).values(
            "id", "f_exposure", "f_exposure_usd"
        )
    }
    shown = {row["id"]: row for row in selectors.exposure_report(us_staff)["instruments"]}
    assert {r.pk: (r.exposure, D(shown[r.pk]["exposure_usd"])) for r in rows} == fresh
