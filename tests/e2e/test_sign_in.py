"""Signing in with a second factor in the browser: an authenticator app (codes from pyotp),
a security key (Chromium's virtual WebAuthn authenticator, over the DevTools protocol), and
a recovery code that works once."""

from __future__ import annotations

import pyotp
import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from playwright.sync_api import Page, expect

from committee.services import membership_assign
from tests.conftest import PASSWORD, make_user, totp_code
from tests.e2e.conftest import enter_code

pytestmark = pytest.mark.django_db(transaction=True)


def password_step(page: Page, url: str, username: str) -> None:
    page.goto(f"{url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()


def log_out(page: Page) -> None:
    """End the browser's session (as closing it does), so the next sign-in starts afresh."""
    page.context.clear_cookies()


def test_a_member_enrols_an_authenticator_app_then_signs_in_with_it(live_server, page):
    user = make_user("newcomer")
    membership_assign(user=user, role="member", delegation="JP")
    password_step(page, live_server.url, "newcomer")
    # No factor yet: every page sends the member to set one up first.
    page.goto(f"{live_server.url}/proposals/")
    page.wait_for_url("**/accounts/2fa/")
    expect(page.get_by_text("Set one up to continue")).to_be_visible()
    page.goto(f"{live_server.url}/accounts/2fa/totp/activate/")
    secret = page.locator("#authenticator_secret").input_value()
    page.locator("input[name=code]").fill(pyotp.TOTP(secret).now())
    page.locator("form[action$='/totp/activate/'] button[type=submit]").click()
    page.wait_for_url("**/accounts/2fa/recovery-codes/")
    expect(page.locator("#recovery_codes")).not_to_be_empty()
    page.goto(f"{live_server.url}/proposals/")
    expect(page).to_have_url(f"{live_server.url}/proposals/")

    log_out(page)
    password_step(page, live_server.url, "newcomer")
    page.wait_for_url("**/accounts/2fa/authenticate/")
    enter_code(page, totp_code(user, secret=secret))
    page.wait_for_url(f"{live_server.url}/")


def test_a_recovery_code_signs_in_once(live_server, page, us_staff):
    authenticator = Authenticator.objects.get(user=us_staff, type="recovery_codes")
    code = RecoveryCodes(authenticator).get_unused_codes()[0]
    password_step(page, live_server.url, us_staff.username)
    enter_code(page, code)
    page.wait_for_url(f"{live_server.url}/")
    log_out(page)

    password_step(page, live_server.url, us_staff.username)
    enter_code(page, code)
    page.wait_for_load_state()
    expect(page).to_have_url(f"{live_server.url}/accounts/2fa/authenticate/")
    expect(page.get_by_text("Incorrect code.")).to_be_visible()


def test_a_chair_adds_a_security_key_and_signs_in_with_it(live_server, page, us_chair, settings):
    settings.MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = True  # http://localhost in tests
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "usb",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    password_step(page, live_server.url, us_chair.username)
    enter_code(page, totp_code(us_chair))
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/accounts/2fa/webauthn/add/")
    page.locator("input[name=name]").fill("Desk key")
    page.locator("#mfa_webauthn_add").click()
    page.wait_for_url(lambda url: "/webauthn/add/" not in url)  # the key is made, then saved
    assert Authenticator.objects.filter(user=us_chair, type="webauthn").count() == 1

    log_out(page)
    password_step(page, live_server.url, us_chair.username)
    page.wait_for_url("**/accounts/2fa/authenticate/")
    page.locator("#mfa_webauthn_authenticate").click()
    page.wait_for_url(f"{live_server.url}/")
