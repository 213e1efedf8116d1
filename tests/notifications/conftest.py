import pytest

from config.celery import app


@pytest.fixture(autouse=True)
def _tasks_in_process():
    """Run the mail tasks in the test's own process and transaction, on either CI run.

    With a broker configured (CI run 2) ``delay()`` would hand the task to a worker that
    cannot see the test's uncommitted rows; tests/integration/ covers the real worker.
    """
    saved = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = saved
