"""The program as JBIC and NEXI run it, through the API: Japan's net investment, program money
apart from co-financing, cancellations, signing dates, the amount approved, the yen cost of
undrawn dollars, breach alerts, and amounts the embedded default stores exactly."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core import mail

from core.models import DecisionLogEntry
from financing.models import Distribution, FxRate, Instrument, Transaction
from financing.selectors import today
from tests.financing.ledger_fixtures import days_ago

D = Decimal
EXPOSURE = "/api/v1/exposure/"
RATES = "/api/v1/fx-rates/"


def instruments_url(proposal):
    return f"/api/v1/proposals/{proposal.pk}/instruments/"


def transactions_url(instrument_id):
    return f"/api/v1/instruments/{instrument_id}/transactions/"


@pytest.fixture
def staff(api, us_staff):
    return api(us_staff)


def commit(client, proposal, **body):
    body = {"kind": "loan", "provider": "JBIC", "currency": "USD", "committed": "1000", **body}
    return client.post(instruments_url(proposal), body, format="json")


def move(client, instrument_id, type_, amount, value_date=None):
    body = {"type": type_, "amount": amount, "value_date": str(value_date or days_ago(10))}
    return client.post(transactions_url(instrument_id), body, format="json")


def rate(client, usd_per_unit, day=None, **extra):
    body = {"date": str(day or days_ago(30)), "currency": "JPY", "usd_per_unit": usd_per_unit}
    return client.post(RATES, {**body, **extra}, format="json")


def headroom(client) -> str:
    return client.get(EXPOSURE).json()["limits"]["program"]["headroom_usd"]


# --- Japan's net investment -------------------------------------------------------------


def test_a_repaid_loan_lowers_japans_investment(staff, funded):
    loan = commit(staff, funded, committed="1000.00").json()["id"]
    assert move(staff, loan, "disbursement", "1000.00", days_ago(20)).status_code == 201
    recovery = f"/api/v1/proposals/{funded.pk}/distributions/"
    assert staff.get(recovery).json()["japan_investment"] == "1000.00"

    assert move(staff, loan, "repayment", "600.00", days_ago(5)).status_code == 201

    body = staff.get(recovery).json()
    assert body["japan_investment"] == "400.00"
    assert body["investment"] == {"gross": "1000.00", "returned": "600.00", "net": "400.00"}
    # The restated position counts J by the same rule.
    restated = staff.get(f"/api/v1/proposals/{funded.pk}/recovery/").json()
    assert restated["japan_investment"] == body["investment"]
    # A distribution splits on the net J: 50/50 up to twice what Japan is still owed (800),
    # then 90/10: Japan 400 + 20.
    split = staff.post(recovery, {"amount": "1000.00", "currency": "USD", "date": str(today())})
    assert split.status_code == 201
    assert (split.json()["japan"], split.json()["phase"]) == ("420.00", "crossing")


def test_a_claim_recovery_lowers_claims_and_japans_investment(staff, funded):
    guarantee = commit(staff, funded, kind="guarantee", provider="NEXI").json()["id"]
    move(staff, guarantee, "issue", "800.00", days_ago(30))
    move(staff, guarantee, "call", "300.00", days_ago(20))

    assert move(staff, guarantee, "recovery", "301.00", days_ago(5)).status_code == 400
    assert move(staff, guarantee, "recovery", "100.00", days_ago(5)).status_code == 201

    row = staff.get(instruments_url(funded)).json()[0]
    assert (row["exposure"], row["claims"]) == ("500.00", "200.00")
    body = staff.get(f"/api/v1/proposals/{funded.pk}/distributions/").json()
    assert body["investment"] == {"gross": "300.00", "returned": "100.00", "net": "200.00"}


# --- Program money and co-financing -------------------------------------------------------


def test_a_private_loan_leaves_the_headroom_unchanged(staff, funded, settings):
    settings.ACCORD_PROGRAM_LIMIT_USD = D("1000")
    assert commit(staff, funded, committed="900.00").status_code == 201
    before = headroom(staff)

    # Over the program limit, yet private: co-financing uses no headroom.
    response = commit(staff, funded, provider="private", committed="5000.00")

    assert response.status_code == 201, response.json()
    body = staff.get(EXPOSURE).json()
    assert headroom(staff) == before == "100.00"
    assert body["co_financing"] == {
        "instruments": 1,
        "committed_usd": "5000.00",
        "exposure_usd": "0.00",
    }
    assert body["committed_totals"]["all"] == "900.00"


def test_a_guarantee_covering_a_private_loan_counts_the_risk_once(staff, funded):
    loan = commit(staff, funded, provider="private", committed="1000.00").json()["id"]
    move(staff, loan, "disbursement", "800.00", days_ago(20))
    body = {"kind": "guarantee", "provider": "JBIC", "committed": "900.00"}
    response = commit(staff, funded, **body, covers=loan, cover_ratio="0.5")
    assert response.status_code == 201, response.json()
    guarantee = response.json()["id"]
    move(staff, guarantee, "issue", "900.00", days_ago(15))

    rows = {row["id"]: row for row in staff.get(EXPOSURE).json()["instruments"]}
    assert rows[guarantee]["exposure"] == "400.00"  # half of the loan's 800, not its 900

    move(staff, loan, "repayment", "700.00", days_ago(5))  # the loan's job re-runs the cover's
    rows = {row["id"]: row for row in staff.get(EXPOSURE).json()["instruments"]}
    assert rows[guarantee]["exposure"] == "50.00"
    assert staff.get(EXPOSURE, {"as_of": str(days_ago(10))}).json()["totals"]["all"] == "1200.00"


@pytest.mark.parametrize(
    "change",
    [
        {"covers": "own-jbic-loan"},  # not a private loan
        {"kind": "loan"},  # a loan covers nothing
        {"provider": "private"},  # only JBIC and NEXI cover
        {"cover_ratio": "0"},
        {"cover_ratio": "1.5"},
        {"cover_ratio": "0.12345"},
        {"cover_ratio": None},
        {"covers": 999999},
    ],
)
def test_a_guarantee_may_cover_only_a_private_loan_of_the_project(staff, funded, change):
    private = commit(staff, funded, provider="private").json()["id"]
    own = commit(staff, funded).json()["id"]
    body = {"kind": "guarantee", "provider": "NEXI", "covers": private, "cover_ratio": "0.5"}
    body.update(change)
    if body["covers"] == "own-jbic-loan":
        body["covers"] = own

    response = commit(staff, funded, **body)

    assert response.status_code == 400, response.json()
    assert {"covers", "cover_ratio"} & set(response.json())
    assert Instrument.objects.count() == 2


# --- Cancellation -------------------------------------------------------------------------


def test_a_cancellation_frees_headroom_at_once(staff, funded, settings):
    settings.ACCORD_PROGRAM_LIMIT_USD = D("1000")
    loan = commit(staff, funded, committed="1000.00").json()["id"]
    move(staff, loan, "disbursement", "300.00", days_ago(10))
    assert commit(staff, funded, committed="200.00").status_code == 409
    assert move(staff, loan, "cancellation", "700.01", days_ago(1)).status_code == 400

    assert move(staff, loan, "cancellation", "500.00", days_ago(1)).status_code == 201

    assert headroom(staff) == "500.00"
    row = staff.get(instruments_url(funded)).json()[0]
    assert (row["committed"], row["undrawn"], row["exposure"]) == ("500.00", "200.00", "300.00")
    assert commit(staff, funded, committed="200.00").status_code == 201
    # Before the cancellation's value date the full commitment still shows.
    past = staff.get(EXPOSURE, {"as_of": str(days_ago(5))}).json()
    assert past["committed_totals"]["all"] == "1000.00"


def test_reversing_a_cancellation_is_checked_against_the_program_limit(
    staff, api, jp_staff, funded, settings
):
    settings.ACCORD_PROGRAM_LIMIT_USD = D("1000")
    loan = commit(staff, funded, committed="1000.00").json()["id"]
    assert move(staff, loan, "cancellation", "500.00", days_ago(2)).status_code == 201
    cancelled = Transaction.objects.get(instrument_id=loan, type="cancellation")
    assert commit(staff, funded, committed="300.00").status_code == 201  # 800 of 1000 now
    reverse = f"/api/v1/transactions/{cancelled.pk}/reverse/"

    # Committing the 500 again would take the program to 1,300: refused when asked for ...
    refused = staff.post(reverse, {"reason": "cancelled by mistake"}, format="json")
    assert refused.status_code == 409, refused.content
    assert refused.json()["limit"] == ["program"]

    # ... and when approved, should the headroom have gone in between.
    settings.ACCORD_PROGRAM_LIMIT_USD = D("1500")
    asked = staff.post(reverse, {"reason": "cancelled by mistake"}, format="json")
    assert asked.status_code == 202, asked.content
    settings.ACCORD_PROGRAM_LIMIT_USD = D("1000")
    approved = api(jp_staff).post(f"/api/v1/approvals/{asked.json()['approval']}/approve/")
    assert approved.status_code == 409, approved.content
    assert not Transaction.objects.filter(reverses=cancelled).exists()

    settings.ACCORD_PROGRAM_LIMIT_USD = D("1500")
    approved = api(jp_staff).post(f"/api/v1/approvals/{asked.json()['approval']}/approve/")
    assert approved.status_code == 200, approved.content
    assert headroom(staff) == "200.00"


# --- Signing dates and the amount approved ---------------------------------------------------


def test_as_of_before_signing_leaves_the_instrument_out(staff, funded):
    signed = days_ago(10)
    response = commit(staff, funded, committed="500.00", signed_on=str(signed))
    assert response.status_code == 201 and response.json()["signed_on"] == str(signed)
    loan = response.json()["id"]

    before = staff.get(EXPOSURE, {"as_of": str(days_ago(11))}).json()
    after = staff.get(EXPOSURE, {"as_of": str(signed)}).json()

    assert [row["id"] for row in before["instruments"]] == []
    assert before["committed_totals"]["all"] == "0.00"
    assert [row["id"] for row in after["instruments"]] == [loan]
    # Money cannot have moved on it before it was signed.
    refused = move(staff, loan, "disbursement", "100.00", days_ago(11))
    assert refused.status_code == 400 and "value_date" in refused.json()
    assert commit(staff, funded, signed_on=str(today() + dt.timedelta(days=1))).status_code == 400


def test_an_unsigned_date_follows_the_first_value_date(staff, funded):
    loan = commit(staff, funded, committed="500.00").json()["id"]
    assert Instrument.objects.get(pk=loan).signed_on == today()

    assert move(staff, loan, "disbursement", "100.00", days_ago(40)).status_code == 201

    assert Instrument.objects.get(pk=loan).signed_on == days_ago(40)
    body = staff.get(EXPOSURE, {"as_of": str(days_ago(40))}).json()
    assert [row["exposure"] for row in body["instruments"]] == ["100.00"]


def test_commitments_over_the_amount_approved_are_refused_naming_it(staff, make_proposal, jpy_rate):
    project = make_proposal("funding", amount_requested=D("1000000.00"))
    assert commit(staff, project, committed="700000.00").status_code == 201
    # Yen counts at today's rate: 30,000,000 × 0.0066 = 198,000 USD, within the rest.
    assert commit(staff, project, currency="JPY", committed="30000000").status_code == 201
    before = DecisionLogEntry.objects.count()

    response = commit(staff, project, kind="equity", provider="NEXI", committed="102000.01")

    assert response.status_code == 409
    assert "amount approved for the project, 1,000,000 USD" in response.json()["detail"]
    assert response.json()["limit"] == ["approved"]
    assert DecisionLogEntry.objects.count() == before
    # Co-financing is not the program's and is not capped by it.
    assert commit(staff, project, provider="private", committed="5000000.00").status_code == 201


# --- Today in Tokyo ---------------------------------------------------------------------------


def test_todays_value_date_in_tokyo_is_accepted_before_nine_in_the_morning(staff, funded):
    loan = commit(staff, funded, committed="500.00").json()["id"]
    # 08:30 in Tokyo on 3 March is still 2 March in UTC.
    with time_machine.travel(dt.datetime(2026, 3, 2, 23, 30, tzinfo=dt.UTC), tick=False):
        assert today() == dt.date(2026, 3, 3)
        response = move(staff, loan, "disbursement", "100.00", dt.date(2026, 3, 3))
    assert response.status_code == 201, response.json()


def test_the_business_day_follows_the_setting(settings):
    settings.ACCORD_BUSINESS_TZ = "UTC"
    with time_machine.travel(dt.datetime(2026, 3, 2, 23, 30, tzinfo=dt.UTC), tick=False):
        assert today() == dt.date(2026, 3, 2)


# --- The yen cost of undrawn dollars --------------------------------------------------------


def test_a_ten_percent_yen_shock_raises_the_yen_cost_of_undrawn_dollars(staff, funded):
    rate(staff, "0.0064")
    loan = commit(staff, funded, committed="1000000.00").json()["id"]
    move(staff, loan, "disbursement", "360000.00", days_ago(5))
    commit(staff, funded, provider="private", committed="5000000.00")  # not the program's

    body = staff.get("/api/v1/exposure/stress/", {"shocks": "10"}).json()

    assert body["base"]["undrawn_usd"] == "640000.00"
    assert body["base"]["yen_cost"] == "100000000"  # 640,000 / 0.0064
    (shock,) = body["shocks"]
    assert (shock["shock"], shock["undrawn_usd"]) == (10, "640000.00")
    assert shock["yen_cost"] == "111111111"  # 640,000 / 0.00576


def test_the_exposure_page_shows_the_yen_cost_and_the_business_day(
    browser_of, us_staff, staff, funded
):
    rate(staff, "0.0064")
    commit(staff, funded, committed="640000.00")

    html = browser_of(us_staff).get("/exposure/").content.decode()

    assert "100,000,000" in html and "111,111,111" in html
    assert "Asia/Tokyo" in html and 'id="co-financing"' in html


# --- Breach alerts ------------------------------------------------------------------------


def breaches():
    return list(
        DecisionLogEntry.objects.filter(event__in=["limit_breached", "limit_cleared"])
        .order_by("seq")
        .values_list("event", flat=True)
    )


def breach_mail():
    """The breach alerts sent (the dispatcher also sends the project's earlier mail)."""
    return [m for m in mail.outbox if "Program limit breached" in m.subject]


def test_a_rate_that_takes_commitments_over_the_limit_alerts_once_per_breach(
    staff, funded, settings, committee, browser_of, django_capture_on_commit_callbacks
):
    settings.ACCORD_PROGRAM_LIMIT_USD = D("1000")

    def step(usd_per_unit, day):
        with django_capture_on_commit_callbacks(execute=True):  # the checks run on commit
            # Confirmed: the moves of more than 10% are meant (the rate jump check).
            assert rate(staff, usd_per_unit, day, confirm=True).status_code == 201

    step("0.0066", days_ago(30))
    commit(staff, funded, currency="JPY", committed="150000")  # 990 USD
    step("0.0070", days_ago(2))  # 1,050 USD: over, by no commitment
    step("0.0071", days_ago(1))  # still over: no second alert

    assert breaches() == ["limit_breached"]
    recipients = sorted(m.to[0].split("@")[0] for m in breach_mail())
    assert recipients == ["alice", "laura", "mei", "sato"]  # staff and both chairs
    page = browser_of(committee["us_chair"]).get("/exposure/").content.decode()
    assert 'id="breach-program"' in page
    assert headroom(staff) == "-65.00"

    step("0.0060", days_ago(0))  # 900 USD: cleared
    mail.outbox.clear()
    step("0.0070", days_ago(0))  # over again: a new breach, a new alert

    assert breaches() == ["limit_breached", "limit_cleared", "limit_breached"]
    assert len(breach_mail()) == 4


@pytest.fixture
def browser_of():
    from django.test import Client

    def client_for(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return client_for


# --- Exact amounts on the embedded default --------------------------------------------------


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"currency": "JPY", "committed": "10000000000000.05"}, "committed"),
        ({"currency": "JPY", "committed": "1000.5"}, "committed"),
        ({"currency": "USD", "committed": "10000000000000.00"}, "committed"),
    ],
)
def test_an_amount_that_cannot_be_stored_exactly_is_refused_naming_the_limit(
    staff, funded, jpy_rate, body, field
):
    response = commit(staff, funded, **body)

    assert response.status_code == 400
    message = " ".join(response.json()[field])
    assert "largest value stored exactly" in message or "whole yen" in message
    assert not Instrument.objects.exists()


