"""Correcting and withdrawing conditions of approval: chairs and staff, with a reason, logged,
never once satisfied; a withdrawn condition no longer holds funding back."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from committee.models import Condition
from committee.services import condition_add
from committee.tasks import mark_overdue_conditions
from core.models import DecisionLogEntry


def in_days(days: int) -> str:
    return (timezone.localdate() + dt.timedelta(days=days)).isoformat()


@pytest.fixture
def condition(make_proposal, committee):
    proposal = make_proposal("approved")
    return condition_add(
        user=committee["us_staff"], proposal_id=proposal.pk, text="NRC permitt", due=in_days(10)
    )


def edit(api, user, condition_id, **body):
    return api(user).patch(f"/api/v1/conditions/{condition_id}/", body)


def withdraw(api, user, condition_id, reason="Entered twice by mistake."):
    return api(user).post(f"/api/v1/conditions/{condition_id}/withdraw/", {"reason": reason})


def logged(event):
    return list(DecisionLogEntry.objects.filter(event=event).values_list("data", flat=True))


@pytest.mark.parametrize("who", ["us_chair", "jp_staff"])
def test_a_chair_or_staff_corrects_a_condition_with_a_reason_that_is_logged(
    api, committee, condition, who
):
    response = edit(
        api, committee[who], condition.pk, text="NRC permit", due=in_days(20), reason="Typo"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["text"] == "NRC permit" and response.json()["due"] == in_days(20)
    assert logged("condition_edited") == [
        {
            "condition": condition.pk,
            "text": "NRC permit",
            "due": in_days(20),
            "was": {"text": "NRC permitt", "due": in_days(10)},
            "reason": "Typo",
        }
    ]


def test_a_correction_needs_a_reason_and_a_change(api, committee, condition):
    staff = committee["us_staff"]
    assert "reason" in edit(api, staff, condition.pk, text="NRC permit").json()
    blank = edit(api, staff, condition.pk, text="NRC permit", reason="  ")
    assert blank.status_code == 400 and "reason" in blank.json()
    same = edit(api, staff, condition.pk, text="NRC permitt", reason="Typo")
    assert same.status_code == 400
    past = edit(api, staff, condition.pk, due="2001-01-01", reason="Typo")
    assert past.status_code == 400 and "due" in past.json()
    us_style = edit(api, staff, condition.pk, due="12/31/2099", reason="Typo")
    assert us_style.status_code == 400 and "due" in us_style.json()
    assert not logged("condition_edited")
    assert Condition.objects.get().text == "NRC permitt"


@pytest.mark.parametrize("who", ["us_member", "jp_observer"])
def test_members_and_observers_neither_correct_nor_withdraw(api, committee, condition, who):
    assert edit(api, committee[who], condition.pk, text="x", reason="y").status_code == 403
    assert withdraw(api, committee[who], condition.pk).status_code == 403
    assert Condition.objects.get().status == "open"


def test_a_sponsor_reads_but_does_not_change_and_others_do_not_see(
    api, committee, condition, sponsor_softbank, sponsor_westinghouse
):
    assert api(sponsor_softbank).get(f"/api/v1/conditions/{condition.pk}/").status_code == 200
    assert withdraw(api, sponsor_softbank, condition.pk).status_code == 403
    assert api(sponsor_westinghouse).get(f"/api/v1/conditions/{condition.pk}/").status_code == 404
    assert withdraw(api, sponsor_westinghouse, condition.pk).status_code == 404
    assert withdraw(api, committee["us_chair"], 999999).status_code == 404


def test_withdrawing_is_logged_and_lets_funding_start(api, committee, condition):
    start = f"/api/v1/proposals/{condition.proposal_id}/start_funding/"
    assert api(committee["us_staff"]).post(start).status_code == 409
    response = withdraw(api, committee["jp_chair"], condition.pk)
    assert response.status_code == 200
    assert response.json()["status"] == "withdrawn"
    assert response.json()["withdrawn_reason"] == "Entered twice by mistake."
    assert logged("condition_withdrawn") == [
        {
            "condition": condition.pk,
            "text": "NRC permitt",
            "was": "open",
            "reason": "Entered twice by mistake.",
        }
    ]
    assert api(committee["us_staff"]).post(start).json()["status"] == "funding"


def test_a_withdrawal_needs_a_reason(api, committee, condition):
    response = withdraw(api, committee["us_staff"], condition.pk, reason="")
    assert response.status_code == 400 and "reason" in response.json()
    assert Condition.objects.get().status == "open"


def test_once_satisfied_or_withdrawn_a_condition_no_longer_changes(api, committee, condition):
    staff = committee["us_staff"]
    url = f"/api/v1/conditions/{condition.pk}/satisfy/"
    assert api(staff).post(url, {"evidence": "Permit issued."}).status_code == 200
    assert edit(api, staff, condition.pk, text="Other", reason="Typo").status_code == 409
    assert withdraw(api, staff, condition.pk).status_code == 409
    assert Condition.objects.get().status == "satisfied"

    other = condition_add(
        user=staff, proposal_id=condition.proposal_id, text="Guarantee", due=in_days(3)
    )
    assert withdraw(api, staff, other.pk).status_code == 200
    assert withdraw(api, staff, other.pk).status_code == 409
    assert edit(api, staff, other.pk, text="Other", reason="Typo").status_code == 409
    assert (
        api(staff).post(f"/api/v1/conditions/{other.pk}/satisfy/", {"evidence": "x"}).status_code
        == 409
    )


def test_a_new_due_date_takes_an_overdue_condition_back_to_open(api, committee, condition):
    with time_machine.travel(timezone.now() + dt.timedelta(days=12)):
        mark_overdue_conditions()  # in this process, on either CI run
        assert Condition.objects.get().status == "overdue"
        response = edit(api, committee["us_chair"], condition.pk, due=in_days(30), reason="Agreed")
        assert response.json()["status"] == "open"
        mark_overdue_conditions()  # in this process, on either CI run
        assert Condition.objects.get().status == "open"


def test_the_proposal_page_corrects_and_withdraws(client, committee, condition, sponsor_softbank):
    page = f"/proposals/{condition.proposal_id}/"
    base = f"{page}conditions/{condition.pk}"
    client.force_login(sponsor_softbank)
    assert "Withdraw this condition" not in client.get(page).content.decode()

    client.force_login(committee["us_chair"])
    html = client.get(page).content.decode()
    assert f'action="{base}/edit/"' in html and f'action="{base}/withdraw/"' in html

    bad = client.post(f"{base}/edit/", {"text": "NRC permit", "due": "31/12/2099", "reason": "x"})
    assert bad.status_code == 400
    assert "YYYY-MM-DD" in bad.content.decode() and "31/12/2099" in bad.content.decode()

    ok = client.post(f"{base}/edit/", {"text": "NRC permit", "due": in_days(11), "reason": "Typo"})
    assert ok.status_code == 302
    assert client.post(f"{base}/withdraw/", {"reason": ""}).status_code == 400
    assert client.post(f"{base}/withdraw/", {"reason": "Not needed"}).status_code == 302
    html = client.get(page).content.decode()
    assert "Not needed" in html and f'action="{base}/withdraw/"' not in html
    assert Condition.objects.get().status == "withdrawn"


def test_the_refusal_to_start_funding_lists_the_conditions_in_the_readers_language(
    api, committee, condition
):
    start = f"/api/v1/proposals/{condition.proposal_id}/start_funding/"
    refused = api(committee["us_staff"]).post(start, HTTP_ACCEPT_LANGUAGE="ja")
    assert refused.status_code == 409
    assert f"「NRC permitt」（期限 {in_days(10)}）" in refused.json()["detail"]
