"""Corrections through the pages: the rate form in yen per dollar with its confirm box, the
reverse buttons and their confirmation, approvals on the proposal page and on My work, and
the true-up flags on the proposal page and /exposure/."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from financing import corrections, services
from financing.models import Approval, FxRate, Transaction

D = dt.date


@pytest.fixture
def browser_of():
    def client_for(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return client_for


def owing_project(make_proposal, staff):
    """A project whose back-dated disbursement owes Japan a 40 USD true-up."""
    proposal = make_proposal("active")
    loan = services.instrument_commit(
        user=staff,
        proposal_id=proposal.pk,
        kind="loan",
        provider="JBIC",
        currency="USD",
        committed=Decimal("1000"),
    )
    record = {"user": staff, "instrument_id": loan.pk, "type": "disbursement"}
    services.transaction_record(**record, amount=Decimal("100"), value_date=D(2025, 1, 1))
    services.distribution_record(
        user=staff, proposal_id=proposal.pk, amount="300", currency="USD", date=D(2025, 3, 1)
    )
    services.transaction_record(**record, amount=Decimal("200"), value_date=D(2025, 2, 1))
    return proposal


def test_the_rate_form_takes_yen_per_dollar_and_asks_to_confirm_a_jump(browser_of, us_staff):
    client = browser_of(us_staff)
    form = {"fx-date": "2025-01-06", "fx-currency": "JPY", "fx-jpy_per_usd": "151.50"}
    assert client.post("/exposure/fx-rates/", form).status_code == 302
    page = client.get("/exposure/").content.decode()
    assert "151.5000" in page and "0.0066006601" in page  # both forms in the table

    typo = {**form, "fx-date": "2025-01-07", "fx-jpy_per_usd": "0.0066"}
    refused = client.post("/exposure/fx-rates/", typo)

    assert refused.status_code == 400
    html = refused.content.decode()
    assert 'name="fx-confirm"' in html and "2025-01-06" in html
    assert not FxRate.objects.filter(date=D(2025, 1, 7)).exists()
    assert client.post("/exposure/fx-rates/", {**typo, "fx-confirm": "on"}).status_code == 302
    assert FxRate.objects.filter(date=D(2025, 1, 7)).exists()


def test_staff_reverse_from_the_proposal_page_and_another_staff_user_approves_it(
    browser_of, us_staff, jp_staff, make_proposal
):
    proposal = owing_project(make_proposal, us_staff)
    first = Transaction.objects.order_by("value_date").first()
    maker, checker = browser_of(us_staff), browser_of(jp_staff)
    page = maker.get(f"/proposals/{proposal.pk}/").content.decode()
    assert f"/proposals/{proposal.pk}/transactions/{first.pk}/reverse/" in page
    assert "This records a reversing entry of −100.00 USD" in page

    maker.post(
        f"/proposals/{proposal.pk}/transactions/{first.pk}/reverse/", {"reason": "Wrong loan"}
    )

    approval = Approval.objects.get()
    own = maker.get(f"/proposals/{proposal.pk}/").content.decode()
    assert "Another staff user must approve it" in own
    assert f"/approvals/{approval.pk}/approve/" not in own
    home = checker.get("/").content.decode()
    assert 'id="work-approvals"' in home and "Reversal of a transaction" in home
    assert (
        f"/approvals/{approval.pk}/approve/"
        in checker.get(f"/proposals/{proposal.pk}/").content.decode()
    )
    assert checker.post(f"/approvals/{approval.pk}/approve/").status_code == 302
    assert Transaction.objects.filter(reverses=first).exists()
    assert 'id="work-approvals"' not in checker.get("/").content.decode()


def test_the_maker_cannot_approve_from_the_page(browser_of, us_staff, make_proposal):
    proposal = owing_project(make_proposal, us_staff)
    approval = corrections.true_up_request(user=us_staff, proposal_id=proposal.pk)

    assert browser_of(us_staff).post(f"/approvals/{approval.pk}/approve/").status_code == 403


def test_an_owed_true_up_is_flagged_on_the_proposal_page_and_the_exposure_page(
    browser_of, us_staff, make_proposal
):
    proposal = owing_project(make_proposal, us_staff)
    client = browser_of(us_staff)

    page = client.get(f"/proposals/{proposal.pk}/").content.decode()
    assert 'id="true-up"' in page and "40.00" in page
    assert '<span class="restated-japan">' in page  # the restated split beside what was paid
    assert client.post(f"/proposals/{proposal.pk}/true-ups/", {"reason": "Q1"}).status_code == 302
    assert Approval.objects.get().payload == {"japan": "40.00", "us": "-40.00"}
    assert "true-up-flag" in client.get("/exposure/").content.decode()


def test_the_exposure_page_costs_the_same_queries_as_projects_with_true_ups_grow(
    browser_of, us_staff, make_proposal, django_assert_max_num_queries
):
    owing_project(make_proposal, us_staff)
    client = browser_of(us_staff)
    with CaptureQueriesContext(connection) as few:
        assert client.get("/exposure/").status_code == 200

    for _ in range(3):
        owing_project(make_proposal, us_staff)

    with django_assert_max_num_queries(len(few)):
        page = client.get("/exposure/").content.decode()
    assert page.count("true-up-flag") == 4


def test_a_large_transaction_from_the_page_waits_for_approval(
    browser_of, us_staff, make_proposal, settings
):
    settings.ACCORD_FOUR_EYES_USD = Decimal("100")
    proposal = make_proposal("active")
    loan = services.instrument_commit(
        user=us_staff,
        proposal_id=proposal.pk,
        kind="loan",
        provider="JBIC",
        currency="USD",
        committed=Decimal("1000"),
    )
    client = browser_of(us_staff)
    form = {
        "transaction-instrument": loan.pk,
        "transaction-type": "disbursement",
        "transaction-amount": "500",
        "transaction-value_date": "2025-01-02",
    }

    response = client.post(f"/proposals/{proposal.pk}/transactions/", form, follow=True)

    assert response.status_code == 200
    assert "it takes effect when another staff user approves it" in response.content.decode()
    assert not Transaction.objects.exists()
    assert Approval.objects.get().payload["amount"] == "500.00"
