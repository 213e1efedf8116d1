"""Confirmation of what cannot be undone, and a member who votes with the keyboard alone."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from projects.models import Status
from tests.conftest import PASSWORD, totp_code
from tests.e2e.test_accessibility import AXE_OPTIONS

pytestmark = pytest.mark.e2e

# The focused element, its focus indicator and what the indicator sits on: the first opaque
# background painted just outside the element, where the outline (offset 2 px) is drawn.
FOCUS = """() => {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    const style = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    const reach = parseFloat(style.outlineOffset) + parseFloat(style.outlineWidth) / 2;
    const x = box.left - reach >= 0 ? box.left - reach : box.right + reach;
    const y = Math.min(Math.max(box.top + box.height / 2, 0), innerHeight - 1);
    let background = getComputedStyle(document.body).backgroundColor;
    // An outline drawn inside the element (a negative offset) sits on the element itself.
    const inside = reach <= 0;
    for (const under of document.elementsFromPoint(inside ? box.left + 1 : x, y)) {
        if (!inside && (under === el || el.contains(under))) continue;
        if (inside && under !== el && el.contains(under)) continue;
        const bg = getComputedStyle(under).backgroundColor;
        if (bg && bg !== 'transparent' && !bg.endsWith(', 0)')) { background = bg; break; }
    }
    return {
        tag: el.tagName.toLowerCase(), name: el.getAttribute('name'), text: el.textContent.trim(),
        outlineStyle: style.outlineStyle, outlineWidth: parseFloat(style.outlineWidth),
        outlineColor: style.outlineColor, background,
        visible: box.width > 0 && box.height > 0 && box.bottom > 0 && box.top < innerHeight,
    };
}"""


def _luminance(rgb: str) -> float:
    parts = [float(v) for v in rgb[rgb.index("(") + 1 : rgb.index(")")].split(",")[:3]]
    linear = [
        c / 255 / 12.92 if c / 255 <= 0.03928 else ((c / 255 + 0.055) / 1.055) ** 2.4 for c in parts
    ]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def tab(page: Page, key: str = "Tab") -> dict:
    """Press a key and check that what has focus shows it: a solid outline of at least 2 px
    with a contrast of at least 3:1 against what it sits on, inside the window."""
    page.keyboard.press(key)
    return focused(page)


def focused(page: Page) -> dict:
    focus = page.evaluate(FOCUS)
    assert focus is not None, "nothing has focus"
    assert focus["outlineStyle"] == "solid" and focus["outlineWidth"] >= 2, focus
    assert contrast(focus["outlineColor"], focus["background"]) >= 3, focus
    assert focus["visible"], focus
    return focus


def test_withdraw_asks_in_a_dialog_that_the_keyboard_can_answer(
    live_server, page, sign_in, make_proposal, sponsor_softbank
):
    proposal = make_proposal("submitted")
    sign_in(sponsor_softbank)
    page.goto(f"{live_server.url}/proposals/{proposal.pk}/")

    page.get_by_role("button", name="Withdraw").click()
    dialog = page.get_by_role("dialog", name=f"Withdraw {proposal.reference}?")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("cannot be submitted again")
    violations = Axe().run(page, options=AXE_OPTIONS).response["violations"]
    assert not violations, [violation["id"] for violation in violations]
    # Cancel has the focus: Escape (or Cancel) closes it and nothing happened.
    expect(dialog.get_by_role("button", name="Cancel")).to_be_focused()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(page.get_by_role("button", name="Withdraw")).to_be_focused()
    proposal.refresh_from_db()
    assert proposal.status == Status.SUBMITTED

    page.keyboard.press("Enter")  # the Withdraw button again
    expect(dialog).to_be_visible()
    tab(page, "Shift+Tab")  # from Cancel back to Confirm
    expect(dialog.get_by_role("button", name="Confirm: Withdraw")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator(".badge-withdrawn").first).to_be_visible()
    proposal.refresh_from_db()
    assert proposal.status == Status.WITHDRAWN


def test_without_script_the_button_leads_to_a_confirmation_page(
    live_server, browser, sign_in, make_proposal, us_chair
):
    proposal = make_proposal("voting")
    context = browser.new_context(java_script_enabled=False)
    try:
        page = sign_in(us_chair, context.new_page())
        page.goto(f"{live_server.url}/proposals/{proposal.pk}/")
        page.get_by_role("button", name="Close ballot").click()

        expect(
            page.get_by_role("heading", name=f"Close ballot {proposal.reference}?")
        ).to_be_visible()
        expect(page.get_by_text("nobody can cast or change a vote")).to_be_visible()
        proposal.refresh_from_db()
        assert proposal.status == Status.VOTING

        page.get_by_role("link", name="Cancel").click()
        expect(page.get_by_role("button", name="Close ballot")).to_be_visible()
        page.get_by_role("button", name="Close ballot").click()
        page.get_by_role("button", name="Confirm: Close ballot").click()
        expect(page.get_by_role("heading", name="Ballot")).to_be_visible()
        proposal.refresh_from_db()
        assert proposal.status != Status.VOTING
    finally:
        context.close()


def test_a_member_logs_in_votes_and_changes_the_vote_with_the_keyboard_alone(
    live_server, page, make_proposal, jp_member, settings
):
    settings.SECURE_SSL_REDIRECT = False
    proposal = make_proposal("voting")
    page.goto(f"{live_server.url}/accounts/login/?next=/proposals/{proposal.pk}/")

    # The username field has the focus on arrival (autofocus), and shows it.
    assert focused(page)["name"] == "username"
    page.keyboard.type(jp_member.username)
    assert tab(page)["name"] == "password"
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    # The second step: the authenticator code field has the focus on arrival.
    page.wait_for_url("**/accounts/2fa/authenticate/**")
    assert focused(page)["name"] == "code"
    page.keyboard.type(totp_code(jp_member))
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/proposals/{proposal.pk}/")

    # The first Tab offers the skip link to the ballot; the next lands on the first choice.
    assert tab(page)["text"] == "Skip to the ballot"
    page.keyboard.press("Enter")
    focus = tab(page)
    assert (focus["tag"], focus["name"]) == ("input", "choice")
    page.keyboard.press("Space")  # For
    assert tab(page)["name"] == "rationale"
    page.keyboard.type("Strong strategic fit.")
    assert tab(page)["text"] == "Cast vote"
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Change vote")).to_be_visible()
    assert proposal.ballots.get().votes.get().choice == "for"

    # Back on the page at the ballot (#ballot): the vote is a Tab or two away.
    stops = 1
    while tab(page)["name"] != "choice":  # the checked choice: For
        stops += 1
        assert stops <= 3, "the vote is more than three Tabs from the ballot"
    tab(page, "ArrowRight")  # Against
    assert tab(page)["name"] == "rationale"
    assert tab(page)["text"] == "Change vote"
    page.keyboard.press("Enter")
    expect(page.get_by_text("Your vote stands")).to_contain_text("Against")
    assert proposal.ballots.get().votes.get().choice == "against"


@pytest.mark.parametrize("language", ["English", "日本語"])
def test_every_stop_of_the_tab_order_shows_where_the_focus_is(
    live_server, page, sign_in, make_proposal, us_chair, language
):
    """From the skip link through the top bar, the actions, the ballot and the record to the
    footer: every element the Tab key reaches shows a ring of at least 3:1."""
    proposal = make_proposal("voting")
    sign_in(us_chair)
    page.goto(f"{live_server.url}/proposals/{proposal.pk}/")
    page.get_by_role("button", name=language).click()
    page.locator("details").evaluate_all("all => all.forEach(d => { d.open = true; })")
    page.locator("body").focus()
    seen = []
    for _ in range(150):
        page.keyboard.press("Tab")
        if page.evaluate(FOCUS) is None:  # past the last element, out of the page
            break
        focus = focused(page)
        seen.append((focus["tag"], focus["text"][:20]))
    assert len(seen) > 20  # the page was walked, not one element
