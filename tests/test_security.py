"""Account security: throttled logins, expiring sessions, CSRF, production settings."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from rest_framework.test import APIClient

from tests.conftest import PASSWORD

ROOT = Path(__file__).resolve().parent.parent
# What the test run sets for itself (conftest.py, Makefile); a deployment sets none of them.
PRODUCTION_OVERRIDES = {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE"}


def attempt(client: Client, username: str, password: str):
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_a_user_signs_in_with_the_right_password(db, us_member):
    response = attempt(Client(), us_member.username, PASSWORD)
    assert response.status_code == 302


def test_repeated_failures_lock_the_account_out(db, us_member):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, us_member.username, "wrong-password")
    locked = attempt(client, us_member.username, PASSWORD)
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session


def test_sessions_expire(db, us_member):
    client = Client()
    attempt(client, us_member.username, PASSWORD)
    assert 0 < client.session.get_expiry_age() <= 12 * 60 * 60
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE


def test_pages_refuse_a_post_without_a_csrf_token(db, make_proposal, us_staff):
    proposal = make_proposal("submitted")
    client = Client(enforce_csrf_checks=True)
    client.force_login(us_staff)
    response = client.post(f"/proposals/{proposal.pk}/action/accept/")
    assert response.status_code == 403
    proposal.refresh_from_db()
    assert proposal.status == "submitted"


def test_session_authenticated_api_calls_need_the_csrf_token(db, make_proposal, us_staff):
    proposal = make_proposal("submitted")
    client = APIClient(enforce_csrf_checks=True)
    client.get("/accounts/login/")  # the login form sets the csrftoken cookie
    token = client.cookies["csrftoken"].value
    client.force_login(us_staff)
    assert client.post(f"/api/v1/proposals/{proposal.pk}/accept/").status_code == 403
    response = client.post(f"/api/v1/proposals/{proposal.pk}/accept/", HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 200


def test_security_headers_are_sent(db, us_member):
    client = Client()
    client.force_login(us_member)
    response = client.get("/proposals/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in PRODUCTION_OVERRIDES}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("debug", ["0", ""])
def test_check_deploy_is_clean_under_production_settings(debug):
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG=debug,
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="accord.example.org",
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    env = {"DEBUG": "0", "SECRET_KEY": "", "ALLOWED_HOSTS": "accord.example.org"}
    deploy = run_manage("check", "--deploy", **env)
    assert deploy.returncode != 0
    assert "accord.E001" in deploy.stderr and "SECRET_KEY" in deploy.stderr
    clean = {k: v for k, v in os.environ.items() if k not in PRODUCTION_OVERRIDES}
    serve = subprocess.run(
        [sys.executable, "-c", "import config.wsgi"],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert serve.returncode != 0
    assert "SECRET_KEY is not set" in serve.stderr


def test_commands_that_do_not_serve_run_without_a_secret_key():
    result = run_manage("makemigrations", "--check", "--dry-run", DEBUG="", SECRET_KEY="")
    assert result.returncode == 0, result.stdout + result.stderr
