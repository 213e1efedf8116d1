"""WCAG 2.2 AA, measured: axe-core on every page kind, for each role, in English and Japanese,
on a desktop and a phone; and a full-page screenshot of each page kind for people to look at.

One browser, one seeded world per role, one logged-in browser context per language and
viewport (the session is copied from the first sign-in rather than signing in four times).
axe-core comes inside axe-playwright-python (its ``axe.min.js``): nothing is downloaded.

Screenshots go to ``test-screenshots/`` (git-ignored), one PNG per page kind,
language and viewport, named ``<page kind>-<lang>-<viewport>.png``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from committee.permissions import can_read_decision_log
from financing.permissions import can_read_exposure
from projects import permissions, selectors
from projects.models import Proposal, Status
from projects.views import CONFIRMED_ACTIONS

pytestmark = pytest.mark.e2e

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
VIEWPORTS = {
    "desktop": {"viewport": {"width": 1366, "height": 900}},
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
}
LANGUAGES = ("en", "ja")
# Not under test-results/: pytest-playwright empties that folder when any browser test starts.
SCREENSHOTS = Path(settings.BASE_DIR) / "test-screenshots"

# Demo people (seed_demo's users) for each role: each sponsor leads one proposal, so three
# of them show a sponsor a returned draft, a proposal in review and one being funded.
ROLES = {
    "sponsor": ("ihi", "softbank", "carrier"),
    "member": ("jp-member-1",),
    "chair": ("us-chair",),
    "staff": ("us-staff",),
    "observer": ("jp-observer",),
}

# The page is wider than the screen (it would scroll sideways), and the top bar's rows.
LAYOUT = """(screen) => {
    const parts = [...document.querySelectorAll('.wordmark, .mainnav, .topbar-right')]
        .filter(el => el.offsetParent !== null)
        .map(el => el.getBoundingClientRect())
        .sort((a, b) => a.top - b.top);
    let rows = 0, bottom = -Infinity;
    for (const box of parts) {
        if (box.top >= bottom - 1) { rows += 1; }
        bottom = Math.max(bottom, box.bottom);
    }
    const ids = [...document.querySelectorAll('[id]')].map(el => el.id);
    const refs = [...document.querySelectorAll('[aria-describedby], [aria-labelledby]')]
        .flatMap(el => ((el.getAttribute('aria-describedby') || '') + ' '
            + (el.getAttribute('aria-labelledby') || '')).split(/\\s+/))
        .filter(id => id);
    return {
        duplicateIds: [...new Set(ids.filter((id, i) => ids.indexOf(id) !== i))],
        danglingRefs: refs.filter(id => !document.getElementById(id)),
        // A phone zooms out to fit a page wider than the screen: compare with the screen.
        width: Math.max(document.documentElement.scrollWidth, window.innerWidth),
        wide: [...document.querySelectorAll('body *')]
            .filter(el => el.getBoundingClientRect().right > screen + 0.5)
            .filter(el => !el.parentElement.closest('.table-wrap'))
            .slice(-3).map(el => el.tagName.toLowerCase() + '.' + el.className),
        headerRows: rows,
        lang: document.documentElement.lang,
    };
}"""


@dataclass(frozen=True)
class PageKind:
    kind: str  # names the screenshot
    path: str


def pages_for(user) -> Iterator[PageKind]:
    """Every page kind this user may open in the seeded world: the fixed pages, one proposal
    in each status it can see, what hangs off a proposal, and the confirmation steps."""
    yield PageKind("home", "/")
    yield PageKind("proposal-list", "/proposals/")
    yield PageKind("proposal-list-filtered", "/proposals/?status=voting&q=grid")
    yield PageKind("account", "/account/")
    if permissions.can_create(user):
        yield PageKind("proposal-new", "/proposals/new/")
    if can_read_exposure(user):
        yield PageKind("exposure", "/exposure/")
    if can_read_decision_log(user):
        yield PageKind("decision-log", "/decision-log/")
    seen: set[str] = set()
    confirmations: set[str] = set()
    for proposal in selectors.proposal_list(user=user, filters={}).order_by("pk"):
        proposal = Proposal.objects.get(pk=proposal.pk)
        if proposal.status not in seen:
            seen.add(proposal.status)
            yield PageKind(f"proposal-{proposal.status}", f"/proposals/{proposal.pk}/")
            if permissions.can_edit(user, proposal):
                yield PageKind("proposal-edit", f"/proposals/{proposal.pk}/edit/")
            if proposal.status == Status.VOTING:
                yield PageKind("package", f"/proposals/{proposal.pk}/package/")
        for transition in permissions.allowed_actions(user, proposal):
            action = transition.action
            if action in CONFIRMED_ACTIONS and action not in confirmations:
                confirmations.add(action)
                yield PageKind(f"confirm-{action}", f"/proposals/{proposal.pk}/action/{action}/")


@pytest.fixture
def demo_world(live_server, settings):
    settings.SECURE_SSL_REDIRECT = False
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command("seed_financing", stdout=open("/dev/null", "w"))  # noqa: SIM115
    return live_server


AXE_SCRIPT = Axe().axe_script


def axe_violations(page, within: str = "html") -> list[dict]:
    """axe-core's violations in ``within`` (a selector) as the page stands (axe was loaded
    with the page)."""
    script = "([within, options]) => axe.run({include: [within]}, options)"
    return page.evaluate(script, [within, AXE_OPTIONS])["violations"]


def session_cookie(user, live_server) -> dict:
    client = Client()
    client.force_login(user)
    value = client.cookies[settings.SESSION_COOKIE_NAME].value
    return {"name": settings.SESSION_COOKIE_NAME, "value": value, "url": live_server.url}


def language_cookie(lang: str, live_server) -> dict:
    return {"name": settings.LANGUAGE_COOKIE_NAME, "value": lang, "url": live_server.url}


def check_pages(browser, live_server, user, pages, taken: set[str]) -> list[str]:
    """Load each page in every language and viewport; return what failed, one line each."""
    failures: list[str] = []
    cookies = [session_cookie(user, live_server)] if user else []
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for viewport, options in VIEWPORTS.items():
        for lang in LANGUAGES:
            context = browser.new_context(**options)
            # axe-core is compiled into every page as it loads, not sent over once per page.
            context.add_init_script(script=AXE_SCRIPT)
            context.add_cookies([*cookies, language_cookie(lang, live_server)])
            page = context.new_page()
            try:
                for kind in pages:
                    where = (
                        f"{user.username if user else 'anonymous'} {lang} {viewport} {kind.path}"
                    )
                    page.goto(f"{live_server.url}{kind.path}")
                    layout = page.evaluate(LAYOUT, options["viewport"]["width"])
                    if layout["lang"] != lang:
                        failures.append(f"{where}: <html lang={layout['lang']!r}>")
                    if layout["duplicateIds"]:
                        failures.append(f"{where}: ids used twice: {layout['duplicateIds']}")
                    if layout["danglingRefs"]:
                        failures.append(
                            f"{where}: aria ids not on the page: {layout['danglingRefs']}"
                        )
                    overflow = layout["width"] - options["viewport"]["width"]
                    if overflow > 0:
                        failures.append(
                            f"{where}: scrolls sideways by {overflow} px ({layout['wide']})"
                        )
                    if viewport == "desktop" and layout["headerRows"] > 1:
                        failures.append(
                            f"{where}: the top bar wraps to {layout['headerRows']} rows"
                        )
                    for violation in axe_violations(page):
                        targets = [" ".join(node["target"]) for node in violation["nodes"]]
                        failures.append(f"{where}: {violation['id']} on {targets[:4]}")
                    if kind.kind == "home" and user is not None:
                        # The folded menus, opened: the phone's menu and the account menu. Only
                        # the top bar: an open menu covers the page's buttons below it.
                        if viewport == "phone":
                            page.locator(".menu-toggle").click()
                        page.locator(".account-menu > summary").click()
                        for violation in axe_violations(page, ".topbar"):
                            targets = [" ".join(node["target"]) for node in violation["nodes"]]
                            failures.append(
                                f"{where} (menus open): {violation['id']} on {targets[:4]}"
                            )
                        page.reload()
                    shot = f"{kind.kind}-{lang}-{viewport}"
                    if shot not in taken:
                        taken.add(shot)
                        page.screenshot(path=SCREENSHOTS / f"{shot}.png", full_page=True)
            finally:
                context.close()
    return failures


@pytest.fixture(scope="module")
def screenshots_taken() -> set[str]:
    return set()


@pytest.mark.parametrize("role", list(ROLES))
def test_every_page_a_role_sees_meets_wcag_22_aa(demo_world, browser, role, screenshots_taken):
    failures, kinds = [], set()
    for username in ROLES[role]:
        user = get_user_model().objects.get(username=username)
        pages = [kind for kind in pages_for(user) if kind.kind not in kinds]
        kinds.update(kind.kind for kind in pages)
        failures += check_pages(browser, demo_world, user, pages, screenshots_taken)
    assert not failures, "\n".join(failures)


def test_the_login_page_meets_wcag_22_aa(live_server, browser, screenshots_taken):
    pages = [
        PageKind("login", "/accounts/login/"),
        PageKind("not-found", "/no-such-page/"),
    ]
    failures = check_pages(browser, live_server, None, pages, screenshots_taken)
    assert not failures, "\n".join(failures)
