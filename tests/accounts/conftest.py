import pytest

from config.celery import app


@pytest.fixture(autouse=True)
def _tasks_in_process():
    """Security mail (password reset, password changed) goes out through a task after commit:
    run it in the test's own process on either CI run, as tests/notifications does. With a
    broker configured (CI run 2) ``delay()`` would hand it to a worker that cannot see the
    test's uncommitted rows."""
    saved = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = saved
