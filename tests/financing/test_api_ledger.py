"""Instruments, transactions and FX rates through the API (docs/ledger.md)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from core.models import DecisionLogEntry
from financing import services
from financing.models import FxRate, Instrument, Transaction
from financing.selectors import today
from tests.financing.ledger_fixtures import commit, days_ago, record

D = Decimal
LOAN = {"kind": "loan", "provider": "JBIC", "currency": "USD", "committed": "1000000.00"}


def instruments_url(proposal):
    return f"/api/v1/proposals/{proposal.pk}/instruments/"


def transactions_url(instrument):
    return f"/api/v1/instruments/{instrument.pk}/transactions/"


def nothing_saved(before_log: int) -> bool:
    return DecisionLogEntry.objects.count() == before_log


# --- Instruments ------------------------------------------------------------------------


def test_staff_commit_a_loan_and_the_log_records_it(
    api, us_staff, funded, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = api(us_staff).post(instruments_url(funded), LOAN, format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["proposal"] == funded.reference
    assert body["kind"] == "loan" and body["committed"] == "1000000.00"
    assert body["exposure"] == "0.00" and body["undrawn"] == "1000000.00"
    entry = DecisionLogEntry.objects.latest("seq")
    assert entry.event == "instrument_committed"
    assert entry.actor == "laura" and entry.proposal == funded.reference
    assert entry.data["committed"] == "1000000.00" and entry.data["kind"] == "loan"
    # Its figures are written after commit, so the exposure shows it at once.
    assert Instrument.objects.filter(pk=body["id"], figures_as_of=today()).exists()


def test_staff_commit_on_an_active_project_too(api, jp_staff, make_proposal):
    response = api(jp_staff).post(instruments_url(make_proposal("active")), LOAN, format="json")
    assert response.status_code == 201


@pytest.mark.parametrize("state", ["approved", "closed"])
def test_it_refuses_an_instrument_outside_funding_and_active(api, us_staff, make_proposal, state):
    proposal = make_proposal(state)
    response = api(us_staff).post(instruments_url(proposal), LOAN, format="json")
    assert response.status_code == 409
    assert not Instrument.objects.exists()


def test_a_sponsor_may_not_commit_and_another_sponsor_sees_nothing(
    api, funded, sponsor_softbank, sponsor_westinghouse, jp_member
):
    assert (
        api(sponsor_softbank).post(instruments_url(funded), LOAN, format="json").status_code == 403
    )
    assert api(jp_member).post(instruments_url(funded), LOAN, format="json").status_code == 403
    assert (
        api(sponsor_westinghouse).post(instruments_url(funded), LOAN, format="json").status_code
        == 404
    )
    assert api().post(instruments_url(funded), LOAN, format="json").status_code in (401, 403)
    assert not Instrument.objects.exists()


BAD_INSTRUMENTS = [
    ({"kind": "stock"}, "kind"),
    ({"provider": "JICA"}, "provider"),
    ({"currency": "EUR"}, "currency"),
    ({"committed": "0"}, "committed"),
    ({"committed": "-5.00"}, "committed"),
    ({"committed": "abc"}, "committed"),
    ({"committed": "NaN"}, "committed"),
    ({"committed": "Infinity"}, "committed"),
    ({"committed": "1.005"}, "committed"),
    ({"committed": "1e30"}, "committed"),
    ({"committed": "123456789012345678901234567890"}, "committed"),
    ({"committed": None}, "committed"),
    ({"committed": [1]}, "committed"),
    ({"kind": None}, "kind"),
]


@pytest.mark.parametrize(("change", "field"), BAD_INSTRUMENTS)
def test_it_answers_bad_instrument_input_with_400_on_the_field(
    api, us_staff, funded, change, field
):
    before = DecisionLogEntry.objects.count()
    response = api(us_staff).post(instruments_url(funded), {**LOAN, **change}, format="json")

    assert response.status_code == 400, response.content
    assert field in response.json() and response.json()["detail"]
    assert not Instrument.objects.exists() and nothing_saved(before)


def test_a_missing_field_and_a_body_that_is_not_an_object_are_400(api, us_staff, funded):
    client = api(us_staff)
    assert client.post(instruments_url(funded), {"kind": "loan"}, format="json").status_code == 400
    response = client.post(instruments_url(funded), "[1, 2]", content_type="application/json")
    assert response.status_code == 400
    response = client.post(instruments_url(funded), "{not json", content_type="application/json")
    assert response.status_code == 400


def test_it_refuses_a_commitment_over_the_program_limit_naming_it(api, us_staff, funded, settings):
    settings.ACCORD_PROGRAM_LIMIT_USD = D("1500000")
    client = api(us_staff)
    assert client.post(instruments_url(funded), LOAN, format="json").status_code == 201
    before = DecisionLogEntry.objects.count()

    response = client.post(instruments_url(funded), LOAN, format="json")

    assert response.status_code == 409
    assert "program limit" in response.json()["detail"]
    assert response.json()["limit"] == ["program"]
    assert Instrument.objects.count() == 1 and nothing_saved(before)


def test_it_refuses_equity_over_two_percent_of_the_program(api, us_staff, make_proposal):
    funded = make_proposal("funding", amount_requested=D("50000000000"))
    client = api(us_staff)
    equity = {**LOAN, "kind": "equity", "committed": "10000000000.00"}
    assert client.post(instruments_url(funded), equity, format="json").status_code == 201
    more = {**equity, "committed": "1000000000.01"}

    response = client.post(instruments_url(funded), more, format="json")

    assert response.status_code == 409
    assert "equity ceiling of 11,000,000,000 USD" in response.json()["detail"]
    # A loan of the same size is not equity: within the program limit, it passes.
    assert (
        client.post(instruments_url(funded), {**more, "kind": "loan"}, format="json").status_code
        == 201
    )
    # Exactly at the ceiling passes.
    exact = {**equity, "committed": "1000000000.00"}
    assert client.post(instruments_url(funded), exact, format="json").status_code == 201


def test_a_yen_commitment_needs_a_rate_and_counts_at_it_against_the_limits(
    api, us_staff, funded, settings
):
    settings.ACCORD_PROGRAM_LIMIT_USD = D("1000")
    client = api(us_staff)
    yen = {**LOAN, "currency": "JPY", "committed": "100000.00"}

    response = client.post(instruments_url(funded), yen, format="json")
    assert response.status_code == 409 and "currency" in response.json()

    client.post(
        "/api/v1/fx-rates/", {"date": str(days_ago(3)), "usd_per_unit": "0.0066"}, format="json"
    )
    assert client.post(instruments_url(funded), yen, format="json").status_code == 201  # 660 USD
    assert client.post(instruments_url(funded), yen, format="json").status_code == 409  # 1,320


def test_the_instrument_list_shows_figures_to_every_reader_of_the_project(
    api, us_staff, funded, committee, sponsor_softbank, sponsor_westinghouse, outsider
):
    loan = commit(us_staff, funded, committed="100.00")
    record(us_staff, loan, "disbursement", "60.00")
    record(us_staff, loan, "repayment", "10.00")

    for reader in (us_staff, committee["jp_observer"], committee["us_chair"], sponsor_softbank):
        response = api(reader).get(instruments_url(funded))
        assert response.status_code == 200
        (row,) = response.json()
        assert (row["exposure"], row["undrawn"], row["claims"]) == ("50.00", "40.00", "0.00")
    assert api(sponsor_westinghouse).get(instruments_url(funded)).status_code == 404
    assert api(outsider).get(instruments_url(funded)).status_code == 404


def test_a_co_sponsor_reads_its_projects_instruments(
    api, us_staff, make_proposal, ge_vernova, sponsor_ge
):
    proposal = make_proposal("funding", co_sponsors=[ge_vernova.name])
    commit(us_staff, proposal)
    response = api(sponsor_ge).get(instruments_url(proposal))
    assert response.status_code == 200 and len(response.json()) == 1


def test_listing_instruments_costs_the_same_queries_for_two_or_twenty(
    api, us_staff, funded, django_assert_max_num_queries
):
    client = api(us_staff)
    for _ in range(2):
        record(us_staff, commit(us_staff, funded), "disbursement", "5.00")
    with django_assert_max_num_queries(12) as few:
        assert len(client.get(instruments_url(funded)).json()) == 2
    for _ in range(18):
        record(us_staff, commit(us_staff, funded), "disbursement", "5.00")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(api(us_staff).get(instruments_url(funded)).json()) == 20


# --- Transactions -----------------------------------------------------------------------


def test_staff_record_a_disbursement_and_the_log_records_it(
    api, us_staff, funded, django_capture_on_commit_callbacks
):
    loan = commit(us_staff, funded)
    body = {"type": "disbursement", "amount": "250.50", "value_date": str(days_ago(40))}
    with django_capture_on_commit_callbacks(execute=True):
        response = api(us_staff).post(transactions_url(loan), body, format="json")

    assert response.status_code == 201, response.json()
    assert response.json()["amount"] == "250.50" and response.json()["currency"] == "USD"
    entry = DecisionLogEntry.objects.latest("seq")
    assert entry.event == "transaction_recorded" and entry.proposal == funded.reference
    assert entry.data["amount"] == "250.50" and entry.data["value_date"] == str(days_ago(40))
    figures = Instrument.objects.get(pk=loan.pk)  # the job's, written after the commit
    assert (figures.exposure, figures.undrawn, figures.claims) == (D("250.50"), D("749.50"), 0)
    assert figures.figures_as_of == today()


def test_a_guarantee_call_lowers_exposure_and_raises_claims(api, us_staff, funded):
    guarantee = commit(us_staff, funded, kind="guarantee", provider="NEXI", committed="500.00")
    client = api(us_staff)
    for type_, amount in (("issue", "400.00"), ("call", "150.00"), ("release", "50.00")):
        body = {"type": type_, "amount": amount, "value_date": str(days_ago(5))}
        assert client.post(transactions_url(guarantee), body, format="json").status_code == 201
    (row,) = client.get(instruments_url(funded)).json()
    assert (row["exposure"], row["undrawn"], row["claims"]) == ("200.00", "100.00", "150.00")


BAD_TRANSACTIONS = [
    ({"type": "issue"}, "type"),  # a guarantee's type on a loan
    ({"type": "dividend"}, "type"),
    ({"amount": "0"}, "amount"),
    ({"amount": "-1"}, "amount"),
    ({"amount": "NaN"}, "amount"),
    ({"amount": "1e25"}, "amount"),
    ({"amount": "2000.00"}, "amount"),  # drawings above the 1,000 committed
    ({"type": "repayment", "amount": "1.00"}, "amount"),  # exposure below zero
    ({"value_date": "2026-02-30"}, "value_date"),
    ({"value_date": "yesterday"}, "value_date"),
    ({"value_date": "2020-01-01T10:00:00Z"}, "value_date"),
    ({"value_date": None}, "value_date"),
]


@pytest.mark.parametrize(("change", "field"), BAD_TRANSACTIONS)
def test_it_answers_bad_transactions_with_400_on_the_field(api, us_staff, funded, change, field):
    loan = commit(us_staff, funded, committed="1000.00")
    before = DecisionLogEntry.objects.count()
    body = {"type": "disbursement", "amount": "10.00", "value_date": str(days_ago(1)), **change}

    response = api(us_staff).post(transactions_url(loan), body, format="json")

    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not Transaction.objects.exists() and nothing_saved(before)


def test_a_value_date_in_the_future_is_refused_any_past_one_accepted(api, us_staff, funded):
    loan = commit(us_staff, funded)
    client = api(us_staff)
    tomorrow = str(today() + dt.timedelta(days=1))
    body = {"type": "disbursement", "amount": "10.00"}
    response = client.post(transactions_url(loan), {**body, "value_date": tomorrow}, format="json")
    assert response.status_code == 400 and "future" in response.json()["value_date"][0]
    for day in ("1990-01-01", str(today())):
        response = client.post(transactions_url(loan), {**body, "value_date": day}, format="json")
        assert response.status_code == 201


def test_a_back_dated_repayment_may_not_take_past_exposure_below_zero(api, us_staff, funded):
    loan = commit(us_staff, funded)
    record(us_staff, loan, "disbursement", "100.00", days_ago(10))
    client = api(us_staff)
    early = {"type": "repayment", "amount": "50.00", "value_date": str(days_ago(20))}
    assert client.post(transactions_url(loan), early, format="json").status_code == 400
    later = {**early, "value_date": str(days_ago(5))}
    assert client.post(transactions_url(loan), later, format="json").status_code == 201


def test_transactions_answer_by_role_and_state(
    api, us_staff, funded, make_proposal, sponsor_softbank, sponsor_westinghouse, jp_member
):
    loan = commit(us_staff, funded)
    body = {"type": "disbursement", "amount": "1.00", "value_date": str(days_ago(1))}
    assert (
        api(sponsor_softbank).post(transactions_url(loan), body, format="json").status_code == 403
    )
    assert api(jp_member).post(transactions_url(loan), body, format="json").status_code == 403
    outsider_answer = api(sponsor_westinghouse).post(transactions_url(loan), body, format="json")
    assert outsider_answer.status_code == 404
    assert (
        api(us_staff)
        .post("/api/v1/instruments/999999/transactions/", body, format="json")
        .status_code
        == 404
    )
    # The project moves on to closed: its ledger is settled.
    proposal = make_proposal("closed")
    settled = Instrument.objects.create(
        proposal=proposal, kind="loan", provider="JBIC", currency="USD",
        committed=D("10"), committed_by=us_staff,
    )  # fmt: skip
    assert api(us_staff).post(transactions_url(settled), body, format="json").status_code == 409


def test_the_transaction_list_is_for_the_projects_readers_in_fixed_queries(
    api, us_staff, funded, sponsor_softbank, sponsor_westinghouse, jp_observer,
    django_assert_max_num_queries,
):  # fmt: skip
    loan = commit(us_staff, funded)
    record(us_staff, loan, "disbursement", "5.00")
    with django_assert_max_num_queries(12) as few:
        assert len(api(jp_observer).get(transactions_url(loan)).json()) == 1
    for _ in range(15):
        record(us_staff, loan, "disbursement", "5.00")
    with django_assert_max_num_queries(len(few.captured_queries)):
        rows = api(jp_observer).get(transactions_url(loan)).json()
    assert len(rows) == 16 and rows[0]["type"] == "disbursement"
    assert api(sponsor_softbank).get(transactions_url(loan)).status_code == 200
    assert api(sponsor_westinghouse).get(transactions_url(loan)).status_code == 404
    assert api(us_staff).get("/api/v1/instruments/abc/transactions/").status_code == 404


# --- FX rates ---------------------------------------------------------------------------


def test_staff_enter_a_rate_and_correct_it_the_log_keeps_both(api, us_staff, jp_member):
    client = api(us_staff)
    body = {"date": str(days_ago(2)), "currency": "JPY", "usd_per_unit": "0.0066"}
    assert client.post("/api/v1/fx-rates/", body, format="json").status_code == 201
    response = client.post("/api/v1/fx-rates/", {**body, "usd_per_unit": "0.0067"}, format="json")

    assert response.status_code == 201
    assert FxRate.objects.get().usd_per_unit == D("0.0067")
    entry = DecisionLogEntry.objects.latest("seq")
    assert entry.event == "fx_rate_set" and entry.proposal is None
    assert entry.data["usd_per_unit"] == "0.0067000000" and entry.data["previous"] == "0.0066000000"
    listed = api(jp_member).get("/api/v1/fx-rates/").json()
    assert listed["count"] == 1 and listed["results"][0]["usd_per_unit"] == "0.0067000000"


BAD_RATES = [
    ({"currency": "USD"}, "currency"),
    ({"currency": "EUR"}, "currency"),
    ({"usd_per_unit": "0"}, "usd_per_unit"),
    ({"usd_per_unit": "-0.0066"}, "usd_per_unit"),
    ({"usd_per_unit": "0.00000000001"}, "usd_per_unit"),
    ({"usd_per_unit": "1e20"}, "usd_per_unit"),
    ({"usd_per_unit": "cheap"}, "usd_per_unit"),
    ({"date": "2025-13-01"}, "date"),
    ({"date": "2999-01-01"}, "date"),
]


@pytest.mark.parametrize(("change", "field"), BAD_RATES)
def test_it_answers_bad_rates_with_400_on_the_field(api, us_staff, change, field):
    body = {"date": str(days_ago(2)), "currency": "JPY", "usd_per_unit": "0.0066", **change}
    response = api(us_staff).post("/api/v1/fx-rates/", body, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not FxRate.objects.exists()


def test_rates_are_entered_by_staff_and_read_by_the_committee_only(
    api, us_chair, jp_observer, sponsor_softbank, outsider
):
    body = {"date": "2025-01-06", "currency": "JPY", "usd_per_unit": "0.0066"}
    assert api(us_chair).post("/api/v1/fx-rates/", body, format="json").status_code == 403
    assert api(jp_observer).get("/api/v1/fx-rates/").status_code == 200
    assert api(sponsor_softbank).get("/api/v1/fx-rates/").status_code == 403
    assert api(outsider).get("/api/v1/fx-rates/").status_code == 403
    assert api().get("/api/v1/fx-rates/").status_code in (401, 403)


def test_the_rate_list_costs_the_same_queries_for_two_or_forty_rates(
    api, us_staff, jp_member, django_assert_max_num_queries
):
    for day in range(2):
        services.fx_rate_set(
            user=us_staff, date=days_ago(day), currency="JPY", usd_per_unit="0.0066"
        )
    with django_assert_max_num_queries(10) as few:
        assert api(jp_member).get("/api/v1/fx-rates/").json()["count"] == 2
    for day in range(2, 40):
        services.fx_rate_set(
            user=us_staff, date=days_ago(day), currency="JPY", usd_per_unit="0.0066"
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        body = api(jp_member).get("/api/v1/fx-rates/").json()
    assert body["count"] == 40 and body["results"][0]["date"] == str(days_ago(0))
