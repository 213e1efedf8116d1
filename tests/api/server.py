"""The app served by a real gunicorn on the test database, on a free loopback port.

Used by the schemathesis run and by the fault tests: what they check (content types, status
codes, connections kept between requests, concurrent requests) only a real server shows.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
APPLICATION_NAME = "accord-test-server"


def database_url(**query: str) -> str:
    """The test database as a URL for a subprocess (pytest-django's name, not the setting's)."""
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    url = f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
    if query:
        url += "?" + "&".join(f"{key}={value}" for key, value in query.items())
    return url


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def http(
    method: str, url: str, *, token: str | None = None, body: bytes | None = None
) -> tuple[int, bytes]:
    """One request; the status and body, whatever the status."""
    request = urllib.request.Request(url, data=body, method=method)
    request.add_header("Accept", "application/json")
    if body is not None:
        request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Token {token}")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


@contextlib.contextmanager
def serve(tmp_path: Path, *, workers: int = 2, threads: int = 1) -> Iterator[str]:
    """Run gunicorn until the block ends; yields its base URL. Tasks run in the server."""
    port = free_port()
    env = {
        **os.environ,
        # application_name lets a test find (and terminate) exactly the server's backends.
        "DATABASE_URL": database_url(application_name=APPLICATION_NAME),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "DEBUG": "0",
    }
    # Eager tasks in the server process: nothing is left queued on the CI broker.
    for name in ("CELERY_BROKER_URL", "CELERY_RESULT_BACKEND"):
        env.pop(name, None)
    log_path = tmp_path / "gunicorn.log"
    with open(log_path, "w") as log:
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "config.wsgi",
                f"--bind=127.0.0.1:{port}",
                f"--workers={workers}",
                f"--threads={threads}",
                "--timeout=60",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 30
            while True:
                if server.poll() is not None:
                    pytest.fail(f"gunicorn exited at start:\n{log_path.read_text()}")
                with contextlib.suppress(OSError):
                    if http("GET", f"{base}/api/v1/proposals/")[0] in (401, 403):
                        break
                if time.monotonic() > deadline:
                    pytest.fail("gunicorn did not answer within 30 s")
                time.sleep(0.2)
            yield base
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait(timeout=10)
