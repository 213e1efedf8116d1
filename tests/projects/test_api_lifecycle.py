"""Every action × role × state through the API (docs/lifecycle.md).

The expectations below are written from the contract, not read from ``workflow.py``, so a
wrong row in the transition table fails here.
"""

from __future__ import annotations

import pytest

from core.models import DecisionLogEntry

STATES = [
    "draft",
    "submitted",
    "in_review",
    "voting",
    "approved",
    "rejected",
    "funding",
    "active",
    "closed",
    "withdrawn",
]

# action: (states it fires from, the role that fires it)
CONTRACT = {
    "submit": ({"draft"}, "sponsor"),
    "withdraw": ({"draft", "submitted", "in_review"}, "sponsor"),
    "return": ({"submitted"}, "staff"),
    "accept": ({"submitted"}, "staff"),
    "open_ballot": ({"in_review"}, "chair"),
    "close_ballot": ({"voting"}, "chair"),
    "start_funding": ({"approved"}, "staff"),
    "activate": ({"funding"}, "staff"),
    "close": ({"active"}, "staff"),
}
TARGET = {
    "submit": "submitted",
    "withdraw": "withdrawn",
    "return": "draft",
    "accept": "in_review",
    "open_ballot": "voting",
    "start_funding": "funding",
    "activate": "active",
    "close": "closed",
}

# persona: (role, what it sees)
PERSONAS = {
    "sponsor_softbank": ("sponsor", "all"),  # the lead sponsor
    "sponsor_ge": ("sponsor", "submitted+"),  # a co-sponsor
    "sponsor_westinghouse": ("sponsor", "none"),
    "us_staff": ("staff", "submitted+"),
    "jp_chair": ("chair", "in_review+"),
    "us_member": ("member", "in_review+"),
    "jp_observer": ("observer", "in_review+"),
    "outsider": (None, "none"),
}
REACHED_REVIEW = set(STATES) - {"draft", "submitted", "withdrawn"}


def sees(persona: str, state: str) -> bool:
    scope = PERSONAS[persona][1]
    return {
        "all": True,
        "none": False,
        "submitted+": state != "draft",
        "in_review+": state in REACHED_REVIEW,
    }[scope]


def expected(persona: str, action: str, state: str) -> int:
    sources, role = CONTRACT[action]
    if not sees(persona, state):
        return 404
    if PERSONAS[persona][0] != role or persona == "sponsor_ge":  # co-sponsors view only
        return 403
    if state not in sources:
        return 409
    return 200


ALLOWED = [
    pytest.param(persona, action, state, id=f"{action}-{state}-{persona}")
    for action in CONTRACT
    for state in STATES
    for persona in PERSONAS
    if expected(persona, action, state) == 200
]


@pytest.fixture
def everyone(request, sponsor_ge, sponsor_westinghouse, outsider, committee):
    return {persona: request.getfixturevalue(persona) for persona in PERSONAS}


@pytest.mark.parametrize("state", STATES)
def test_refused_actions_answer_404_403_or_409_and_change_nothing(
    api, make_proposal, everyone, state
):
    """Every refused (persona, action) pair on one proposal in ``state``: refusals change
    nothing, so one proposal serves them all."""
    proposal = make_proposal(state, co_sponsors=["GE Vernova"])
    before = DecisionLogEntry.objects.count()
    wrong = []
    for action in CONTRACT:
        body = {"comment": "Please add the permitting timeline."} if action == "return" else {}
        for persona, user in everyone.items():
            want = expected(persona, action, state)
            if want == 200:
                continue
            response = api(user).post(f"/api/v1/proposals/{proposal.pk}/{action}/", body)
            if response.status_code != want or "detail" not in response.json():
                wrong.append(f"{persona} {action}: {response.status_code}, want {want}")
    assert not wrong, "\n".join(wrong)
    proposal.refresh_from_db()
    assert proposal.status == state
    assert DecisionLogEntry.objects.count() == before


@pytest.mark.parametrize(("persona", "action", "state"), ALLOWED)
def test_allowed_action_moves_the_proposal_and_logs_it(
    api, make_proposal, everyone, persona, action, state
):
    proposal = make_proposal(state, co_sponsors=["GE Vernova"])
    before = DecisionLogEntry.objects.count()
    body = {"comment": "Please add the permitting timeline."} if action == "return" else {}

    response = api(everyone[persona]).post(f"/api/v1/proposals/{proposal.pk}/{action}/", body)

    assert response.status_code == 200, response.content
    proposal.refresh_from_db()
    if action == "close_ballot":
        assert proposal.status in {"approved", "rejected", "in_review"}
    else:
        assert proposal.status == TARGET[action]
    assert response.json()["status"] == proposal.status
    entries = list(DecisionLogEntry.objects.filter(seq__gt=before))
    assert len(entries) == 1
    assert entries[0].actor == everyone[persona].username
    assert entries[0].data["from"] == state and entries[0].data["to"] == proposal.status


def test_every_action_has_an_allowed_case_and_every_state_a_refusal():
    assert {case.values[1] for case in ALLOWED} == set(CONTRACT)
    assert len(ALLOWED) == sum(len(sources) for sources, _role in CONTRACT.values())


def test_anonymous_requests_are_refused(api, make_proposal):
    proposal = make_proposal("submitted")
    response = api().post(f"/api/v1/proposals/{proposal.pk}/accept/")
    assert response.status_code in (401, 403)
    assert api().get("/api/v1/proposals/").status_code in (401, 403)


def test_return_requires_a_comment(api, make_proposal, us_staff):
    proposal = make_proposal("submitted")
    response = api(us_staff).post(f"/api/v1/proposals/{proposal.pk}/return/", {"comment": "  "})
    assert response.status_code == 400
    assert "comment" in response.json()
    proposal.refresh_from_db()
    assert proposal.status == "submitted"


def test_submit_names_every_missing_field(api, sponsor_softbank):
    client = api(sponsor_softbank)
    draft = client.post("/api/v1/proposals/", {"title": ""}, format="json").json()
    response = client.post(f"/api/v1/proposals/{draft['id']}/submit/")
    assert response.status_code == 400
    body = response.json()
    assert {"title", "description", "sector", "amount_requested"} <= set(body)
    assert client.get(f"/api/v1/proposals/{draft['id']}/").json()["status"] == "draft"


def test_returned_draft_is_hidden_from_staff_again(api, make_proposal, us_staff, sponsor_ge):
    proposal = make_proposal("submitted", co_sponsors=["GE Vernova"])
    client = api(us_staff)
    assert (
        client.post(
            f"/api/v1/proposals/{proposal.pk}/return/", {"comment": "More detail"}
        ).status_code
        == 200
    )
    assert client.get(f"/api/v1/proposals/{proposal.pk}/").status_code == 404
    assert api(sponsor_ge).get(f"/api/v1/proposals/{proposal.pk}/").status_code == 404


def test_ballot_without_quorum_returns_the_proposal_to_review(api, make_proposal, us_chair):
    proposal = make_proposal("voting")
    response = api(us_chair).post(f"/api/v1/proposals/{proposal.pk}/close_ballot/")
    assert response.status_code == 200
    assert response.json()["status"] == "in_review"
    ballot = api(us_chair).get(f"/api/v1/proposals/{proposal.pk}/ballot/").json()
    assert ballot["outcome"] == "no_quorum"


def test_decided_at_is_stamped_when_the_ballot_decides(api, make_proposal, us_chair):
    proposal = make_proposal("approved")
    body = api(us_chair).get(f"/api/v1/proposals/{proposal.pk}/").json()
    assert body["decided_at"] is not None
    assert body["submitted_at"] is not None
