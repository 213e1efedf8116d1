"""The record in a real browser: named votes with reasons after the close, the signed
resolution from its link, and the log page's prose and label filter."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from committee.services import vote_cast
from projects import services
from tests.e2e.test_workflow import PAGE_OVERFLOW

pytestmark = pytest.mark.e2e


def test_a_member_reads_the_reasons_and_downloads_the_resolution(
    live_server, page, sign_in, make_proposal, committee
):
    proposal = make_proposal("voting")
    for persona in ("us_chair", "us_member", "jp_chair", "jp_member"):
        vote_cast(
            user=committee[persona],
            proposal_id=proposal.pk,
            choice="for",
            rationale="Strategic fit with the grid programme, financials hold at 150 yen.",
        )
    services.proposal_transition(
        user=committee["us_chair"], proposal_id=proposal.pk, action="close_ballot"
    )
    page.set_viewport_size({"width": 1024, "height": 800})
    sign_in(committee["jp_observer"])
    page.goto(f"{live_server.url}/proposals/{proposal.pk}/")
    votes = page.locator("ul.ballot-votes")
    expect(votes).to_contain_text("Strategic fit with the grid programme")
    assert page.evaluate(PAGE_OVERFLOW) == {"page": False, "tables": []}
    with page.expect_download() as download:
        page.get_by_role("link", name="日本語").click()
    assert download.value.suggested_filename == f"resolution-{proposal.reference}-ja.pdf"
    with open(download.value.path(), "rb") as file:
        assert file.read(5) == b"%PDF-"


def test_the_log_page_filters_by_a_label_typed_in(
    live_server, page, sign_in, make_proposal, us_chair
):
    make_proposal("approved")
    sign_in(us_chair)
    page.goto(f"{live_server.url}/decision-log/")
    page.get_by_label("Event").fill("vote cast")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("td .event-name").first).to_have_text("Vote cast")
    assert set(page.locator("td .event-name").all_inner_texts()) == {"Vote cast"}
