"""The financing forms and messages speak to people: amounts typed with separators, types
and kinds by their labels, numbers grouped as the page shows them, in the reader's language,
and a Type list that offers only what fits the project's instruments."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from financing.models import Instrument, Transaction
from tests.financing.ledger_fixtures import commit, days_ago


@pytest.fixture
def staff_page(us_staff):
    client = Client()
    client.force_login(us_staff)
    return client


@pytest.fixture
def equity(us_staff, funded):
    return commit(us_staff, funded, kind="equity", committed="720000000")


def transaction(api, user, instrument, type_, amount, **headers):
    return api(user).post(
        f"/api/v1/instruments/{instrument.pk}/transactions/",
        {"type": type_, "amount": amount, "value_date": days_ago(3).isoformat()},
        format="json",
        **headers,
    )


def test_a_type_that_does_not_fit_is_named_by_its_label_in_either_language(api, us_staff, equity):
    response = transaction(api, us_staff, equity, "disbursement", "1.00")
    assert response.status_code == 400
    assert response.json()["type"] == [
        "“Disbursement” does not fit this instrument (Equity): "
        "use Contribution, Return of capital, Cancellation."
    ]
    japanese = transaction(api, us_staff, equity, "disbursement", "1.00", HTTP_ACCEPT_LANGUAGE="ja")
    message = japanese.json()["type"][0]
    assert message == (
        "「貸付実行」はこの手段（出資）には使えません。"
        "出資払込、資本の払戻し、取消のいずれかを選んでください。"
    )


def test_drawings_above_the_commitment_are_said_with_grouped_digits(api, us_staff, equity):
    response = transaction(api, us_staff, equity, "contribution", "900000000.00")
    assert response.status_code == 400
    assert response.json()["amount"] == [
        "Drawings would reach 900,000,000, above the 720,000,000 committed."
    ]


def test_the_page_takes_amounts_typed_with_separators(staff_page, funded, equity):
    response = staff_page.post(
        f"/proposals/{funded.pk}/transactions/",
        {
            "transaction-instrument": equity.pk,
            "transaction-type": "contribution",
            "transaction-amount": "１２０，０００，０００",
            "transaction-value_date": days_ago(2).isoformat(),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Transaction.objects.get().amount == Decimal("120000000")

    response = staff_page.post(
        f"/proposals/{funded.pk}/instruments/",
        {
            "instrument-kind": "loan",
            "instrument-provider": "JBIC",
            "instrument-currency": "USD",
            "instrument-committed": "1,200,000,000",
        },
    )
    assert response.status_code == 302
    assert Instrument.objects.get(kind="loan").committed == Decimal("1200000000")


def test_a_us_style_value_date_is_refused_with_the_iso_shape(staff_page, funded, equity):
    response = staff_page.post(
        f"/proposals/{funded.pk}/transactions/",
        {
            "transaction-instrument": equity.pk,
            "transaction-type": "contribution",
            "transaction-amount": "1,000",
            "transaction-value_date": "02/12/2025",
        },
    )
    assert response.status_code == 400
    assert "YYYY-MM-DD" in response.content.decode()
    assert not Transaction.objects.exists()


def test_the_type_list_offers_only_the_types_of_the_projects_instruments(
    staff_page, us_staff, funded, equity
):
    page = staff_page.get(f"/proposals/{funded.pk}/").content.decode()
    form = page[page.index('name="transaction-type"') :]
    form = form[: form.index("</select>")]
    assert 'value="contribution"' in form and 'value="return_of_capital"' in form
    assert 'value="disbursement"' not in form and 'value="issue"' not in form
    assert "js/transaction-types.js" in page

    commit(us_staff, funded, kind="loan", committed="1000")
    page = staff_page.get(f"/proposals/{funded.pk}/").content.decode()
    form = page[page.index('name="transaction-type"') :]
    form = form[: form.index("</select>")]
    assert '<optgroup label="Equity">' in form and '<optgroup label="Loan">' in form
    assert 'value="disbursement"' in form and 'value="issue"' not in form


def test_the_equity_ceiling_is_said_once_in_words_with_grouped_digits(
    staff_page, us_staff, make_proposal
):
    # Approved for more than the ceiling, so that the ceiling is the limit passed.
    funded = make_proposal("funding", amount_requested=Decimal("50000000000"))
    commit(us_staff, funded, kind="equity", committed="10000000000")
    response = staff_page.post(
        f"/proposals/{funded.pk}/instruments/",
        {
            "instrument-kind": "equity",
            "instrument-provider": "NEXI",
            "instrument-currency": "USD",
            "instrument-committed": "10,090,000,000",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert (
        "This commitment would take the total to 20,090,000,000 USD, "
        "above the equity ceiling of 11,000,000,000 USD."
    ) in html
    assert "<li>equity</li>" not in html and "20090000000" not in html
