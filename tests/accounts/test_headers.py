"""Security headers on every response: CSP without inline scripts or styles, and the rest."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.conftest import sign_in_client


def policy(response) -> dict[str, str]:
    parts = [p.strip() for p in response["Content-Security-Policy"].split(";") if p.strip()]
    return {p.split()[0]: p.partition(" ")[2] for p in parts}


@pytest.mark.parametrize(
    "path", ["/accounts/login/", "/accounts/password/reset/", "/no-such-page/", "/api/v1/"]
)
def test_anonymous_answers_carry_the_headers(db, path):
    check(Client().get(path))


def test_signed_in_pages_and_the_api_docs_carry_the_headers(db, us_member):
    client = Client()
    sign_in_client(client, us_member)
    for path in ("/", "/proposals/", "/account/", "/accounts/2fa/", "/api/docs/"):
        check(client.get(path))
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200 and script["Content-Type"].startswith("application/javascript")


def check(response) -> None:
    rules = policy(response)
    assert rules["default-src"] == "'self'"
    assert rules["script-src"] == "'self'" and rules["style-src"] == "'self'"
    assert rules["frame-ancestors"] == "'none'"
    assert rules["form-action"] == "'self'"
    assert rules["object-src"] == "'none'"
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    assert response["X-Frame-Options"] == "DENY"