def test_the_rate_that_broke_sqlite_is_refused_and_every_page_still_answers(
    staff, browser_of, us_staff, funded
):
    response = rate(staff, "9999999999.9999999999")
    assert response.status_code == 400
    assert "99,999.9999999999" in " ".join(response.json()["usd_per_unit"])
    assert not FxRate.objects.exists()

    assert rate(staff, "99999.9999999999").status_code == 201
    assert FxRate.objects.get().usd_per_unit == D("99999.9999999999")
    for url in (RATES, EXPOSURE, "/api/v1/exposure/stress/"):
        assert staff.get(url).status_code == 200, url
    assert browser_of(us_staff).get("/exposure/").status_code == 200


def test_the_largest_amounts_read_back_exactly(staff, make_proposal, jpy_rate):
    project = make_proposal("funding", amount_requested=D("9999999999999.99"))
    yen = commit(staff, project, provider="private", currency="JPY", committed="999999999999999")
    dollars = commit(staff, project, provider="private", committed="9999999999999.99")
    assert (yen.status_code, dollars.status_code) == (201, 201)
    assert move(staff, dollars.json()["id"], "disbursement", "9999999999999.99").status_code == 201

    stored = dict(Instrument.objects.values_list("currency", "committed"))
    assert stored == {"JPY": D("999999999999999"), "USD": D("9999999999999.99")}
    assert Transaction.objects.get().amount == D("9999999999999.99")
    entry = DecisionLogEntry.objects.filter(event="instrument_committed").order_by("seq")[0]
    assert D(entry.data["committed"]) == D("999999999999999")


def test_a_distribution_whose_dollars_cannot_be_stored_exactly_is_refused(staff, funded):
    rate(staff, "99999.9999999999")
    url = f"/api/v1/proposals/{funded.pk}/distributions/"
    body = {"amount": "999999999999", "currency": "JPY", "date": str(today())}

    response = staff.post(url, body, format="json")

    assert response.status_code == 400 and "amount" in response.json()
    assert not Distribution.objects.exists()
