"""Every kind of page, for every role, loads without a Content-Security-Policy violation.

The policy (config/settings.py) allows scripts and styles only from files the application
serves: an inline <script>, <style>, style="" or onclick anywhere would be refused by the
browser and reported here, as would the API docs' Swagger UI if it needed one.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

pytestmark = pytest.mark.django_db(transaction=True)

# Collects the browser's own reports of what the policy refused, from the first script on.
LISTEN = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""

COMMON = [
    "/",
    "/proposals/",
    "/proposals/{funding}/",
    "/proposals/{voting}/",
    "/proposals/{voting}/package/",
    "/decision-log/",
    "/exposure/",
    "/account/",
    "/accounts/2fa/",
    "/account/password/",
    "/no-such-page/",
]
SPONSOR = ["/proposals/new/", "/proposals/{draft}/", "/proposals/{draft}/edit/"]
ANONYMOUS = [
    "/accounts/login/",
    "/accounts/password/reset/",
    "/accounts/password/reset/done/",
    "/accounts/reset/MQ/no-such-token/",
]


def watch(page: Page) -> list[str]:
    messages: list[str] = []
    page.add_init_script(LISTEN)
    page.on(
        "console",
        lambda m: messages.append(m.text) if "Content Security Policy" in m.text else None,
    )
    return messages


def visit(page: Page, url: str, console: list[str]) -> list[str]:
    page.goto(url)
    page.wait_for_load_state("load")
    return [f"{url}: {v}" for v in page.evaluate("window.__csp || []")]


def test_the_api_docs_render_under_the_policy(live_server, page, sign_in, us_member):
    console = watch(page)
    sign_in(us_member)
    page.goto(f"{live_server.url}/api/docs/")
    page.locator(".swagger-ui .info .title").wait_for()
    page.locator(".opblock").first.wait_for()
    assert page.evaluate("window.__csp") == []
    assert console == []


@pytest.mark.parametrize(
    "persona", ["sponsor_softbank", "us_member", "us_chair", "us_staff", "jp_observer"]
)
def test_every_page_kind_loads_without_a_violation(
    request, live_server, page, sign_in, make_proposal, persona
):
    ids = {
        "draft": make_proposal("draft").pk,
        "voting": make_proposal("voting").pk,
        "funding": make_proposal("funding").pk,
    }
    console = watch(page)
    violations: list[str] = []
    for path in ANONYMOUS:
        violations += visit(page, live_server.url + path, console)
    sign_in(request.getfixturevalue(persona))
    paths = COMMON + (SPONSOR if persona.startswith("sponsor") else [])
    for path in paths:
        violations += visit(page, live_server.url + path.format(**ids), console)
    assert violations == []
    assert console == []
