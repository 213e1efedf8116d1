"""Financing in a real browser: staff commit, draw and distribute; the exposure page shows it."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from financing import services
from financing.models import Approval, Distribution
from tests.e2e.test_accessibility import AXE_OPTIONS, SCREENSHOTS

pytestmark = pytest.mark.e2e

OVERFLOWING_TABLES = """panel => [...panel.querySelectorAll('table')]
    .filter(table => table.scrollWidth > table.parentElement.clientWidth)
    .map(table => table.className)"""


def _chart_is_drawn(page, css: str) -> None:
    chart = page.locator(css).first
    expect(chart).to_be_visible()
    box = chart.bounding_box()
    assert box and box["width"] > 100 and box["height"] > 20
    bars = chart.locator("rect, polyline")
    assert bars.count() > 0
    widths = [
        float(w or 0)
        for w in chart.locator("rect").evaluate_all(
            "rects => rects.map(r => r.getAttribute('width'))"
        )
    ]
    assert any(width > 1 for width in widths)  # something was drawn, not an empty frame


def test_staff_commit_draw_and_distribute_and_the_exposure_page_shows_it(
    live_server, page, sign_in, make_proposal, us_staff
):
    proposal = make_proposal("active")
    sign_in(us_staff)
    page.goto(f"{live_server.url}/proposals/{proposal.pk}/")
    panel = page.locator("#financing")

    panel.get_by_text("Commit an instrument").click()
    page.locator("#id_instrument-kind").select_option("loan")
    page.locator("#id_instrument-provider").select_option("JBIC")
    page.locator("#id_instrument-currency").select_option("USD")
    page.locator("#id_instrument-committed").fill("1000")
    page.get_by_role("button", name="Commit instrument").click()
    expect(page.get_by_text("committed.", exact=False).first).to_be_visible()

    panel.get_by_text("Record a transaction").click()
    page.locator("#id_transaction-type").select_option("disbursement")
    page.locator("#id_transaction-amount").fill("400")
    page.locator("#id_transaction-value_date").fill("2025-01-10")
    page.get_by_role("button", name="Record transaction").click()
    expect(page.locator(".transactions-table")).to_contain_text("Disbursement")

    # A distribution dated before nothing, with a bad amount first: the error is beside it.
    panel.get_by_text("Record a distribution").click()
    page.locator("#id_distribution-amount").fill("-3")
    page.locator("#id_distribution-date").fill("2025-06-30")
    page.get_by_role("button", name="Record distribution").click()
    expect(page.locator("#id_distribution-amount_error")).to_be_visible()
    page.locator("#id_distribution-amount").fill("100")
    page.get_by_role("button", name="Record distribution").click()

    # J = 400, R = 0: 100 splits 50/50.
    row = page.locator(".distributions-table tbody tr").first
    expect(row.locator(".split-japan")).to_contain_text("50")
    expect(row.locator(".split-us")).to_contain_text("50")
    expect(page.locator("#japan-investment")).to_contain_text("400")
    assert Distribution.objects.get().japan == 50

    page.get_by_role("link", name="Exposure", exact=True).click()
    expect(page.get_by_role("heading", name="Exposure", exact=True)).to_be_visible()
    expect(page.locator("#total-exposure")).to_contain_text("400")
    expect(page.locator("#total-committed")).to_contain_text("1,000")
    expect(page.locator("#limits")).to_contain_text("Equity ceiling (2%)")
    expect(page.locator("#limits")).to_contain_text("550,000,000,000")
    _chart_is_drawn(page, "#by-kind svg.chart")
    _chart_is_drawn(page, "#limits svg.chart")
    expect(page.locator("#recovery")).to_contain_text(proposal.reference)

    # The same in Japanese.
    page.get_by_role("button", name="日本語").click()
    expect(page.get_by_role("heading", name="エクスポージャー", exact=True)).to_be_visible()
    expect(page.locator("#total-exposure")).to_contain_text("400")
    expect(page.locator("#limits")).to_contain_text("出資上限")
    _chart_is_drawn(page, "#by-kind svg.chart")
    page.goto(f"{live_server.url}/proposals/{proposal.pk}/")
    expect(page.locator("#financing")).to_contain_text("日本の投資回収")
    expect(page.locator(".distributions-table .split-japan").first).to_contain_text("50")


def test_the_financing_tables_fit_a_laptop_screen_with_yen_in_the_billions(
    live_server, page, sign_in, make_proposal, us_staff
):
    """At 1280 px, in both languages, no financing table scrolls sideways: a figure cut off
    at the card's edge is a figure misread."""
    proposal = make_proposal("active")
    services.fx_rate_set(
        user=us_staff, currency="JPY", date=dt.date(2025, 1, 2), usd_per_unit="0.0065"
    )
    loan = services.instrument_commit(
        user=us_staff, proposal_id=proposal.pk, kind="loan", provider="NEXI", currency="JPY",
        committed=Decimal("45000000000"),
    )  # fmt: skip
    services.transaction_record(
        user=us_staff, instrument_id=loan.pk, type="disbursement", amount=Decimal("30000000000"),
        value_date=dt.date(2025, 1, 10),
    )  # fmt: skip
    services.distribution_record(
        user=us_staff, proposal_id=proposal.pk, amount="3000000000", currency="JPY",
        date=dt.date(2025, 6, 30),
    )  # fmt: skip
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(us_staff)
    page.goto(f"{live_server.url}/proposals/{proposal.pk}/")
    panel = page.locator("#financing")
    expect(panel.locator(".instruments-table")).to_contain_text("45,000,000,000")
    assert panel.evaluate(OVERFLOWING_TABLES) == []
    page.get_by_role("button", name="日本語").click()
    expect(panel).to_contain_text("日本の投資回収")
    assert panel.evaluate(OVERFLOWING_TABLES) == []


