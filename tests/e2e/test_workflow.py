"""What users do in the web UI, in a real browser."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from core.decision_log import decision_log_verify
from projects.models import Proposal

pytestmark = pytest.mark.e2e


def test_a_sponsor_submits_a_proposal_and_staff_accepts_it(
    live_server, page, another_page, sign_in, sponsor_softbank, us_staff, ge_vernova
):
    sign_in(sponsor_softbank)
    page.get_by_role("link", name="Proposals", exact=True).click()
    page.get_by_role("link", name="New proposal").click()

    # A first try with a negative amount gets a clear message beside the field.
    page.get_by_label("Title").fill("US transmission and grid build-out, phase 1")
    page.get_by_label("Description").fill("High-voltage lines and substations in three ISOs.")
    page.get_by_label("Sector").select_option("grid")
    page.get_by_label("Amount requested").fill("-5")
    page.get_by_label("Co-sponsors").select_option("GE Vernova")
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator(".field-amount_requested .field-errors")).to_be_visible()
    assert Proposal.objects.count() == 0

    page.get_by_label("Amount requested").fill("25000000000")
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator(".status-badge, .badge").first).to_contain_text("Draft")
    proposal = Proposal.objects.get()
    assert proposal.co_sponsors.get().name == "GE Vernova"

    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_text("Submitted").first).to_be_visible()
    proposal.refresh_from_db()
    assert proposal.status == "submitted"

    staff = another_page()
    sign_in(us_staff, staff)
    expect(staff.get_by_text(proposal.title)).to_be_visible()  # waiting on "my work"
    staff.get_by_text(proposal.title).first.click()
    expect(staff).to_have_url(re.compile(rf"/proposals/{proposal.pk}/$"))
    staff.get_by_role("button", name="Accept for review").click()
    expect(staff.get_by_text("In review").first).to_be_visible()

    proposal.refresh_from_db()
    assert proposal.status == "in_review"
    assert decision_log_verify().ok


def test_staff_returns_a_submission_with_a_comment(
    live_server, page, sign_in, make_proposal, jp_staff, sponsor_softbank, another_page
):
    proposal = make_proposal("submitted")
    sign_in(jp_staff)
    page.goto(f"{live_server.url}/proposals/{proposal.pk}/")
    page.get_by_label("Comment for the sponsor").fill("Add the permitting timeline, please.")
    page.get_by_role("button", name="Return to sponsor").click()
    proposal.refresh_from_db()
    assert proposal.status == "draft"

    sponsor = another_page()
    sign_in(sponsor_softbank, sponsor)
    sponsor.goto(f"{live_server.url}/proposals/{proposal.pk}/")
    # In the banner at the top, and in the timeline.
    expect(sponsor.get_by_text("Add the permitting timeline, please.").first).to_be_visible()


def test_a_member_votes_in_two_clicks_and_can_change_the_vote(
    live_server, page, sign_in, make_proposal, jp_member
):
    proposal = make_proposal("voting")
    sign_in(jp_member)
    page.goto(f"{live_server.url}/proposals/{proposal.pk}/")
    page.get_by_label("For", exact=True).check()
    page.get_by_role("button", name="Cast vote").click()
    expect(page.get_by_role("button", name="Change vote")).to_be_visible()
    assert proposal.ballots.get().votes.get().choice == "for"

    page.get_by_label("Against", exact=True).check()
    page.get_by_role("button", name="Change vote").click()
    expect(page.get_by_role("button", name="Change vote")).to_be_visible()
    assert proposal.ballots.get().votes.get().choice == "against"


def test_staff_exports_the_decision_log_from_its_page(
    live_server, page, sign_in, make_proposal, us_staff
):
    make_proposal("in_review")
    sign_in(us_staff)
    page.get_by_role("link", name="Decision log").click()
    expect(page.get_by_role("cell", name="Accepted for committee review")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("JSON Lines")).click()
    lines = Path(download.value.path()).read_text(encoding="utf-8").splitlines()
    assert lines and all(line.startswith('{"seq"') for line in lines)


PAGE_OVERFLOW = """() => {
    const page = document.documentElement.scrollWidth > window.innerWidth;
    const tables = [...document.querySelectorAll('table')]
        .filter(table => !table.closest('.table-wrap'))
        .filter(table => {
            const box = table.parentElement;
            const style = getComputedStyle(box);
            const room = box.clientWidth - parseFloat(style.paddingLeft)
                - parseFloat(style.paddingRight);
            return table.getBoundingClientRect().width > room + 0.5;
        })
        .map(table => table.className);
    return {page, tables};
}"""


@pytest.mark.parametrize("width", [1024, 1152])
def test_on_a_small_laptop_screen_the_chair_sees_log_out_and_the_whole_ballot(
    live_server, page, sign_in, make_proposal, us_chair, width
):
    """The menu, the account and the ballot's four columns stay on the screen, in English
    and in Japanese: nothing is reached only by scrolling the page sideways."""
    proposal = make_proposal("voting")
    page.set_viewport_size({"width": width, "height": 800})
    sign_in(us_chair)
    page.goto(f"{live_server.url}/proposals/{proposal.pk}/")
    for language in ("English", "日本語"):
        page.get_by_role("button", name=language).click()
        expect(page.locator(".ballot-table")).to_be_visible()
        assert page.evaluate(PAGE_OVERFLOW) == {"page": False, "tables": []}
        # Log out is in the account menu, whose button stays on the screen.
        account = page.locator(".account-menu > summary").bounding_box()
        assert account and account["x"] + account["width"] <= width
