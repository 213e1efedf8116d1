"""A task for the fault tests only, loaded into their worker with ``celery worker -I``.

Idempotent the way Accord's tasks are: the effect is recorded with the key that caused it, in
the same transaction, so a redelivered message (acks_late after a lost connection) runs again
but takes effect once. Every run is counted apart, so the test can tell the two apart.
"""

from __future__ import annotations

import time

from celery import shared_task
from django.db import connection, transaction


@shared_task(name="tests.faults.record_effect", acks_late=True)
def record_effect(key: str, amount: int, pause: float = 0.05) -> None:
    time.sleep(pause)
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO fault_runs (key) VALUES (%s)", [key])
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO fault_done (key) VALUES (%s) ON CONFLICT (key) DO NOTHING RETURNING key",
            [key],
        )
        if cursor.fetchone():
            cursor.execute("UPDATE fault_total SET total = total + %s", [amount])
