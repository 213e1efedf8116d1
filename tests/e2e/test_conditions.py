"""Conditions of approval in a real browser: funding waits until staff satisfy them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from committee.models import Condition

pytestmark = pytest.mark.e2e


def test_staff_add_a_condition_funding_is_refused_until_they_satisfy_it(
    live_server, page, sign_in, make_proposal, us_staff
):
    proposal = make_proposal("approved")
    due = (timezone.localdate() + dt.timedelta(days=10)).isoformat()
    sign_in(us_staff)
    page.goto(f"{live_server.url}/proposals/{proposal.pk}/")

    panel = page.locator("#conditions")
    panel.get_by_text("Add a condition").click()
    panel.get_by_label("Condition").fill("A signed offtake agreement for 70% of output.")
    panel.get_by_label("Due").fill(due)
    panel.get_by_role("button", name="Add condition").click()
    expect(page.locator("#conditions .condition-badge")).to_have_text("Open")
    expect(page.locator("#conditions")).to_contain_text(due)

    page.get_by_role("button", name="Start funding").click()
    page.get_by_role("button", name="Confirm: Start funding").click()  # the dialog asks first
    refusal = page.locator(".message-error")
    expect(refusal).to_contain_text("Funding cannot start")
    expect(refusal).to_contain_text("A signed offtake agreement for 70% of output.")
    proposal.refresh_from_db()
    assert proposal.status == "approved"

    panel.get_by_text("Mark satisfied").first.click()
    panel.get_by_label("Evidence").fill("Signed with three utilities on 2026-03-01.")
    panel.get_by_role("button", name="Mark satisfied").click()
    expect(page.locator("#conditions .condition-badge")).to_have_text("Satisfied")
    assert Condition.objects.get().status == "satisfied"

    page.get_by_role("button", name="Start funding").click()
    page.get_by_role("button", name="Confirm: Start funding").click()
    expect(page.locator(".proposal-header .badge").first).to_contain_text("Funding")
    proposal.refresh_from_db()
    assert proposal.status == "funding"
