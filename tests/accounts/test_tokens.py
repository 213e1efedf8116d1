"""API tokens: named on My account, stored hashed, last use shown, revocable, ending."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import ApiToken
from tests.conftest import sign_in_client


def api_with(secret: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    return client


def make_on_the_page(client: Client, name: str) -> str:
    response = client.post("/account/tokens/", {"name": name})
    assert response.status_code == 302
    page = client.get("/account/").content.decode()
    start = page.index('data-testid="new-token">') + len('data-testid="new-token">')
    return page[start : page.index("<", start)].strip()


def test_a_token_made_on_the_page_works_is_shown_once_and_stored_hashed(db, us_member):
    client = Client()
    sign_in_client(client, us_member)
    secret = make_on_the_page(client, "nightly export")
    assert secret not in client.get("/account/").content.decode()  # shown once
    token = ApiToken.objects.get(user=us_member, name="nightly export")
    assert token.digest == hashlib.sha512(secret.encode()).hexdigest()
    assert not ApiToken.objects.filter(digest=secret).exists()
    assert token.expiry.date() == (timezone.now() + dt.timedelta(days=90)).date()
    assert token.last_used_at is None
    assert api_with(secret).get("/api/v1/proposals/").status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None
    page = client.get("/account/").content.decode()
    assert "nightly export" in page and "never" not in page.split('id="tokens"')[1][:3000]


def test_a_revoked_token_stops_working(db, us_member):
    client = Client()
    sign_in_client(client, us_member)
    secret = make_on_the_page(client, "script")
    token = ApiToken.objects.get(user=us_member)
    client.post("/account/tokens/revoke/", {"token": token.token_key})
    assert not ApiToken.objects.filter(user=us_member).exists()
    assert api_with(secret).get("/api/v1/proposals/").status_code in (401, 403)


def test_nobody_revokes_another_users_token(db, us_member, jp_member):
    _token, _secret = ApiToken.objects.create(user=jp_member, name="theirs")
    client = Client()
    client.force_login(us_member)
    client.post("/account/tokens/revoke/", {"token": _token.token_key})
    assert ApiToken.objects.filter(user=jp_member).exists()


def test_a_token_ends_after_the_configured_days(db, us_member, settings):
    _token, secret = ApiToken.objects.create(user=us_member, name="short")
    with time_machine.travel(timezone.now() + dt.timedelta(days=91)):
        assert api_with(secret).get("/api/v1/proposals/").status_code in (401, 403)
    assert not ApiToken.objects.filter(user=us_member).exists()


def test_drf_create_token_makes_an_expiring_token(db, us_staff, capsys):
    call_command("drf_create_token", us_staff.username)
    secret = capsys.readouterr().out.split()[2]
    token = ApiToken.objects.get(user=us_staff)
    assert token.name == "drf_create_token"
    assert token.expiry.date() == (timezone.now() + dt.timedelta(days=90)).date()
    assert api_with(secret).get("/api/v1/proposals/").status_code == 200


def test_a_token_needs_a_name(db, us_member):
    client = Client()
    client.force_login(us_member)
    client.post("/account/tokens/", {"name": "  "})
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize(
    "args",
    [["{user}", "--name", "a\x00b"], ["nob\x00dy"], ["{user}", "--name", "   "]],
    ids=["nul in name", "nul in username", "blank name"],
)
def test_drf_create_token_refuses_bad_arguments_with_a_message(db, us_staff, args):
    with pytest.raises(CommandError):
        call_command("drf_create_token", *[a.format(user=us_staff.username) for a in args])
    assert not ApiToken.objects.exists()
