"""Sign-in at /accounts/login/ with the code on the next page, for the roles that need one."""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.test import Client

from committee.services import membership_assign
from tests.conftest import PASSWORD, make_user, sign_in_client, totp_code


def password_step(client: Client, user):
    return client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_a_member_is_asked_for_the_code_after_the_password(db, us_member):
    client = Client()
    response = password_step(client, us_member)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert not signed_in(client)
    assert client.get("/").status_code == 302  # still the login page's business


def test_a_wrong_code_is_refused_and_the_right_one_signs_in(db, us_member):
    client = Client()
    password_step(client, us_member)
    wrong = client.post("/accounts/2fa/authenticate/", {"code": "000000"})
    assert wrong.status_code == 200 and not signed_in(client)
    right = client.post("/accounts/2fa/authenticate/", {"code": totp_code(us_member)})
    assert right.status_code == 302 and signed_in(client)
    assert client.get("/").status_code == 200


def test_guessing_codes_is_cut_short(db, us_member):
    client = Client()
    password_step(client, us_member)
    for _ in range(5):
        client.post("/accounts/2fa/authenticate/", {"code": "000000"})
    refused = client.post("/accounts/2fa/authenticate/", {"code": totp_code(us_member)})
    assert not signed_in(client)
    assert "Too many failed login attempts" in refused.content.decode()


def test_a_code_is_accepted_once(db, us_member):
    code = totp_code(us_member)
    first, second = Client(), Client()
    password_step(first, us_member)
    assert first.post("/accounts/2fa/authenticate/", {"code": code}).status_code == 302
    password_step(second, us_member)
    second.post("/accounts/2fa/authenticate/", {"code": code})
    assert not signed_in(second)


def test_a_recovery_code_signs_in_once(db, us_staff):
    codes = RecoveryCodes(
        Authenticator.objects.get(user=us_staff, type=Authenticator.Type.RECOVERY_CODES)
    )
    code = codes.get_unused_codes()[0]
    client = Client()
    password_step(client, us_staff)
    client.post("/accounts/2fa/authenticate/", {"code": code})
    assert signed_in(client)
    again = Client()
    password_step(again, us_staff)
    again.post("/accounts/2fa/authenticate/", {"code": code})
    assert not signed_in(again)


def test_a_sponsor_or_observer_signs_in_with_the_password_alone(db, sponsor_softbank, us_observer):
    for user in (sponsor_softbank, us_observer):
        client = Client()
        response = password_step(client, user)
        assert response["Location"] == "/"
        assert signed_in(client)


@pytest.mark.parametrize("role", ["chair", "member", "staff"])
def test_a_role_that_needs_a_factor_and_has_none_sets_one_up_first(db, role):
    user = make_user("newcomer")
    membership_assign(user=user, role=role, delegation="JP")
    client = Client()
    response = password_step(client, user)  # no factor yet: the password signs in
    assert signed_in(client)
    for path in ("/", "/proposals/", "/account/"):
        answer = client.get(path)
        assert answer.status_code == 302 and answer["Location"] == "/accounts/2fa/", path
    api = client.get("/api/v1/proposals/")
    assert api.status_code == 403 and "second factor" in api.json()["detail"]
    assert client.get("/accounts/2fa/").status_code == 200
    assert client.get("/accounts/2fa/totp/activate/").status_code == 200
    del response


def test_setting_up_a_factor_lets_the_user_in(db):
    import pyotp

    user = make_user("newcomer")
    membership_assign(user=user, role="member", delegation="US")
    client = Client()
    password_step(client, user)
    page = client.get("/accounts/2fa/totp/activate/")
    secret = page.context["form"].secret
    code = pyotp.TOTP(secret).now()
    done = client.post("/accounts/2fa/totp/activate/", {"code": code})
    assert done.status_code == 302
    assert client.get("/").status_code == 200
    assert Authenticator.objects.filter(user=user, type="totp").exists()
    assert Authenticator.objects.filter(user=user, type="recovery_codes").exists()


def test_the_required_roles_are_a_setting(db, settings):
    settings.ACCORD_MFA_REQUIRED_ROLES = ["chair"]
    user = make_user("newcomer")
    membership_assign(user=user, role="member", delegation="US")
    client = Client()
    password_step(client, user)
    assert client.get("/").status_code == 200


def test_the_last_factor_of_a_role_that_needs_one_cannot_be_removed(db, us_member):
    client = Client()
    sign_in_client(client, us_member)
    response = client.post("/accounts/2fa/totp/deactivate/")
    assert Authenticator.objects.filter(user=us_member, type="totp").exists()
    assert response.status_code in (200, 302)


def test_the_admin_signs_in_through_the_same_login(db):
    client = Client()
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
