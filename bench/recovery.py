"""The restated recovery position of one project on PostgreSQL: 1,000 distributions and
10,000 transactions.

    DATABASE_URL=postgres://root@127.0.0.1:5432/accord_bench_recovery \
    .venv/bin/python bench/recovery.py

Drops and recreates the bench database (its name must contain "bench") and migrates it. One
active project with 20 instruments (JBIC and NEXI loans, equity and guarantees, half in yen),
10,000 transactions over three years (drawings, then repayments, returns of capital and calls;
100 of them reversed), a JPY rate per business day, and 1,000 distributions (USD and JPY,
20 of them reversed) whose recorded splits were made before a back-dated disbursement, so the
restatement owes a true-up. All written with COPY.

Measured: ``GET /api/v1/proposals/{id}/recovery/`` for a staff user through the test client,
median and p95 of 30 requests after 3 warm-ups, with its query count (target: median
< 200 ms); beside it, the restatement alone (the selector's queries and the pure waterfall).
"""

from __future__ import annotations

import datetime as dt
import random
import time
from decimal import Decimal

from _common import load_average, median, p95, rerun_command, setup

INSTRUMENTS = 20
TRANSACTIONS = 10_000
DISTRIBUTIONS = 1_000
REVERSED_TRANSACTIONS = 100
REVERSED_DISTRIBUTIONS = 20
REQUESTS = 30
TARGET_MS = 200.0


def _copy(cursor, table: str, columns: tuple[str, ...], rows) -> None:
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _project(staff):
    from projects import permissions, workflow
    from projects.models import Proposal
    from projects.services import sponsor_upsert

    sponsor = sponsor_upsert(name="SoftBank Group", country="JP")
    now = dt.datetime.now(dt.UTC)
    proposal = Proposal.objects.create(
        reference="P-2024-0001",
        title="Bench project",
        sponsor=sponsor,
        sector="nuclear",
        description="x",
        amount_requested=Decimal(10**11),
        currency="USD",
        status="active",
        created_by=staff,
        submitted_at=now,
        decided_at=now,
    )
    # Staff see the project as the workflow grants it once submitted.
    groups = permissions.audience_groups(proposal, workflow.SECRETARIAT)
    permissions.grant_to_groups(proposal, groups, [permissions.VIEW])
    return proposal


def _instruments(raw, staff, proposal, start, now) -> list[tuple[int, str, str]]:
    """Twenty instruments of every kind, half in yen, signed on the first transaction's day."""
    kinds = [("loan", "JBIC"), ("loan", "NEXI"), ("equity", "JBIC"), ("guarantee", "NEXI")]
    rows = [(n + 1, *kinds[n % 4], "JPY" if n % 2 else "USD", Decimal(10**12)) for n in range(20)]
    _copy(
        raw,
        "financing_instrument",
        ("id", "proposal_id", "kind", "provider", "currency", "committed", "committed_by_id",
         "committed_at", "signed_on", "signed_on_given"),
        ((n, proposal.pk, kind, provider, ccy, committed, staff.pk, now, start, True)
         for n, kind, provider, ccy, committed in rows),
    )  # fmt: skip
    return [(n, kind, ccy) for n, kind, _provider, ccy, _committed in rows]


