"""Security events go to the application log (``accord.security``) with user, IP and time."""

from __future__ import annotations

import logging

import pytest
from django.conf import settings
from django.test import Client

from accounts.models import ApiToken
from tests.conftest import PASSWORD, sign_in_client


@pytest.fixture
def security_log(caplog):
    caplog.set_level(logging.INFO, logger="accord.security")

    def events() -> list[dict]:
        return [r.security for r in caplog.records if r.name == "accord.security"]

    return events


def test_sign_in_failure_and_lockout_are_logged(db, us_member, sponsor_softbank, security_log):
    sign_in_client(Client(), sponsor_softbank)
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": "bob", "password": "wrong"})
    events = security_log()
    signed_in = [e for e in events if e["event"] == "sign_in"]
    assert signed_in[0]["user"] == "ken" and signed_in[0]["ip"] == "127.0.0.1"
    assert signed_in[0]["at"].endswith("Z")
    failures = [e for e in events if e["event"] == "sign_in_failed"]
    assert len(failures) == settings.AXES_FAILURE_LIMIT and failures[0]["user"] == "bob"
    assert any(e["event"] == "locked_out" and e["user"] == "bob" for e in events)
    assert not any(PASSWORD in str(e) or "wrong" in str(e) for e in events)


def test_factors_tokens_and_password_changes_are_logged(db, us_member, security_log):
    client = Client()
    sign_in_client(client, us_member)
    client.post("/account/tokens/", {"name": "cron"})
    token = ApiToken.objects.get(user=us_member)
    client.post("/account/tokens/revoke/", {"token": token.token_key})
    client.post(
        "/account/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "a-much-longer-passphrase",
            "new_password2": "a-much-longer-passphrase",
        },
    )
    kinds = [e["event"] for e in security_log() if e["user"] == "bob"]
    for event in ("sign_in", "token_created", "token_revoked", "password_changed"):
        assert event in kinds, event


@pytest.mark.django_db(transaction=True)  # allauth signals it after the commit, in the request
def test_a_factor_added_on_the_site_is_logged(security_log):
    import pyotp

    from committee.services import membership_assign
    from tests.conftest import make_user

    user = make_user("newcomer")
    membership_assign(user=user, role="staff", delegation="US")
    client = Client()
    client.post("/accounts/login/", {"username": "newcomer", "password": PASSWORD})
    secret = client.get("/accounts/2fa/totp/activate/").context["form"].secret
    client.post("/accounts/2fa/totp/activate/", {"code": pyotp.TOTP(secret).now()})
    added = [e for e in security_log() if e["event"] == "factor_added"]
    assert {(e["user"], e["factor"]) for e in added} >= {("newcomer", "totp")}
