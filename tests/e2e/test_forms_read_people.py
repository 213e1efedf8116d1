"""In a real browser: the Type list follows the chosen instrument, and an amount typed with
separators is recorded."""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from financing.models import Transaction
from tests.financing.ledger_fixtures import commit

pytestmark = pytest.mark.e2e

ENABLED_TYPES = "select => [...select.options].filter(o => !o.disabled).map(o => o.value)"


def test_the_type_list_follows_the_instrument_and_separators_are_read(
    live_server, page, sign_in, make_proposal, us_staff
):
    proposal = make_proposal("funding")
    equity = commit(us_staff, proposal, kind="equity", committed="5000000")
    loan = commit(us_staff, proposal, kind="loan", committed="1000000")
    sign_in(us_staff)
    page.goto(f"{live_server.url}/proposals/{proposal.pk}/")
    page.locator("#financing").get_by_text("Record a transaction").click()

    types = page.locator("#id_transaction-type")
    page.locator("#id_transaction-instrument").select_option(str(equity.pk))
    assert types.evaluate(ENABLED_TYPES) == ["contribution", "return_of_capital", "cancellation"]
    page.locator("#id_transaction-instrument").select_option(str(loan.pk))
    assert types.evaluate(ENABLED_TYPES) == [
        "disbursement",
        "repayment",
        "write_off",
        "cancellation",
    ]
    expect(types).to_have_value("disbursement")

    page.locator("#id_transaction-amount").fill("１２０，０００")
    page.locator("#id_transaction-value_date").fill("2025-01-10")
    page.get_by_role("button", name="Record transaction").click()
    expect(page.locator(".transactions-table")).to_contain_text("120,000")
    assert Transaction.objects.get().amount == Decimal("120000")
