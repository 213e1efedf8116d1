"""Profit sharing through the API (docs/waterfall.md) and the yen stress (docs/ledger.md)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from core.models import DecisionLogEntry
from financing import services
from financing.exposure_job import recompute_exposure
from financing.models import Distribution

D = dt.date


@pytest.fixture
def project(make_proposal):
    return make_proposal("active")


@pytest.fixture
def fund(us_staff):
    """``fund(proposal, kind, provider, amount, day, type)``: commit and draw in one go."""

    def build(proposal, kind, provider, amount, day, type_, currency="USD", committed=None):
        instrument = services.instrument_commit(
            user=us_staff,
            proposal_id=proposal.pk,
            kind=kind,
            provider=provider,
            currency=currency,
            committed=Decimal(committed or amount),
        )
        if kind == "guarantee" and type_ == "call":
            services.transaction_record(
                user=us_staff,
                instrument_id=instrument.pk,
                type="issue",
                amount=Decimal(amount),
                value_date=day,
            )
        services.transaction_record(
            user=us_staff,
            instrument_id=instrument.pk,
            type=type_,
            amount=Decimal(amount),
            value_date=day,
        )
        return instrument

    return build


def distribute(api, user, proposal, amount, day, currency="USD"):
    return api(user).post(
        f"/api/v1/proposals/{proposal.pk}/distributions/",
        {"amount": amount, "currency": currency, "date": day.isoformat()},
        format="json",
    )


def test_before_recovery_japan_and_the_us_split_50_50(api, us_staff, project, fund):
    fund(project, "loan", "JBIC", "100.00", D(2025, 1, 10), "disbursement")
    response = distribute(api, us_staff, project, "40.00", D(2025, 6, 30))
    assert response.status_code == 201, response.json()
    body = response.json()
    assert {k: body[k] for k in ("amount_usd", "japan", "us", "japan_investment")} == {
        "amount_usd": "40.00",
        "japan": "20.00",
        "us": "20.00",
        "japan_investment": "100.00",
    }
    assert (body["japan_recovered"], body["phase"]) == ("0.00", "pre_recovery")


def test_a_distribution_that_crosses_recovery_splits_50_50_then_90_10(api, us_staff, project, fund):
    fund(project, "loan", "JBIC", "100.00", D(2025, 1, 10), "disbursement")
    assert distribute(api, us_staff, project, "180.00", D(2025, 3, 31)).status_code == 201
    body = distribute(api, us_staff, project, "40.00", D(2025, 6, 30)).json()
    # The contract's example: J = 100, R = 90, D = 40 → Japan 12, US 28.
    assert (body["japan_investment"], body["japan_recovered"]) == ("100.00", "90.00")
    assert (body["japan"], body["us"], body["phase"]) == ("12.00", "28.00", "crossing")


def test_after_recovery_japan_gets_10_percent(api, us_staff, project, fund):
    fund(project, "equity", "NEXI", "50.00", D(2025, 1, 10), "contribution")
    distribute(api, us_staff, project, "100.00", D(2025, 2, 1))
    body = distribute(api, us_staff, project, "33.33", D(2025, 3, 1)).json()
    assert (body["japan"], body["us"], body["phase"]) == ("3.33", "30.00", "post_recovery")


def test_japans_investment_counts_nexi_guarantee_calls(api, us_staff, project, fund):
    fund(project, "guarantee", "NEXI", "60.00", D(2025, 1, 10), "call", committed="80.00")
    fund(project, "loan", "JBIC", "40.00", D(2025, 1, 10), "disbursement")
    body = distribute(api, us_staff, project, "10.00", D(2025, 2, 1)).json()
    assert body["japan_investment"] == "100.00"


def test_japans_investment_leaves_out_private_money_and_later_drawings(
    api, us_staff, project, fund
):
    fund(project, "equity", "private", "500.00", D(2025, 1, 10), "contribution")
    fund(project, "loan", "private", "500.00", D(2025, 1, 10), "disbursement")
    fund(project, "guarantee", "JBIC", "70.00", D(2025, 1, 10), "issue")  # issued, not called
    fund(project, "loan", "JBIC", "30.00", D(2025, 1, 10), "disbursement")
    fund(project, "loan", "NEXI", "99.00", D(2025, 5, 1), "disbursement")  # after the date
    body = distribute(api, us_staff, project, "10.00", D(2025, 2, 1)).json()
    assert body["japan_investment"] == "30.00"


def test_yen_in_japans_investment_converts_at_each_value_dates_rate(api, us_staff, project, fund):
    services.fx_rate_set(user=us_staff, date=D(2025, 1, 1), currency="JPY", usd_per_unit="0.0070")
    services.fx_rate_set(
        user=us_staff, date=D(2025, 3, 1), currency="JPY", usd_per_unit="0.0060", confirm=True
    )
    fund(project, "loan", "JBIC", "10000.00", D(2025, 2, 1), "disbursement", currency="JPY")
    fund(project, "loan", "JBIC", "10000.00", D(2025, 3, 15), "disbursement", currency="JPY")
    body = distribute(api, us_staff, project, "10.00", D(2025, 4, 1)).json()
    assert body["japan_investment"] == "130.00"  # 10,000 × 0.007 + 10,000 × 0.006


def test_a_yen_distribution_converts_at_the_rate_of_its_date(api, us_staff, project, fund):
    fund(project, "loan", "JBIC", "1000.00", D(2025, 1, 10), "disbursement")
    services.fx_rate_set(user=us_staff, date=D(2025, 1, 1), currency="JPY", usd_per_unit="0.0066")
    services.fx_rate_set(user=us_staff, date=D(2025, 7, 1), currency="JPY", usd_per_unit="0.0070")
    body = distribute(api, us_staff, project, "1000005", D(2025, 6, 30), currency="JPY").json()
    assert body["amount_usd"] == "6600.03"  # 6,600.033 at the June rate, to the cent
    assert (body["japan"], body["us"]) == ("1460.00", "5140.03")  # 1,000 + 4,600.03 × 10%
    assert body["phase"] == "crossing"


def test_a_yen_distribution_without_a_rate_is_refused_with_409(api, us_staff, project, fund):
    fund(project, "loan", "JBIC", "100.00", D(2025, 1, 10), "disbursement")
    response = distribute(api, us_staff, project, "1000", D(2025, 6, 30), currency="JPY")
    assert response.status_code == 409
    assert "No JPY rate on or before 2025-06-30" in response.json()["detail"]
    assert not Distribution.objects.exists()


def test_a_distribution_dated_before_an_existing_one_is_refused(api, us_staff, project, fund):
    fund(project, "loan", "JBIC", "100.00", D(2025, 1, 10), "disbursement")
    distribute(api, us_staff, project, "10.00", D(2025, 6, 30))
    response = distribute(api, us_staff, project, "10.00", D(2025, 6, 1))
    assert response.status_code == 400
    body = response.json()
    assert "2025-06-30" in body["detail"] and body["date"]
    assert Distribution.objects.count() == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"amount": "0", "currency": "USD", "date": "2025-01-01"}, "amount"),
        ({"amount": "-5", "currency": "USD", "date": "2025-01-01"}, "amount"),
        ({"amount": "1.001", "currency": "USD", "date": "2025-01-01"}, "amount"),
        ({"amount": "abc", "currency": "USD", "date": "2025-01-01"}, "amount"),
        ({"amount": "1", "currency": "EUR", "date": "2025-01-01"}, "currency"),
        ({"amount": "1", "currency": "USD", "date": "tomorrow"}, "date"),
        ({"amount": "1", "currency": "USD", "date": "2999-01-01"}, "date"),
        ({"currency": "USD", "date": "2025-01-01"}, "amount"),
    ],
)
def test_it_refuses_bad_input_field_by_field(api, us_staff, project, body, field):
    response = api(us_staff).post(
        f"/api/v1/proposals/{project.pk}/distributions/", body, format="json"
    )
    assert response.status_code == 400
    assert field in response.json()
    assert not Distribution.objects.exists()


def test_only_staff_record_and_only_while_funding_or_active(api, us_chair, us_staff, make_proposal):
    approved = make_proposal("approved")
    assert distribute(api, us_chair, approved, "10", D(2025, 1, 1)).status_code == 403
    response = distribute(api, us_staff, approved, "10", D(2025, 1, 1))
    assert response.status_code == 409
    assert "funding or active" in response.json()["detail"]


def test_each_distribution_appends_to_the_decision_log(api, us_staff, project, fund):
    fund(project, "loan", "JBIC", "100.00", D(2025, 1, 10), "disbursement")
    distribute(api, us_staff, project, "40.00", D(2025, 6, 30))
    entry = DecisionLogEntry.objects.filter(event="distribution_recorded").get()
    assert entry.proposal == project.reference
    assert (entry.data["japan"], entry.data["us"], entry.data["phase"]) == (
        "20.00",
        "20.00",
        "pre_recovery",
    )


def test_the_recovery_position_lists_j_r_what_remains_and_each_split(
    api, us_staff, jp_member, sponsor_softbank, sponsor_westinghouse, project, fund
):
    fund(project, "loan", "JBIC", "100.00", D(2025, 1, 10), "disbursement")
    distribute(api, us_staff, project, "60.00", D(2025, 3, 31))
    distribute(api, us_staff, project, "40.00", D(2025, 6, 30))
    url = f"/api/v1/proposals/{project.pk}/distributions/"
    body = api(jp_member).get(url).json()
    assert (body["japan_investment"], body["japan_recovered"], body["remaining"]) == (
        "100.00",
        "50.00",
        "50.00",
    )
    assert body["phase"] == "pre_recovery" and body["complete"] is True
    assert [(d["japan"], d["us"], d["phase"]) for d in body["distributions"]] == [
        ("30.00", "30.00", "pre_recovery"),
        ("20.00", "20.00", "pre_recovery"),
    ]
    assert api(sponsor_softbank).get(url).status_code == 200  # its own project
    assert api(sponsor_westinghouse).get(url).status_code == 404


def test_listing_distributions_takes_a_fixed_number_of_queries(
    api, us_staff, project, fund, django_assert_max_num_queries
):
    fund(project, "loan", "JBIC", "100.00", D(2025, 1, 10), "disbursement")
    for month in range(1, 9):
        distribute(api, us_staff, project, "5.00", D(2025, month, 28))
    client = api(us_staff)
    with django_assert_max_num_queries(12):
        assert (
            len(
                client.get(f"/api/v1/proposals/{project.pk}/distributions/").json()["distributions"]
            )
            == 8
        )


# --- Yen stress ---------------------------------------------------------------------------


def test_the_stress_converts_yen_at_the_weakened_rate_beside_the_base(
    api, us_staff, us_chair, project, fund
):
    services.fx_rate_set(user=us_staff, date=D(2025, 1, 1), currency="JPY", usd_per_unit="0.0066")
    fund(project, "loan", "JBIC", "1000.00", D(2025, 1, 10), "disbursement", committed="2000")
    fund(
        project,
        "loan",
        "NEXI",
        "1000000",
        D(2025, 1, 10),
        "disbursement",
        currency="JPY",
        committed="3000000",
    )
    response = api(us_chair).get("/api/v1/exposure/stress/?as_of=2025-02-01&shocks=10,20,30")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["as_of"] == "2025-02-01" and body["complete"] is True
    assert body["base"] == {
        "exposure_usd": "7600.00",
        "committed_usd": "21800.00",
        "undrawn_usd": "1000.00",
        "yen_cost": "151515",
    }
    # The program's undrawn dollars (1,000) cost more yen as the yen weakens: 1,000 / 0.0066
    # is 151,515 yen today, 1,000 / (0.0066 × 0.9) is 168,350 after a 10% fall.
    same = {"undrawn_usd": "1000.00"}
    assert body["shocks"] == [
        {"shock": 10, "exposure_usd": "6940.00", "committed_usd": "19820.00", **same,
         "yen_cost": "168350"},
        {"shock": 20, "exposure_usd": "6280.00", "committed_usd": "17840.00", **same,
         "yen_cost": "189394"},
        {"shock": 30, "exposure_usd": "5620.00", "committed_usd": "15860.00", **same,
         "yen_cost": "216450"},
    ]  # fmt: skip


def test_the_stress_is_incomplete_when_yen_has_no_rate(api, us_staff, project, fund):
    # The first rate on record is dated after the as-of date.
    services.fx_rate_set(user=us_staff, date=D(2025, 3, 1), currency="JPY", usd_per_unit="0.0066")
    fund(project, "loan", "JBIC", "1000.00", D(2025, 1, 10), "disbursement")
    fund(project, "loan", "NEXI", "1000000", D(2025, 1, 10), "disbursement", currency="JPY")
    body = api(us_staff).get("/api/v1/exposure/stress/?as_of=2025-02-01&shocks=10").json()
    assert body["complete"] is False
    assert body["base"]["exposure_usd"] == "1000.00"  # the yen is left out, not taken as zero


@pytest.mark.parametrize(
    "query",
    [
        "shocks=abc",
        "shocks=100",
        "shocks=-1",
        "shocks=",
        "shocks=" + ",".join("1" * 11),
        "as_of=yesterday",
    ],
)
def test_the_stress_refuses_bad_shocks_and_dates(api, us_staff, query):
    response = api(us_staff).get(f"/api/v1/exposure/stress/?{query}")
    assert response.status_code == 400
    assert response.json()["detail"]


def test_the_stress_and_the_exposure_answer_a_bad_as_of_alike(api, us_staff):
    client = api(us_staff)
    stress = client.get("/api/v1/exposure/stress/", {"as_of": "2025-1-1"})
    report = client.get("/api/v1/exposure/", {"as_of": "2025-1-1"})
    assert stress.status_code == report.status_code == 400
    assert stress.json()["as_of"] == report.json()["as_of"] == ["Give as_of as a date, YYYY-MM-DD."]


def test_sponsors_may_not_read_the_stress(api, sponsor_softbank):
    assert api(sponsor_softbank).get("/api/v1/exposure/stress/").status_code == 403


@pytest.mark.parametrize("as_of", [None, "2025-02-01"])
def test_the_unshocked_stress_agrees_with_the_exposure_report(api, us_staff, project, fund, as_of):
    services.fx_rate_set(user=us_staff, date=D(2025, 1, 1), currency="JPY", usd_per_unit="0.0066")
    fund(project, "loan", "JBIC", "1000.00", D(2025, 1, 10), "disbursement", committed="2000")
    # 75 yen is 0.495 USD: each rounds half-even to 0.50, while their sum is 0.99.
    for _ in range(2):
        fund(project, "equity", "NEXI", "75", D(2025, 1, 10), "contribution", currency="JPY")
    recompute_exposure()  # today's figures, as the job leaves them
    day = {"as_of": as_of} if as_of else {}
    report = api(us_staff).get("/api/v1/exposure/", day).json()
    stress = api(us_staff).get("/api/v1/exposure/stress/", {**day, "shocks": "0"}).json()
    assert stress["base"]["exposure_usd"] == report["totals"]["all"] == "1001.00"
    # A 0% shock converts the yen summed, rounding once: within a cent per instrument.
    assert stress["shocks"][0]["exposure_usd"] == "1000.99"