def _moves(instruments, start, rng) -> list[tuple]:
    """Per instrument: drawings over the first year, then smaller lowering moves."""
    raising = {"loan": "disbursement", "guarantee": "issue", "equity": "contribution"}
    lowering = {"loan": "repayment", "guarantee": "call", "equity": "return_of_capital"}
    per = TRANSACTIONS // len(instruments)
    rows = []
    for n, kind, _ccy in instruments:
        for k in range(per):
            up = k < per // 2
            day = start + dt.timedelta(days=(k * 1000) // per)
            amount = Decimal(rng.randrange(1_000, 10_000) * (100 if up else 10))
            rows.append((n, raising[kind] if up else lowering[kind], amount, day))
    return rows


def generate():
    from django.contrib.auth import get_user_model
    from django.db import connection

    from committee.services import membership_assign

    rng = random.Random(19)
    staff = get_user_model().objects.create_user(username="bench-staff")
    membership_assign(user=staff, role="staff", delegation="US")
    proposal = _project(staff)
    now = dt.datetime.now(dt.UTC)
    start = dt.date.today() - dt.timedelta(days=3 * 365)
    with connection.cursor() as cursor:
        raw = cursor.connection.cursor()
        _copy(
            raw,
            "financing_fxrate",
            ("date", "currency", "usd_per_unit", "source", "entered_by_id", "entered_at"),
            ((start + dt.timedelta(days=d), "JPY", Decimal("0.0066") + Decimal(d % 97) / 10**6,
              "bench", staff.pk, now)
             for d in range(-7, 3 * 365) if (start + dt.timedelta(days=d)).weekday() < 5),
        )  # fmt: skip
        instruments = _instruments(raw, staff, proposal, start, now)
        moves = _moves(instruments, start, rng)
        _copy(
            raw,
            "financing_transaction",
            ("id", "instrument_id", "type", "amount", "value_date", "recorded_by_id",
             "recorded_at", "reverses_id"),
            [(i + 1, n, t, a, d, staff.pk, now, None) for i, (n, t, a, d) in enumerate(moves)]
            + [(len(moves) + i + 1, *moves[i * 3][:1], moves[i * 3][1], -moves[i * 3][2],
                moves[i * 3][3], staff.pk, now, i * 3 + 1)
               for i in range(REVERSED_TRANSACTIONS)],
        )  # fmt: skip
        _copy_distributions(raw, staff, proposal, start, now)
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('financing_transaction', 'id'), "
            "(SELECT MAX(id) FROM financing_transaction))"
        )
        cursor.execute("ANALYZE")
    return staff, proposal


def _copy_distributions(raw, staff, proposal, start, now) -> None:
    """Splits recorded 90/10 as if Japan had recovered (the restatement finds otherwise)."""
    rows = []
    for i in range(DISTRIBUTIONS):
        day = start + dt.timedelta(days=30 + i)
        usd = Decimal(10_000 + i)
        yen = i % 2
        amount = Decimal(int(usd / Decimal("0.0066"))) if yen else usd
        half = (usd / 10).quantize(Decimal("0.01"))  # as if Japan had recovered
        rows.append((i + 1, proposal.pk, day, amount, "JPY" if yen else "USD",
                     Decimal("0.0066") if yen else None, usd, half, usd - half, usd, usd,
                     "pre_recovery", staff.pk, now, None))  # fmt: skip
    for k in range(REVERSED_DISTRIBUTIONS):
        o = rows[k * 50]
        rows.append((DISTRIBUTIONS + k + 1, o[1], o[2], -o[3], o[4], o[5], -o[6], -o[7], -o[8],
                     o[9], o[10], o[11], staff.pk, now, o[0]))  # fmt: skip
    _copy(
        raw,
        "financing_distribution",
        ("id", "proposal_id", "date", "amount", "currency", "usd_per_unit", "amount_usd",
         "japan", "us", "japan_investment", "japan_recovered", "phase", "recorded_by_id",
         "recorded_at", "reverses_id"),
        rows,
    )  # fmt: skip


def measure(staff, proposal) -> str:
    from django.conf import settings
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from rest_framework.test import APIClient

    from financing import selectors

    settings.SECURE_SSL_REDIRECT = False
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    client = APIClient()
    client.force_authenticate(user=staff)
    url = f"/api/v1/proposals/{proposal.pk}/recovery/"
    for _ in range(3):
        assert client.get(url).status_code == 200
    runs = []
    for _ in range(REQUESTS):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url)
            runs.append(time.perf_counter() - started)
        assert response.status_code == 200
    body = response.json()
    assert len(body["distributions"]) == DISTRIBUTIONS + REVERSED_DISTRIBUTIONS
    pure = []
    for _ in range(10):
        started = time.perf_counter()
        selectors.restatement(proposal=proposal)
        pure.append(time.perf_counter() - started)
    value = median(runs) * 1000
    verdict = "ok" if value < TARGET_MS else "MISSED"
    return (
        f"recovery endpoint, {DISTRIBUTIONS:,} distributions and {TRANSACTIONS:,} transactions: "
        f"median {value:.0f} ms, p95 {p95(runs) * 1000:.0f} ms, {len(queries)} queries "
        f"(target < {TARGET_MS:.0f} ms: {verdict}); restatement alone median "
        f"{median(pure) * 1000:.0f} ms; complete={body['complete']}, "
        f"true-up to Japan {body['true_up']['japan']} USD; {load_average()}"
    )


def main() -> None:
    setup()
    staff, proposal = generate()
    print(measure(staff, proposal))
    print(f"rerun: {rerun_command()}")


if __name__ == "__main__":
    main()
