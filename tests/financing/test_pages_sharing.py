"""The exposure page and the proposal page's financing panel, through the test client."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client

from financing import selectors, services
from financing.exposure_job import recompute_exposure
from financing.models import Distribution, FxRate, Instrument

D = dt.date


@pytest.fixture
def browser_of():
    def client_for(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return client_for


@pytest.fixture
def funded(make_proposal, us_staff):
    """An active project with a JBIC loan of 100 USD drawn and a 40 USD distribution."""
    proposal = make_proposal("active")
    loan = services.instrument_commit(
        user=us_staff,
        proposal_id=proposal.pk,
        kind="loan",
        provider="JBIC",
        currency="USD",
        committed=Decimal("150"),
    )
    services.transaction_record(
        user=us_staff,
        instrument_id=loan.pk,
        type="disbursement",
        amount=Decimal("100"),
        value_date=D(2025, 1, 10),
    )
    services.distribution_record(
        user=us_staff, proposal_id=proposal.pk, amount="40", currency="USD", date=D(2025, 6, 30)
    )
    return proposal


def test_the_proposal_page_shows_instruments_transactions_and_each_split(
    browser_of, jp_member, funded
):
    page = browser_of(jp_member).get(f"/proposals/{funded.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="financing"' in html
    assert "Disbursement" in html and "Japan's recovery" in html
    # Figures in the instrument's currency, named once per row; the splits are in USD, named
    # once in their headers.
    assert "<td>USD</td>" in html and "Japan (USD)" in html
    assert 'class="num split-japan">20</td>' in html
    assert "Commit an instrument" not in html  # the forms are for staff


def test_staff_get_the_four_forms(browser_of, us_staff, funded):
    html = browser_of(us_staff).get(f"/proposals/{funded.pk}/").content.decode()
    for label in (
        "Commit an instrument",
        "Record a transaction",
        "Record a distribution",
        "Enter an FX rate",
    ):
        assert label in html


def test_staff_record_a_distribution_from_the_page(browser_of, us_staff, funded):
    response = browser_of(us_staff).post(
        f"/proposals/{funded.pk}/distributions/",
        {
            "distribution-amount": "100",
            "distribution-currency": "USD",
            "distribution-date": "2025-07-01",
        },
        follow=True,
    )
    assert response.status_code == 200
    latest = Distribution.objects.filter(proposal=funded).latest("id")
    # J = 100, R = 20: the first 160 would split 50/50, so 100 splits 50/50.
    assert (latest.japan, latest.us, latest.phase) == (Decimal("50"), Decimal("50"), "pre_recovery")
    assert "Distribution recorded" in response.content.decode()


def test_the_distribution_message_groups_its_figures_as_the_panel_does(
    browser_of, us_staff, funded
):
    response = browser_of(us_staff).post(
        f"/proposals/{funded.pk}/distributions/",
        {
            "distribution-amount": "3000000",
            "distribution-currency": "USD",
            "distribution-date": "2025-07-01",
        },
        follow=True,
    )
    # J = 100, R = 20: the first 160 splits 50/50, the other 2,999,840 goes 10% to Japan.
    assert "Japan 300,064 USD, US 2,699,936 USD" in response.content.decode()


def test_an_error_is_shown_beside_its_field_with_a_400(browser_of, us_staff, funded):
    response = browser_of(us_staff).post(
        f"/proposals/{funded.pk}/distributions/",
        {
            "distribution-amount": "10",
            "distribution-currency": "USD",
            "distribution-date": "2025-01-01",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_distribution-date_error"' in html
    assert "2025-06-30" in html
    assert Distribution.objects.filter(proposal=funded).count() == 1


def test_a_type_that_does_not_fit_the_kind_is_shown_beside_the_type(browser_of, us_staff, funded):
    loan = Instrument.objects.get(proposal=funded)
    response = browser_of(us_staff).post(
        f"/proposals/{funded.pk}/transactions/",
        {
            "transaction-instrument": loan.pk,
            "transaction-type": "call",
            "transaction-amount": "1",
            "transaction-value_date": "2025-02-01",
        },
    )
    assert response.status_code == 400
    assert 'id="id_transaction-type_error"' in response.content.decode()


def test_staff_commit_an_instrument_from_the_page(browser_of, us_staff, funded):
    response = browser_of(us_staff).post(
        f"/proposals/{funded.pk}/instruments/",
        {
            "instrument-kind": "equity",
            "instrument-provider": "NEXI",
            "instrument-currency": "USD",
            "instrument-committed": "25",
        },
    )
    assert response.status_code == 302
    assert Instrument.objects.filter(proposal=funded, kind="equity").exists()


def test_a_member_may_not_post_the_financing_forms(browser_of, jp_member, funded):
    response = browser_of(jp_member).post(
        f"/proposals/{funded.pk}/distributions/",
        {
            "distribution-amount": "10",
            "distribution-currency": "USD",
            "distribution-date": "2025-07-01",
        },
    )
    assert response.status_code == 403


# --- /exposure/ -----------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["us_staff", "us_chair", "jp_member", "jp_observer"])
def test_the_committee_and_staff_read_the_exposure_page(browser_of, request, persona, funded):
    page = browser_of(request.getfixturevalue(persona)).get("/exposure/?as_of=2025-07-01")
    assert page.status_code == 200
    html = page.content.decode()
    for section in (
        "limits",
        "over-time",
        "by-kind",
        "by-provider",
        "by-sector",
        "by-currency",
        "stress",
        "by-sponsor",
        "recovery",
    ):
        assert f'id="{section}"' in html
    assert '<svg class="chart chart-bars"' in html and "<rect" in html
    assert funded.reference in html  # the recovery table


def test_sponsors_may_not_read_the_exposure_page(browser_of, sponsor_softbank):
    assert browser_of(sponsor_softbank).get("/exposure/").status_code == 403


def test_the_exposure_page_shows_the_totals_as_of_the_date(browser_of, us_chair, funded):
    html = browser_of(us_chair).get("/exposure/?as_of=2025-07-01").content.decode()
    assert 'id="total-exposure"><span class="money">100 <span class="ccy">USD' in html
    assert 'id="total-committed"><span class="money">150 <span class="ccy">USD' in html
    html = browser_of(us_chair).get("/exposure/?as_of=2025-01-01").content.decode()
    assert 'id="total-exposure"><span class="money">0 <span class="ccy">USD' in html


def test_a_bad_as_of_date_is_a_400_not_a_500(browser_of, us_chair):
    assert browser_of(us_chair).get("/exposure/?as_of=garbage").status_code == 400


@pytest.mark.parametrize("as_of", ["0001-01-01", "0001-02-15", "9999-12-31"])
def test_a_date_at_either_end_of_the_calendar_shows_the_page(browser_of, us_chair, as_of):
    assert browser_of(us_chair).get("/exposure/", {"as_of": as_of}).status_code == 200


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/exposure/fx-rates/", {"fx-date": "2025-01-07", "fx-currency": "JPY"}),
        ("/proposals/{pk}/fx-rates/", {"fx-date": "2025-01-07", "fx-currency": "JPY"}),
        (
            "/proposals/{pk}/instruments/",
            {
                "instrument-kind": "loan",
                "instrument-provider": "JBIC",
                "instrument-currency": "USD",
            },
        ),
        (
            "/proposals/{pk}/distributions/",
            {"distribution-currency": "USD", "distribution-date": "2025-07-01"},
        ),
    ],
)
def test_a_huge_amount_is_refused_beside_its_field_not_a_500(
    browser_of, us_staff, funded, url, field
):
    name = {"fx": "fx-usd_per_unit", "instrument": "instrument-committed"}.get(
        next(iter(field)).split("-")[0], "distribution-amount"
    )
    huge = "1" + "0" * 40
    response = browser_of(us_staff).post(url.format(pk=funded.pk), {**field, name: huge})
    assert response.status_code == 400
    html = response.content.decode()
    assert f'id="id_{name}_error"' in html
    # The message names the limit (what the database stores exactly), as the page writes it.
    limit = "99,999.9999999999" if name == "fx-usd_per_unit" else "9,999,999,999,999.99"
    assert f"too large: at most {limit}" in html
    assert Instrument.objects.filter(proposal=funded).count() == 1
    assert not FxRate.objects.exists()
    assert Distribution.objects.filter(proposal=funded).count() == 1


def test_staff_enter_a_rate_on_the_exposure_page(browser_of, us_staff, jp_member):
    client = browser_of(us_staff)
    response = client.post(
        "/exposure/fx-rates/",
        {"fx-date": "2025-01-06", "fx-currency": "JPY", "fx-usd_per_unit": "0.0066"},
    )
    assert response.status_code == 302
    assert FxRate.objects.get(date=D(2025, 1, 6)).usd_per_unit == Decimal("0.0066")
    response = client.post(
        "/exposure/fx-rates/",
        {"fx-date": "2025-01-07", "fx-currency": "JPY", "fx-usd_per_unit": "-1"},
    )
    assert response.status_code == 400
    assert 'id="id_fx-usd_per_unit_error"' in response.content.decode()
    assert "Save rate" not in browser_of(jp_member).get("/exposure/").content.decode()


def test_the_exposure_page_takes_a_fixed_number_of_queries(
    browser_of, us_staff, make_proposal, django_assert_max_num_queries
):
    client = browser_of(us_staff)

    def add_projects(n):
        for _ in range(n):
            proposal = make_proposal("funding")
            for kind, provider, type_ in (
                ("loan", "JBIC", "disbursement"),
                ("equity", "NEXI", "contribution"),
            ):
                instrument = services.instrument_commit(
                    user=us_staff,
                    proposal_id=proposal.pk,
                    kind=kind,
                    provider=provider,
                    currency="USD",
                    committed=Decimal("10"),
                )
                services.transaction_record(
                    user=us_staff,
                    instrument_id=instrument.pk,
                    type=type_,
                    amount=Decimal("5"),
                    value_date=D(2025, 1, 1),
                )

    add_projects(1)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert client.get("/exposure/").status_code == 200
    add_projects(3)
    with django_assert_max_num_queries(len(few)):
        assert client.get("/exposure/").status_code == 200


def test_the_page_follows_the_exposure_job_after_each_transaction(
    browser_of, us_staff, funded, django_capture_on_commit_callbacks
):
    recompute_exposure()  # today's figures for every instrument
    client = browser_of(us_staff)
    total = 'id="total-exposure"><span class="money">{} <span class="ccy">USD'
    assert total.format(100) in client.get("/exposure/").content.decode()
    assert total.format(100) in client.get("/exposure/").content.decode()  # read again
    loan = Instrument.objects.get(proposal=funded)
    with django_capture_on_commit_callbacks(execute=True):
        services.transaction_record(
            user=us_staff,
            instrument_id=loan.pk,
            type="repayment",
            amount=Decimal("30"),
            value_date=selectors.today(),
        )
    assert total.format(70) in client.get("/exposure/").content.decode()


def test_today_counts_the_instruments_the_job_has_not_reached_yet(browser_of, us_staff, funded):
    client = browser_of(us_staff)
    total = 'id="total-exposure"><span class="money">{} <span class="ccy">USD'
    assert total.format(100) in client.get("/exposure/").content.decode()  # not reached yet
    recompute_exposure()
    equity = services.instrument_commit(
        user=us_staff,
        proposal_id=funded.pk,
        kind="equity",
        provider="NEXI",
        currency="USD",
        committed=Decimal("50"),
    )
    services.transaction_record(
        user=us_staff,
        instrument_id=equity.pk,
        type="contribution",
        amount=Decimal("25"),
        value_date=D(2025, 2, 1),
    )  # its job has not run (no commit in this test): the page computes it on request
    assert total.format(125) in client.get("/exposure/").content.decode()


def test_the_page_says_how_fresh_the_figures_are_and_when_they_are_computed_on_request(
    browser_of, us_staff, funded
):
    from financing.models import ExposureDay

    recompute_exposure()  # the nightly run: every figure checked
    checked = ExposureDay.objects.get(as_of=selectors.today()).checked_at
    client = browser_of(us_staff)

    today = client.get("/exposure/").content.decode()
    assert f"computed or checked at {checked:%Y-%m-%d %H:%M} UTC or later" in today
    past = client.get("/exposure/", {"as_of": "2025-01-31"}).content.decode()
    assert "Computed on request from every transaction valued on or before this date." in past
    client.cookies["django_language"] = "ja"
    assert "以降に計算または確認" in client.get("/exposure/").content.decode()


def test_there_is_no_financing_panel_before_approval(browser_of, us_staff, make_proposal):
    proposal = make_proposal("in_review")
    assert (
        'id="financing"'
        not in browser_of(us_staff).get(f"/proposals/{proposal.pk}/").content.decode()
    )


def test_the_financing_panel_costs_the_same_queries_for_one_row_or_nine(
    browser_of, us_staff, funded, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = browser_of(us_staff)
    with CaptureQueriesContext(connection) as few:
        assert client.get(f"/proposals/{funded.pk}/").status_code == 200
    services.fx_rate_set(user=us_staff, date=D(2025, 1, 1), currency="JPY", usd_per_unit="0.0066")
    for i in range(8):
        currency = "JPY" if i % 2 else "USD"
        loan = services.instrument_commit(
            user=us_staff,
            proposal_id=funded.pk,
            kind="loan",
            provider="JBIC",
            currency=currency,
            committed=Decimal("100"),
        )
        services.transaction_record(
            user=us_staff,
            instrument_id=loan.pk,
            type="disbursement",
            amount=Decimal("10"),
            value_date=D(2025, 2, i + 1),
        )
        services.distribution_record(
            user=us_staff,
            proposal_id=funded.pk,
            amount="5",
            currency=currency,
            date=D(2025, 7, i + 1),
        )
    with django_assert_max_num_queries(len(few)):
        page = client.get(f"/proposals/{funded.pk}/")
    assert page.content.decode().count('class="num split-japan"') == 9
