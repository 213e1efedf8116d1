import pytest
from django.db.models import Max

from config.celery import app
from core.models import DecisionLogEntry
from notifications.models import DispatchCursor


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


@pytest.fixture
def make_proposal(make_proposal):
    """Walk a proposal to a state as the root fixture does, with the walk's mail behind us.

    Outside a test's transaction, each step of the walk would have queued its own mail when
    it committed. Inside one nothing commits, so the dispatcher's cursor is moved past the
    walk's entries: a test then sees the mail of what it does itself, not of its set-up.
    """

    def build(*args, **kwargs):
        proposal = make_proposal(*args, **kwargs)
        last = DecisionLogEntry.objects.aggregate(last=Max("seq"))["last"] or 0
        DispatchCursor.objects.update_or_create(id=1, defaults={"seq": last})
        return proposal

    return build
