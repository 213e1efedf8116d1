"""Corrections through the pages: the rate form in yen per dollar with its confirm box, the
reverse buttons and their confirmation, approvals on the proposal page and on My work, and
the true-up flags on the proposal page and /exposure/.

Reversing, settling a true-up, approving and rejecting cannot be undone: the button's post
without ``confirmed`` (what a browser without script sends; with script the shared dialog
asks first) shows a confirmation page and changes nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.models import DecisionLogEntry
from financing import corrections, services
from financing.models import Approval, Distribution, FxRate, Transaction

D = dt.date
CONFIRMED = {"confirmed": "1"}


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
        f"/proposals/{proposal.pk}/transactions/{first.pk}/reverse/",
        {"reason": "Wrong loan", "confirmed": "1"},
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
    assert checker.post(f"/approvals/{approval.pk}/approve/", CONFIRMED).status_code == 302
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
    settle = client.post(f"/proposals/{proposal.pk}/true-ups/", {"reason": "Q1", **CONFIRMED})
    assert settle.status_code == 302
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


# --- Confirmation first ------------------------------------------------------------------


def log_size() -> int:
    return DecisionLogEntry.objects.count()


def reversal_url(proposal, kind: str) -> str:
    row = (Transaction if kind == "transaction" else Distribution).objects.order_by("pk").first()
    return f"/proposals/{proposal.pk}/{kind}s/{row.pk}/reverse/"


@pytest.mark.parametrize(
    ("kind", "title", "consequence"),
    [
        (
            "transaction",
            "Reverse this transaction?",
            "This records a reversing entry of −100.00 USD (",
        ),
        (
            "distribution",
            "Reverse this distribution?",
            "This records a reversing distribution of −300.00 USD dated 2025-03-01",
        ),
    ],
)
def test_an_unconfirmed_reversal_asks_with_its_reason_and_changes_nothing(
    browser_of, us_staff, make_proposal, kind, title, consequence
):
    proposal = owing_project(make_proposal, us_staff)
    client, url, before = browser_of(us_staff), reversal_url(proposal, kind), log_size()

    response = client.post(url, {"reason": "Wrong loan"})

    assert response.status_code == 200
    html = response.content.decode()
    assert f'<h1 id="confirm-title">{title}</h1>' in html
    assert consequence in html and "once another staff user approves it." in html
    assert f'action="{url}"' in html and 'name="confirmed" value="1"' in html
    # The reason typed comes along, still editable, and cannot be left out.
    assert 'name="reason" rows="2" required>Wrong loan</textarea>' in html
    assert f'href="/proposals/{proposal.pk}/#financing"' in html  # Cancel goes back
    assert not Approval.objects.exists() and log_size() == before


@pytest.mark.parametrize("kind", ["transaction", "distribution"])
def test_a_confirmed_reversal_is_asked_for(browser_of, us_staff, make_proposal, kind):
    proposal = owing_project(make_proposal, us_staff)
    client, url, before = browser_of(us_staff), reversal_url(proposal, kind), log_size()

    response = client.post(url, {"reason": "Wrong loan", **CONFIRMED})

    assert response.status_code == 302
    assert response["Location"] == f"/proposals/{proposal.pk}/#approvals"
    approval = Approval.objects.get()
    assert approval.reason == "Wrong loan" and approval.status == "pending"
    assert log_size() == before + 1


def test_a_confirmed_reversal_without_a_reason_is_refused(browser_of, us_staff, make_proposal):
    proposal = owing_project(make_proposal, us_staff)
    client = browser_of(us_staff)

    response = client.post(reversal_url(proposal, "transaction"), CONFIRMED, follow=True)

    assert "Say why: the reason is kept in the decision log." in response.content.decode()
    assert not Approval.objects.exists()


def test_an_unconfirmed_true_up_asks_and_changes_nothing(browser_of, us_staff, make_proposal):
    proposal = owing_project(make_proposal, us_staff)
    client, before = browser_of(us_staff), log_size()

    response = client.post(f"/proposals/{proposal.pk}/true-ups/")

    assert response.status_code == 200
    html = response.content.decode()
    assert f"Settle the true-up of {proposal.reference}?" in html
    assert "This records a settlement of 40.00 USD to Japan and the opposite to the US" in html
    assert 'name="reason" rows="2"></textarea>' in html  # optional here
    assert not Approval.objects.exists() and log_size() == before


def test_a_true_up_with_nothing_owed_is_refused_without_asking(browser_of, us_staff, make_proposal):
    proposal = make_proposal("active")

    response = browser_of(us_staff).post(f"/proposals/{proposal.pk}/true-ups/", follow=True)

    assert "Nothing is owed" in response.content.decode()
    assert not Approval.objects.exists()


@pytest.mark.parametrize(
    ("decision", "consequence", "status"),
    [
        ("approve", "The entry is recorded now and counts from then on", "approved"),
        ("reject", "The request is closed for good", "rejected"),
    ],
)
def test_deciding_an_entry_asks_first_and_the_confirmed_post_decides(
    browser_of, us_staff, jp_staff, make_proposal, decision, consequence, status
):
    proposal = owing_project(make_proposal, us_staff)
    approval = corrections.true_up_request(user=us_staff, proposal_id=proposal.pk)
    checker, url, before = browser_of(jp_staff), f"/approvals/{approval.pk}/{decision}/", log_size()

    asked = checker.post(url)

    assert asked.status_code == 200
    html = asked.content.decode()
    assert consequence in html and "True-up: 40.00 USD to Japan" in html
    assert f'action="{url}"' in html and 'name="confirmed" value="1"' in html
    approval.refresh_from_db()
    assert approval.status == "pending" and log_size() == before

    assert checker.post(url, CONFIRMED).status_code == 302
    approval.refresh_from_db()
    assert approval.status == status and log_size() > before


def test_the_confirmation_page_speaks_japanese(browser_of, us_staff, make_proposal):
    proposal = owing_project(make_proposal, us_staff)
    client = browser_of(us_staff)
    client.cookies["django_language"] = "ja"

    html = client.post(
        reversal_url(proposal, "transaction"), {"reason": "x"}, HTTP_ACCEPT_LANGUAGE="ja"
    ).content.decode()

    assert "この取引の取消を申請しますか？" in html
    assert "別の事務局スタッフが承認すると、この記帳を打ち消す −100.00 USD" in html
    assert "確定：取り消す" in html


def test_the_panel_marks_the_correction_buttons_for_the_shared_dialog(
    browser_of, us_staff, jp_staff, make_proposal
):
    proposal = owing_project(make_proposal, us_staff)
    corrections.true_up_request(user=us_staff, proposal_id=proposal.pk)

    html = browser_of(jp_staff).get(f"/proposals/{proposal.pk}/").content.decode()

    assert "confirm-disclosure" not in html  # no pop-over of its own
    # Two transactions and a distribution to reverse (a reason required), and the true-up.
    assert html.count('data-confirm-field="reason"') == 4
    assert html.count("data-confirm-field-required=") == 3
    assert 'data-confirm="This records a reversing entry of −100.00 USD (' in html
    assert 'data-confirm-title="Reverse this distribution?"' in html
    assert 'data-confirm-button="Confirm: Approve"' in html
    assert 'data-confirm-button="Confirm: Reject"' in html


def test_a_stale_session_is_asked_who_it_is_only_once_the_decision_is_confirmed(
    browser_of, us_staff, jp_staff, make_proposal
):
    proposal = owing_project(make_proposal, us_staff)
    approval = corrections.true_up_request(user=us_staff, proposal_id=proposal.pk)
    checker = browser_of(jp_staff)
    url = f"/approvals/{approval.pk}/approve/"

    with time_machine.travel(timezone.now() + dt.timedelta(seconds=901)):
        asked = checker.post(url)
        confirmed = checker.post(url, CONFIRMED)

    assert asked.status_code == 200  # the question first, whoever is at the keyboard
    assert confirmed.status_code == 302
    assert confirmed["Location"].startswith("/accounts/reauthenticate/")
    approval.refresh_from_db()
    assert approval.status == "pending"
