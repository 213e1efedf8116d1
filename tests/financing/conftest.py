"""Fixtures of the financing tests (the ledger's builders live in ``ledger_fixtures``)."""

import pytest

from config.celery import app
from tests.financing.ledger_fixtures import funded, jpy_rate  # noqa: F401


@pytest.fixture(autouse=True)
def _tasks_in_process():
    """Run the exposure tasks in the test's own process and transaction, on either CI run.

    With a broker configured (CI run 2) ``delay()`` would hand the task to a worker that
    cannot see the test's uncommitted rows; tests/integration/ covers the real worker.
    """
    saved = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = saved
