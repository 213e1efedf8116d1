"""The session cookie itself: a new one at sign-in, dead after sign-out, with safe flags;
and only the sign-in routes Accord uses are served (no sign-up, no e-mail management)."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client

from tests.conftest import PASSWORD, sign_in_client


def test_signing_in_issues_a_new_session_key(db, us_member):
    client = Client()
    client.get("/accounts/login/")
    client.post("/accounts/login/", {"username": "bob", "password": PASSWORD})
    before = client.session.session_key  # the half-way session, between the two steps
    sign_in_client(client, us_member)
    assert client.session.session_key != before


def test_signing_out_ends_the_session_on_the_server(db, us_member):
    client = Client()
    sign_in_client(client, us_member)
    stolen = client.cookies["sessionid"].value
    client.post("/accounts/logout/")
    thief = Client()
    thief.cookies["sessionid"] = stolen
    assert thief.get("/account/").status_code == 302


def test_the_session_cookie_is_httponly_and_samesite(db, sponsor_softbank):
    client = Client()
    response = client.post("/accounts/login/", {"username": "ken", "password": PASSWORD})
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert not cookie["max-age"]  # ends with the browser; the server ends it sooner


@pytest.mark.parametrize(
    "path",
    ["/accounts/signup/", "/accounts/email/", "/accounts/password/set/", "/accounts/sessions/"],
)
def test_sign_in_routes_accord_does_not_use_are_not_served(db, path):
    assert Client().get(path).status_code == 404


def test_a_wrong_current_password_changes_nothing(db, us_member):
    client = Client()
    sign_in_client(client, us_member)
    response = client.post(
        "/account/password/",
        {
            "old_password": "not-it",
            "new_password1": "a-much-longer-passphrase",
            "new_password2": "a-much-longer-passphrase",
        },
    )
    assert response.status_code == 400
    us_member.refresh_from_db()
    assert us_member.check_password(PASSWORD)


def test_the_user_is_mailed_when_the_password_changes(
    db, us_member, django_capture_on_commit_callbacks
):
    client = Client()
    sign_in_client(client, us_member)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/account/password/",
            {
                "old_password": PASSWORD,
                "new_password1": "a-much-longer-passphrase",
                "new_password2": "a-much-longer-passphrase",
            },
        )
    assert [m.to for m in mail.outbox] == [[us_member.email]]
    assert "127.0.0.1" in mail.outbox[0].body
