"""Browser tests: Playwright drives Debian's Chromium against pytest-django's live server."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.conftest import PASSWORD


@pytest.fixture
def sign_in(live_server, page: Page, settings):
    """``sign_in(user)`` logs ``user`` in through the login page (a fresh browser context)."""
    settings.SECURE_SSL_REDIRECT = False

    def as_user(user, target: Page | None = None) -> Page:
        target = target or page
        target.goto(f"{live_server.url}/accounts/login/")
        target.get_by_label("Username").fill(user.username)
        target.get_by_label("Password").fill(PASSWORD)
        target.get_by_role("button", name="Log in").click()
        target.wait_for_url(f"{live_server.url}/")
        return target

    return as_user
