"""Conditions of approval (docs/lifecycle.md) and the recorded decision, through the API."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from committee.models import Condition
from committee.services import condition_add
from committee.tasks import mark_overdue_conditions
from core.models import DecisionLogEntry
from tests.notifications.conftest import _tasks_in_process  # noqa: F401 - autouse fixture


def in_days(days: int) -> str:
    return (timezone.localdate() + dt.timedelta(days=days)).isoformat()


def add(api, user, proposal, text="A signed offtake agreement.", due=None):
    return api(user).post(
        f"/api/v1/proposals/{proposal.pk}/conditions/", {"text": text, "due": due or in_days(30)}
    )


def satisfy(api, user, condition_id, evidence="Signed on 2026-03-01; copy on file."):
    return api(user).post(f"/api/v1/conditions/{condition_id}/satisfy/", {"evidence": evidence})


def events(name):
    return list(DecisionLogEntry.objects.filter(event=name).values_list("data", flat=True))


@pytest.mark.parametrize("who", ["us_chair", "jp_chair", "us_staff", "jp_staff"])
def test_chairs_and_staff_add_conditions_to_an_approved_proposal(
    api, make_proposal, committee, who
):
    proposal = make_proposal("approved")
    response = add(api, committee[who], proposal)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "open" and body["due"] == in_days(30)
    assert events("condition_added") == [
        {"condition": body["id"], "text": "A signed offtake agreement.", "due": in_days(30)}
    ]


@pytest.mark.parametrize("who", ["us_member", "jp_member", "us_observer"])
def test_members_and_observers_may_not_add_conditions(api, make_proposal, committee, who):
    proposal = make_proposal("approved")
    assert add(api, committee[who], proposal).status_code == 403
    assert not Condition.objects.exists()


def test_a_sponsor_may_not_add_conditions_but_reads_them(
    api, make_proposal, committee, sponsor_softbank
):
    proposal = make_proposal("approved")
    assert add(api, sponsor_softbank, proposal).status_code == 403
    add(api, committee["us_staff"], proposal)
    listed = api(sponsor_softbank).get(f"/api/v1/proposals/{proposal.pk}/conditions/").json()
    assert [c["status"] for c in listed] == ["open"]
    assert {"id", "text", "due", "status"} <= set(listed[0])


def test_another_sponsor_does_not_learn_the_proposal_exists(
    api, make_proposal, committee, sponsor_westinghouse
):
    proposal = make_proposal("approved")
    condition = add(api, committee["us_staff"], proposal).json()
    url = f"/api/v1/proposals/{proposal.pk}/conditions/"
    assert api(sponsor_westinghouse).get(url).status_code == 404
    assert satisfy(api, sponsor_westinghouse, condition["id"]).status_code == 404


@pytest.mark.parametrize("status", ["in_review", "voting", "rejected"])
def test_conditions_are_not_set_before_approval(api, make_proposal, committee, status):
    proposal = make_proposal(status)
    assert add(api, committee["us_chair"], proposal).status_code == 409


def test_conditions_may_be_set_while_funding(api, make_proposal, committee):
    proposal = make_proposal("funding")
    assert add(api, committee["jp_staff"], proposal).status_code == 201


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"text": "", "due": "2099-01-01"}, "text"),
        ({"text": "Permit", "due": "not a date"}, "due"),
        ({"text": "Permit", "due": "2001-01-01"}, "due"),
        ({"text": "Permit"}, "due"),
    ],
)
def test_a_bad_condition_is_refused_per_field(api, make_proposal, committee, body, field):
    proposal = make_proposal("approved")
    response = api(committee["us_staff"]).post(f"/api/v1/proposals/{proposal.pk}/conditions/", body)
    assert response.status_code == 400
    assert field in response.json()
    assert not Condition.objects.exists()


def test_staff_satisfy_a_condition_with_evidence(api, make_proposal, committee):
    proposal = make_proposal("approved")
    condition = add(api, committee["us_chair"], proposal).json()
    response = satisfy(api, committee["jp_staff"], condition["id"])
    assert response.status_code == 200
    assert response.json()["status"] == "satisfied"
    assert events("condition_satisfied") == [
        {
            "condition": condition["id"],
            "evidence": "Signed on 2026-03-01; copy on file.",
            "was": "open",
        }
    ]
    assert satisfy(api, committee["us_staff"], condition["id"]).status_code == 409


@pytest.mark.parametrize("who", ["us_chair", "jp_member", "us_observer", "sponsor"])
def test_only_staff_satisfy_conditions(api, make_proposal, committee, sponsor_softbank, who):
    proposal = make_proposal("approved")
    condition = add(api, committee["us_staff"], proposal).json()
    user = sponsor_softbank if who == "sponsor" else committee[who]
    assert satisfy(api, user, condition["id"]).status_code == 403
    assert Condition.objects.get().status == "open"


def test_evidence_is_required(api, make_proposal, committee):
    proposal = make_proposal("approved")
    condition = add(api, committee["us_staff"], proposal).json()
    response = satisfy(api, committee["us_staff"], condition["id"], evidence="  ")
    assert response.status_code == 400 and "evidence" in response.json()
    assert satisfy(api, committee["us_staff"], 999999).status_code == 404


def test_funding_waits_for_every_condition(api, make_proposal, committee):
    proposal = make_proposal("approved")
    first = add(api, committee["us_chair"], proposal, text="Signed offtake agreement").json()
    add(api, committee["us_staff"], proposal, text="NRC construction permit")
    start = f"/api/v1/proposals/{proposal.pk}/start_funding/"

    refused = api(committee["us_staff"]).post(start)
    assert refused.status_code == 409
    assert "Signed offtake agreement" in refused.json()["detail"]
    assert "NRC construction permit" in refused.json()["detail"]

    satisfy(api, committee["us_staff"], first["id"])
    refused = api(committee["us_staff"]).post(start)
    assert refused.status_code == 409
    assert "NRC construction permit" in refused.json()["detail"]
    assert "Signed offtake agreement" not in refused.json()["detail"]

    for condition in Condition.objects.exclude(status="satisfied"):
        satisfy(api, committee["jp_staff"], condition.pk)
    assert api(committee["us_staff"]).post(start).json()["status"] == "funding"


def test_the_daily_job_marks_past_due_conditions_overdue_once(
    api, make_proposal, committee, django_capture_on_commit_callbacks
):
    proposal = make_proposal("approved")
    late = add(api, committee["us_staff"], proposal, text="Permit", due=in_days(1)).json()
    later = add(api, committee["us_staff"], proposal, text="Guarantee", due=in_days(5)).json()
    with time_machine.travel(timezone.now() + dt.timedelta(days=3)):
        with django_capture_on_commit_callbacks(execute=True):
            assert mark_overdue_conditions.delay().get() == [late["id"]]
        with django_capture_on_commit_callbacks(execute=True):
            assert mark_overdue_conditions.delay().get() == []
    statuses = dict(Condition.objects.values_list("pk", "status"))
    assert statuses == {late["id"]: "overdue", later["id"]: "open"}
    assert events("condition_overdue") == [{"condition": late["id"], "due": in_days(1)}]
    assert DecisionLogEntry.objects.get(event="condition_overdue").actor == "system"


def test_an_overdue_condition_still_holds_funding_until_satisfied(api, make_proposal, committee):
    proposal = make_proposal("approved")
    condition = add(api, committee["us_staff"], proposal, due=in_days(0)).json()
    with time_machine.travel(timezone.now() + dt.timedelta(days=2)):
        mark_overdue_conditions.delay()
        listed = api(committee["us_chair"]).get(f"/api/v1/proposals/{proposal.pk}/conditions/")
        assert listed.json()[0]["status"] == "overdue"
        start = f"/api/v1/proposals/{proposal.pk}/start_funding/"
        assert api(committee["us_staff"]).post(start).status_code == 409
        response = satisfy(api, committee["us_staff"], condition["id"])
        assert response.json()["status"] == "satisfied"
        assert events("condition_satisfied")[0]["was"] == "overdue"
        assert api(committee["us_staff"]).post(start).status_code == 200


def test_make_proposal_funding_needs_no_conditions(make_proposal):
    assert make_proposal("funding").status == "funding"


def test_the_conditions_list_is_one_query_however_long(
    api, make_proposal, committee, django_assert_max_num_queries
):
    proposal = make_proposal("approved")
    for n in range(5):
        condition_add(
            user=committee["us_staff"], proposal_id=proposal.pk, text=f"c{n}", due=in_days(n)
        )
    client = api(committee["us_chair"])
    with django_assert_max_num_queries(8):
        assert len(client.get(f"/api/v1/proposals/{proposal.pk}/conditions/").json()) == 5


# --- The decision -------------------------------------------------------------------------


def decide(api, user, proposal, text="Approved on the JBIC terms; funding after the permit."):
    return api(user).post(f"/api/v1/proposals/{proposal.pk}/decision/", {"text": text})


def test_a_chair_records_the_decision_once_the_ballot_has_closed(
    api, make_proposal, committee, sponsor_softbank
):
    proposal = make_proposal("approved")
    response = decide(api, committee["jp_chair"], proposal)
    assert response.status_code == 201
    assert response.json()["text"].startswith("Approved on the JBIC terms")
    assert response.json()["outcome"] == "approved"
    shown = api(sponsor_softbank).get(f"/api/v1/proposals/{proposal.pk}/decision/").json()
    assert shown["text"] == response.json()["text"] and shown["recorded_by"] == "sato"
    assert events("decision_recorded")[0]["outcome"] == "approved"
    assert decide(api, committee["us_chair"], proposal).status_code == 409


def test_only_a_chair_records_a_decision_and_only_after_the_ballot(api, make_proposal, committee):
    approved = make_proposal("approved")
    for who in ("us_staff", "us_member", "us_observer"):
        assert decide(api, committee[who], approved).status_code == 403
    assert decide(api, committee["us_chair"], make_proposal("voting")).status_code == 409
    assert decide(api, committee["us_chair"], approved, text=" ").status_code == 400
    url = f"/api/v1/proposals/{make_proposal('in_review').pk}/decision/"
    assert api(committee["us_chair"]).get(url).status_code == 404


def test_the_decision_and_conditions_show_on_the_proposal_page(
    client, make_proposal, committee, sponsor_softbank
):
    proposal = make_proposal("approved")
    condition_add(
        user=committee["us_staff"], proposal_id=proposal.pk, text="NEXI guarantee", due=in_days(3)
    )
    client.force_login(committee["us_chair"])
    page = client.get(f"/proposals/{proposal.pk}/").content.decode()
    assert "NEXI guarantee" in page and f'action="/proposals/{proposal.pk}/decision/"' in page
    response = client.post(f"/proposals/{proposal.pk}/decision/", {"text": "Approved as filed."})
    assert response.status_code == 302
    client.force_login(sponsor_softbank)
    page = client.get(f"/proposals/{proposal.pk}/").content.decode()
    assert page.index("Approved as filed.") < page.index("Description")
    assert "NEXI guarantee" in page and "Mark satisfied" not in page


def test_staff_and_chairs_see_conditions_due_soon_on_my_work(client, make_proposal, committee):
    proposal = make_proposal("approved")
    condition_add(user=committee["us_staff"], proposal_id=proposal.pk, text="Soon", due=in_days(3))
    condition_add(
        user=committee["us_staff"], proposal_id=proposal.pk, text="Later", due=in_days(60)
    )
    for who in ("jp_staff", "us_chair"):
        client.force_login(committee[who])
        page = client.get("/").content.decode()
        assert "work-conditions_due" in page and "Soon" in page and "Later" not in page
    client.force_login(committee["us_member"])
    assert "work-conditions_due" not in client.get("/").content.decode()


def test_the_web_forms_add_and_satisfy_and_show_errors(client, make_proposal, committee):
    proposal = make_proposal("approved")
    client.force_login(committee["us_staff"])
    bad = client.post(f"/proposals/{proposal.pk}/conditions/", {"text": "Permit", "due": ""})
    assert bad.status_code == 400 and not Condition.objects.exists()
    ok = client.post(f"/proposals/{proposal.pk}/conditions/", {"text": "Permit", "due": in_days(4)})
    assert ok.status_code == 302
    condition = Condition.objects.get()
    url = f"/proposals/{proposal.pk}/conditions/{condition.pk}/satisfy/"
    assert client.post(url, {"evidence": ""}).status_code == 400
    assert client.post(url, {"evidence": "Permit issued."}).status_code == 302
    condition.refresh_from_db()
    assert condition.status == "satisfied"