def test_a_reversal_asks_for_confirmation_and_counts_once_another_staff_user_approves(
    live_server, page, another_page, sign_in, make_proposal, us_staff, jp_staff
):
    proposal = make_proposal("active")
    loan = services.instrument_commit(
        user=us_staff,
        proposal_id=proposal.pk,
        kind="loan",
        provider="JBIC",
        currency="USD",
        committed=Decimal("1000"),
    )
    services.transaction_record(
        user=us_staff,
        instrument_id=loan.pk,
        type="disbursement",
        amount=Decimal("400"),
        value_date=dt.date(2025, 1, 10),
    )
    sign_in(us_staff)
    page.goto(f"{live_server.url}/proposals/{proposal.pk}/")
    row = page.locator(".transactions-table tbody tr").first

    row.get_by_role("button", name="Reverse").click()  # the shared dialog asks, with a reason
    dialog = page.get_by_role("dialog", name="Reverse this transaction?")
    expect(dialog).to_contain_text("This records a reversing entry of −400.00 USD")
    reason = dialog.get_by_label("Reason")
    expect(reason).to_be_focused()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "dialog-reverse-en-desktop.png")
    violations = Axe().run(page, options=AXE_OPTIONS).response["violations"]
    assert not violations, [violation["id"] for violation in violations]
    dialog.get_by_role("button", name="Confirm: Reverse").click()  # no reason: it says why
    expect(dialog).to_contain_text("Say why: the reason is kept in the decision log.")
    expect(reason).to_have_attribute("aria-invalid", "true")
    assert not Approval.objects.exists()
    reason.fill("Booked on the wrong loan")
    dialog.get_by_role("button", name="Confirm: Reverse").click()
    expect(page.locator("#approvals")).to_be_visible()
    expect(page.get_by_text("Another staff user must approve it")).to_be_visible()
    assert Approval.objects.get().reason == "Booked on the wrong loan"

    checker = sign_in(jp_staff, another_page())
    expect(checker.locator("#work-approvals")).to_contain_text("Reversal of a transaction")
    checker.locator("#work-approvals a").first.click()
    checker.get_by_role("button", name="Approve").click()
    decide = checker.get_by_role("dialog", name="Approve this request?")
    expect(decide).to_contain_text("The entry is recorded now and counts from then on")
    expect(decide.get_by_role("button", name="Cancel")).to_be_focused()
    decide.get_by_role("button", name="Confirm: Approve").click()
    expect(checker.locator(".transactions-table")).to_contain_text("reverses #")
    exposure = checker.locator(".instruments-table tbody tr").first.locator("td").nth(5)
    expect(exposure).to_have_text(re.compile(r"^\s*0\s*$"))  # 400 drawn, 400 reversed


def test_without_the_dialog_a_reversal_asks_on_a_page_that_carries_the_reason(
    live_server, page, sign_in, make_proposal, us_staff
):
    proposal = make_proposal("active")
    loan = services.instrument_commit(
        user=us_staff,
        proposal_id=proposal.pk,
        kind="loan",
        provider="JBIC",
        currency="USD",
        committed=Decimal("1000"),
    )
    services.transaction_record(
        user=us_staff,
        instrument_id=loan.pk,
        type="disbursement",
        amount=Decimal("400"),
        value_date=dt.date(2025, 1, 10),
    )
    sign_in(us_staff)
    page.goto(f"{live_server.url}/proposals/{proposal.pk}/")

    # What a browser without script sends: the button's post, unconfirmed.
    form = page.locator(".transactions-table tbody tr").first.locator("form")
    form.evaluate("form => form.submit()")

    expect(page.get_by_role("heading", name="Reverse this transaction?")).to_be_visible()
    expect(page.get_by_text("This records a reversing entry of −400.00 USD")).to_be_visible()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "confirm-reverse-en-desktop.png", full_page=True)
    violations = Axe().run(page, options=AXE_OPTIONS).response["violations"]
    assert not violations, [violation["id"] for violation in violations]
    assert not Approval.objects.exists()
    page.get_by_label("Reason").fill("Booked on the wrong loan")
    page.get_by_role("button", name="Confirm: Reverse").click()
    expect(page.get_by_text("Another staff user must approve it")).to_be_visible()
    assert Approval.objects.get().reason == "Booked on the wrong loan"
