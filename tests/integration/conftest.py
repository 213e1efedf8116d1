"""A real Celery worker process, on the same PostgreSQL test database and Redis broker."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from config.celery import app

ROOT = Path(__file__).resolve().parents[2]


def _database_url() -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup, django_db_blocker, tmp_path_factory):
    """Start ``celery -A config worker`` against the test database; fail if it never answers.

    Its output goes to a file, not a pipe: a pipe nobody reads fills up after some 64 KB of
    log lines (retries, tracebacks) and then blocks the worker mid-task.
    """
    with django_db_blocker.unblock():
        env = {**os.environ, "DATABASE_URL": _database_url()}
    app.control.purge()
    log_path = tmp_path_factory.mktemp("celery") / "worker.log"
    log = log_path.open("w")
    worker = subprocess.Popen(
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
            "--hostname=accord-test@%h",
            # As production runs it (README): see test_faults for why.
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        text=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if worker.poll() is not None:
            pytest.fail(f"the Celery worker exited at start:\n{log_path.read_text()}")
        if app.control.ping(timeout=1):
            break
    else:
        worker.kill()
        pytest.fail("the Celery worker did not answer a ping within 60 s")
    yield worker
    stop_process(worker)
    log.close()


def stop_process(process: subprocess.Popen, *, grace: float = 20) -> None:
    """End a worker or server this test started: politely, then for sure."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def wait_for(predicate, *, timeout: float = 30.0, every: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"not true within {timeout} s")
