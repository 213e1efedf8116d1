"""Money that can be corrected, through the API: rates as quoted, reversals, a second pair of
eyes, and splits restated when the ledger changes (the cases staff ran into)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from core.models import DecisionLogEntry
from financing import services
from financing.models import Approval, Distribution, Transaction

D = dt.date
RATES = "/api/v1/fx-rates/"


@pytest.fixture
def project(make_proposal):
    return make_proposal("active")


@pytest.fixture
def loan(us_staff, project):
    """A JBIC loan of 1,000 USD on the project, nothing drawn."""
    return services.instrument_commit(
        user=us_staff,
        proposal_id=project.pk,
        kind="loan",
        provider="JBIC",
        currency="USD",
        committed=Decimal("1000.00"),
    )


def post(api, user, url, body=None):
    return api(user).post(url, body or {}, format="json")


def move(api, user, instrument, type_, amount, day):
    return post(
        api,
        user,
        f"/api/v1/instruments/{instrument.pk}/transactions/",
        {"type": type_, "amount": amount, "value_date": day.isoformat()},
    )


def distribute(api, user, project, amount, day, currency="USD"):
    return post(
        api,
        user,
        f"/api/v1/proposals/{project.pk}/distributions/",
        {"amount": amount, "currency": currency, "date": day.isoformat()},
    )


def recovery(api, user, project, as_of=None):
    query = f"?as_of={as_of.isoformat()}" if as_of else ""
    response = api(user).get(f"/api/v1/proposals/{project.pk}/recovery/{query}")
    assert response.status_code == 200, response.content
    return response.json()


def approve(api, checker, approval_id):
    return post(api, checker, f"/api/v1/approvals/{approval_id}/approve/")


# --- Rates as quoted ---------------------------------------------------------------------


def test_a_rate_given_as_yen_per_dollar_is_stored_as_usd_per_yen_and_answered_in_both(
    api, us_staff
):
    body = {"date": "2025-01-06", "currency": "JPY", "jpy_per_usd": "155.20", "source": "JBIC TTM"}
    response = post(api, us_staff, RATES, body)

    assert response.status_code == 201, response.content
    assert response.json()["usd_per_unit"] == "0.0064432990"
    assert response.json()["jpy_per_usd"] == "155.2000"
    assert response.json()["source"] == "JBIC TTM"


def test_a_rate_typed_upside_down_is_refused_naming_the_neighbour_and_the_move(api, us_staff):
    post(api, us_staff, RATES, {"date": "2025-01-06", "jpy_per_usd": "155.00"})

    response = post(api, us_staff, RATES, {"date": "2025-01-07", "usd_per_unit": "155"})

    assert response.status_code == 400
    message = response.json()["usd_per_unit"][0]
    assert "2025-01-06" in message and "155.0000 yen per dollar" in message
    assert "+2402400.0%" in message
    assert "confirm" in response.json()


def test_a_confirmed_jump_is_recorded_and_replacing_it_keeps_the_old_value_in_the_log(
    api, us_staff
):
    post(api, us_staff, RATES, {"date": "2025-01-06", "jpy_per_usd": "155.00"})
    confirmed = {"date": "2025-01-07", "usd_per_unit": "155", "confirm": True}
    assert post(api, us_staff, RATES, confirmed).status_code == 201

    corrected = post(api, us_staff, RATES, {"date": "2025-01-07", "jpy_per_usd": "154.00"})

    assert corrected.status_code == 201, corrected.content
    entry = DecisionLogEntry.objects.filter(event="fx_rate_set").order_by("-seq").first()
    assert entry.data["previous"] == "155.0000000000"
    assert entry.data["jpy_per_usd"] == "154.0000"


def test_a_rate_needs_exactly_one_of_its_two_forms(api, us_staff):
    both = {"date": "2025-01-06", "usd_per_unit": "0.0066", "jpy_per_usd": "151.5"}
    assert post(api, us_staff, RATES, both).status_code == 400
    assert post(api, us_staff, RATES, {"date": "2025-01-06"}).status_code == 400


# --- The cases that went wrong -------------------------------------------------------------


def test_the_inverted_rate_corrected_later_leaves_the_true_up_the_corrected_rate_says(
    api, us_staff, jp_staff, project, django_capture_on_commit_callbacks
):
    post(api, us_staff, RATES, {"date": "2025-01-01", "usd_per_unit": "0.0066"})
    yen_loan = services.instrument_commit(
        user=us_staff,
        proposal_id=project.pk,
        kind="loan",
        provider="JBIC",
        currency="JPY",
        committed=Decimal("1000000000"),
    )
    move(api, us_staff, yen_loan, "disbursement", "1000000000", D(2025, 1, 2))  # J = 6.6m USD
    inverted = {"date": "2025-02-01", "jpy_per_usd": "0.0066"}
    assert post(api, us_staff, RATES, inverted).status_code == 400
    assert post(api, us_staff, RATES, {**inverted, "confirm": True}).status_code == 201
    paid = distribute(api, us_staff, project, "3000000000", D(2025, 2, 1), "JPY").json()
    assert paid["amount_usd"] == "454545454545.60"  # the slip: 3 billion yen at 151.5 USD each

    with django_capture_on_commit_callbacks(execute=True):
        post(api, us_staff, RATES, {"date": "2025-02-01", "jpy_per_usd": "151.50"})

    position = recovery(api, us_staff, project)
    row = position["distributions"][0]
    # Today's value of the yen: 3e9 × 0.0066006601 = 19,801,980.30 USD. J = 6.6m < D/2: the
    # first 13.2m splits 50/50, the rest 90/10: Japan 6.6m + 660,198.03.
    assert row["amount_usd"] == "19801980.30"
    assert (row["restated_japan"], row["restated_us"]) == ("7260198.03", "12541782.27")
    # Paid: Japan's recorded share (10.00145…%) of the same yen.
    assert Decimal(row["japan"]) + Decimal(row["us"]) == Decimal("19801980.30")
    owed = Decimal(row["restated_japan"]) - Decimal(row["japan"])
    assert position["true_up"] == {"japan": str(owed), "us": str(-owed)}
    assert position["phase"] == "post_recovery" and position["complete"] is True
    announced = DecisionLogEntry.objects.get(event="true_up_arose")  # by the rate's task
    assert announced.data == {"japan": str(owed), "us": str(-owed)}


def test_a_disbursement_back_dated_before_a_distribution_owes_japan_40(
    api, us_staff, project, loan
):
    move(api, us_staff, loan, "disbursement", "100.00", D(2025, 1, 1))
    paid = distribute(api, us_staff, project, "300.00", D(2025, 3, 1)).json()
    assert (paid["japan"], paid["us"]) == ("110.00", "190.00")

    move(api, us_staff, loan, "disbursement", "200.00", D(2025, 2, 1))

    position = recovery(api, us_staff, project)
    assert position["true_up"] == {"japan": "40.00", "us": "-40.00"}
    row = position["distributions"][0]
    assert (row["japan"], row["us"]) == ("110.00", "190.00")  # what was paid never changes
    assert (row["restated_japan"], row["restated_us"]) == ("150.00", "150.00")
    assert position["japan_investment"] == {"gross": "300.00", "returned": "0.00", "net": "300.00"}
    assert (position["japan_recovered"], position["remaining"]) == ("150.00", "150.00")
    assert position["phase"] == "pre_recovery"


def test_the_true_up_is_announced_once_to_staff_and_chairs_and_settled_by_four_eyes(
    api,
    us_staff,
    jp_staff,
    us_chair,
    jp_chair,
    us_member,
    project,
    loan,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    move(api, us_staff, loan, "disbursement", "100.00", D(2025, 1, 1))
    distribute(api, us_staff, project, "300.00", D(2025, 3, 1))
    with django_capture_on_commit_callbacks(execute=True):
        move(api, us_staff, loan, "disbursement", "200.00", D(2025, 2, 1))
        post(api, us_staff, RATES, {"date": "2025-01-01", "usd_per_unit": "0.0066"})  # no change

    true_up_mail = [m for m in mailoutbox if m.subject.startswith("True-up owed")]
    assert sorted(m.to[0] for m in true_up_mail) == sorted(
        f"{u.username}@example.org" for u in (us_staff, jp_staff, us_chair, jp_chair)
    )
    assert "40.00" in true_up_mail[0].body
    assert DecisionLogEntry.objects.filter(event="true_up_arose").count() == 1

    asked = post(api, us_staff, f"/api/v1/proposals/{project.pk}/true-ups/", {"reason": "Q1"})
    assert asked.status_code == 202
    assert asked.json()["status"] == "pending"
    assert recovery(api, us_staff, project)["true_up"]["japan"] == "40.00"  # pending: no effect
    assert approve(api, jp_staff, asked.json()["approval"]).status_code == 200

    assert recovery(api, us_staff, project)["true_up"] == {"japan": "0.00", "us": "0.00"}
    again = post(api, us_staff, f"/api/v1/proposals/{project.pk}/true-ups/")
    assert again.status_code == 409


def test_a_yen_amount_without_a_rate_leaves_the_position_incomplete_never_recovered(
    api, us_staff, project
):
    post(api, us_staff, RATES, {"date": "2025-06-01", "jpy_per_usd": "150"})
    yen = services.instrument_commit(
        user=us_staff,
        proposal_id=project.pk,
        kind="loan",
        provider="NEXI",
        currency="JPY",
        committed=Decimal("1000000"),
    )
    move(api, us_staff, yen, "disbursement", "1000000", D(2025, 1, 1))

    position = recovery(api, us_staff, project)

    assert position["complete"] is False and position["phase"] is None
    assert position["japan_investment"]["net"] is None


# --- Reversals ---------------------------------------------------------------------------


def test_a_reversal_waits_for_another_staff_user_and_then_nets_the_entry_out(
    api, us_staff, jp_staff, project, loan
):
    entry = move(api, us_staff, loan, "disbursement", "100.00", D(2025, 1, 1)).json()
    url = f"/api/v1/transactions/{entry['id']}/reverse/"

    assert post(api, us_staff, url, {}).status_code == 400  # the reason is required
    asked = post(api, us_staff, url, {"reason": "Booked on the wrong loan"})
    assert asked.status_code == 202
    approval = asked.json()["approval"]
    assert asked.json()["status"] == "pending"
    assert post(api, us_staff, url, {"reason": "again"}).status_code == 409  # one at a time

    assert approve(api, us_staff, approval).status_code == 403  # the maker
    assert approve(api, jp_staff, approval).status_code == 200

    rows = api(us_staff).get(f"/api/v1/instruments/{loan.pk}/transactions/").json()
    assert [(r["amount"], r["reverses"]) for r in rows] == [
        ("100.00", None),
        ("-100.00", entry["id"]),
    ]
    instruments = api(us_staff).get(f"/api/v1/proposals/{project.pk}/instruments/").json()
    assert instruments[0]["exposure"] == "0.00"
    again = post(api, us_staff, url, {"reason": "twice"})
    assert again.status_code == 409
    reversal = Transaction.objects.get(reverses_id=entry["id"])
    of_reversal = post(
        api, us_staff, f"/api/v1/transactions/{reversal.pk}/reverse/", {"reason": "x"}
    )
    assert of_reversal.status_code == 409
    events = list(DecisionLogEntry.objects.values_list("event", flat=True).order_by("seq"))
    assert events[-3:] == ["approval_requested", "transaction_reversed", "approval_approved"]


def test_a_reversal_that_would_take_exposure_below_zero_later_is_refused(
    api, us_staff, project, loan
):
    entry = move(api, us_staff, loan, "disbursement", "100.00", D(2025, 1, 1)).json()
    move(api, us_staff, loan, "repayment", "60.00", D(2025, 2, 1))

    response = post(
        api, us_staff, f"/api/v1/transactions/{entry['id']}/reverse/", {"reason": "wrong"}
    )

    assert response.status_code == 400
    assert "2025-02-01" in response.json()["detail"]


def test_a_reversed_distribution_restates_the_ones_after_it(api, us_staff, jp_staff, project, loan):
    move(api, us_staff, loan, "disbursement", "100.00", D(2025, 1, 1))
    first = distribute(api, us_staff, project, "100.00", D(2025, 2, 1)).json()  # 50 / 50
    distribute(api, us_staff, project, "200.00", D(2025, 3, 1))  # 50 + 10 / 140
    url = f"/api/v1/distributions/{first['id']}/reverse/"

    asked = post(api, us_staff, url, {"reason": "Never paid out"})
    assert approve(api, jp_staff, asked.json()["approval"]).status_code == 200

    position = recovery(api, us_staff, project)
    rows = {row["id"]: row for row in position["distributions"]}
    assert rows[first["id"]]["reversed"] and rows[first["id"]]["restated_japan"] == "0.00"
    second = next(r for r in position["distributions"] if r["date"] == "2025-03-01")
    assert (second["restated_japan"], second["restated_us"]) == ("100.00", "100.00")
    assert position["true_up"] == {"japan": "40.00", "us": "-40.00"}
    assert Distribution.objects.filter(reverses_id=first["id"]).get().japan == Decimal("-50.00")
    assert post(api, us_staff, url, {"reason": "twice"}).status_code == 409


# --- Four eyes ---------------------------------------------------------------------------


def test_a_large_transaction_is_pending_and_counts_nowhere_until_approved(
    api, us_staff, jp_staff, us_member, project, loan, settings
):
    settings.ACCORD_FOUR_EYES_USD = Decimal("500")
    distribute(api, us_staff, project, "10.00", D(2025, 1, 1))  # below: takes effect at once

    response = move(api, us_staff, loan, "disbursement", "500.00", D(2025, 1, 2))

    assert response.status_code == 202
    assert response.json()["status"] == "pending" and response.json()["amount"] == "500.00"
    exposure = api(us_staff).get("/api/v1/exposure/").json()
    assert exposure["totals"]["all"] == "0.00"
    assert recovery(api, us_staff, project)["japan_investment"]["net"] == "0.00"
    listed = api(us_staff).get("/api/v1/approvals/?status=pending").json()["results"]
    assert [
        {k: row[k] for k in ("id", "what", "proposal", "made_by", "status", "reason")}
        for row in listed
    ] == [
        {
            "id": response.json()["approval"],
            "what": "transaction",
            "proposal": project.reference,
            "made_by": us_staff.username,
            "status": "pending",
            "reason": "",
        }
    ]
    assert api(us_member).get("/api/v1/approvals/").status_code == 403
    assert approve(api, us_member, response.json()["approval"]).status_code == 404

    assert approve(api, jp_staff, response.json()["approval"]).status_code == 200
    assert recovery(api, us_staff, project)["japan_investment"]["net"] == "500.00"
    assert approve(api, jp_staff, response.json()["approval"]).status_code == 409


def test_a_rejected_entry_never_takes_effect(api, us_staff, jp_staff, project, loan, settings):
    settings.ACCORD_FOUR_EYES_USD = Decimal("1")
    pending = move(api, us_staff, loan, "disbursement", "5.00", D(2025, 1, 2)).json()

    rejected = post(
        api, jp_staff, f"/api/v1/approvals/{pending['approval']}/reject/", {"comment": "no"}
    )

    assert rejected.status_code == 200 and rejected.json()["status"] == "rejected"
    assert not Transaction.objects.exists()
    assert Approval.objects.get().status == "rejected"
    assert DecisionLogEntry.objects.order_by("-seq").first().event == "approval_rejected"


def test_the_restated_position_is_the_committees_not_the_sponsors(
    api, sponsor_softbank, us_observer, project
):
    url = f"/api/v1/proposals/{project.pk}/recovery/"

    assert api(sponsor_softbank).get(url).status_code == 403
    assert api(us_observer).get(url).status_code == 200
