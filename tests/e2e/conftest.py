"""Browser tests: Playwright drives Debian's Chromium against pytest-django's live server."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.conftest import PASSWORD, totp_code


@pytest.fixture
def another_page(browser):
    """``another_page()`` opens a page in a fresh browser context (a second person), closed at
    the end of the test so that no keep-alive connection outlives it on the live server."""
    contexts = []

    def open_page() -> Page:
        contexts.append(browser.new_context())
        return contexts[-1].new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def sign_in(live_server, page: Page, settings):
    """``sign_in(user)`` logs ``user`` in through the login page (a fresh browser context):
    the password, then, for a role that signs in with a second factor, the code of the
    authenticator app (``tests.conftest.TOTP_SECRET``) on the next page."""
    settings.SECURE_SSL_REDIRECT = False

    def as_user(user, target: Page | None = None) -> Page:
        target = target or page
        target.goto(f"{live_server.url}/accounts/login/")
        target.get_by_label("Username").fill(user.username)
        target.get_by_label("Password").fill(PASSWORD)
        target.get_by_role("button", name="Log in").click()
        target.wait_for_load_state()
        if "/accounts/2fa/authenticate/" in target.url:
            enter_code(target, totp_code(user))
        target.wait_for_url(f"{live_server.url}/")
        return target

    return as_user


def enter_code(page: Page, code: str) -> None:
    """On the second step of sign-in, type an authenticator (or recovery) code and go on."""
    page.locator("input[name=code]").fill(code)
    page.locator("form[action$='/accounts/2fa/authenticate/'] button[type=submit]").first.click()
