"""Ballots and votes through the API (docs/voting.md)."""

from __future__ import annotations

import time_machine

from committee.models import Vote
from committee.tasks import close_due_ballots
from core.models import DecisionLogEntry
from tests.conftest import in_days

FOUR_SCORES = {"strategic_fit": 4, "financial_viability": 4, "risk": 3, "execution": 5}


def vote(api, user, proposal, choice="for", rationale=""):
    return api(user).post(
        f"/api/v1/proposals/{proposal.pk}/vote/", {"choice": choice, "rationale": rationale}
    )


def test_choices_stay_secret_until_the_ballot_closes(api, make_proposal, committee):
    proposal = make_proposal("voting")
    assert vote(api, committee["us_member"], proposal, "against").status_code == 200
    ballot = api(committee["jp_member"]).get(f"/api/v1/proposals/{proposal.pk}/ballot/").json()
    assert ballot["status"] == "open"
    assert ballot["tally"] is None and ballot["outcome"] is None
    assert ballot["eligible"] == {"US": 3, "JP": 3}
    assert ballot["cast"] == {"US": 1, "JP": 0}
    entry = DecisionLogEntry.objects.filter(event="vote_cast").get()
    assert "choice" not in entry.data


def test_a_voter_changes_a_vote_and_both_are_logged(api, make_proposal, committee):
    proposal = make_proposal("voting")
    vote(api, committee["us_member"], proposal, "against")
    response = vote(api, committee["us_member"], proposal, "for", "Persuaded by the JBIC terms.")
    assert response.status_code == 200
    assert Vote.objects.get(voter=committee["us_member"]).choice == "for"
    events = list(
        DecisionLogEntry.objects.filter(event__startswith="vote_").values_list("event", flat=True)
    )
    assert events == ["vote_cast", "vote_changed"]


def test_dual_majority_approves_when_both_delegations_carry(api, make_proposal, committee):
    proposal = make_proposal("voting")
    for name, choice in [
        ("us_chair", "for"),
        ("us_member", "for"),
        ("us_member_2", "against"),
        ("jp_chair", "for"),
        ("jp_member", "abstain"),
    ]:
        assert vote(api, committee[name], proposal, choice).status_code == 200
    response = api(committee["jp_chair"]).post(f"/api/v1/proposals/{proposal.pk}/close_ballot/")
    assert response.json()["status"] == "approved"
    ballot = api(committee["us_observer"]).get(f"/api/v1/proposals/{proposal.pk}/ballot/").json()
    assert ballot["outcome"] == "approved"
    assert ballot["tally"] == {
        "US": {"for": 2, "against": 1, "abstain": 0},
        "JP": {"for": 1, "against": 0, "abstain": 1},
    }


def test_dual_majority_rejects_when_one_delegation_does_not_carry(api, make_proposal, committee):
    proposal = make_proposal("voting")
    for name, choice in [
        ("us_chair", "for"),
        ("us_member", "for"),
        ("jp_chair", "for"),
        ("jp_member", "against"),
        ("jp_member_2", "against"),
    ]:
        vote(api, committee[name], proposal, choice)
    response = api(committee["us_chair"]).post(f"/api/v1/proposals/{proposal.pk}/close_ballot/")
    assert response.json()["status"] == "rejected"


def test_a_delegation_short_of_quorum_sends_it_back_to_review(api, make_proposal, committee):
    proposal = make_proposal("voting")
    for name in ("us_chair", "us_member", "jp_chair"):  # JP: 1 of 3 cast, quorum is 2
        vote(api, committee[name], proposal, "for")
    response = api(committee["us_chair"]).post(f"/api/v1/proposals/{proposal.pk}/close_ballot/")
    assert response.json()["status"] == "in_review"


def test_the_sponsor_sees_only_status_and_outcome(api, make_proposal, sponsor_softbank):
    proposal = make_proposal("approved")
    ballot = api(sponsor_softbank).get(f"/api/v1/proposals/{proposal.pk}/ballot/").json()
    assert ballot == {"status": "closed", "outcome": "approved"}


def test_staff_and_observers_never_vote(api, make_proposal, committee):
    proposal = make_proposal("voting")
    assert vote(api, committee["us_staff"], proposal).status_code == 403
    assert vote(api, committee["jp_observer"], proposal).status_code == 403


def test_no_open_ballot_is_a_conflict(api, make_proposal, committee):
    proposal = make_proposal("in_review")
    assert vote(api, committee["us_member"], proposal).status_code == 409
    approved = make_proposal("approved")
    assert vote(api, committee["us_member"], approved).status_code == 409


def test_a_member_who_joins_after_the_ballot_opened_is_not_eligible(api, make_proposal):
    from tests.conftest import make_user

    proposal = make_proposal("voting")
    newcomer = make_user("late", "member", "US")
    assert vote(api, newcomer, proposal).status_code == 403


def test_recusal_voids_the_vote_and_the_right_to_vote(api, make_proposal, committee):
    proposal = make_proposal("voting")
    member = committee["jp_member"]
    vote(api, member, proposal, "against")
    response = api(member).post(
        f"/api/v1/proposals/{proposal.pk}/conflicts/", {"reason": "My former employer."}
    )
    assert response.status_code == 201
    assert Vote.objects.get(voter=member).voided
    assert vote(api, member, proposal).status_code == 403
    ballot = api(committee["us_chair"]).get(f"/api/v1/proposals/{proposal.pk}/ballot/").json()
    assert ballot["eligible"]["JP"] == 2 and ballot["cast"]["JP"] == 0
    events = set(DecisionLogEntry.objects.values_list("event", flat=True))
    assert {"vote_voided", "conflict_declared"} <= events
    again = api(member).post(f"/api/v1/proposals/{proposal.pk}/conflicts/", {"reason": "again"})
    assert again.status_code == 409


def test_a_recused_member_is_left_out_of_the_next_ballot(api, make_proposal, committee):
    proposal = make_proposal("in_review")
    api(committee["us_member"]).post(f"/api/v1/proposals/{proposal.pk}/conflicts/", {"reason": "x"})
    api(committee["us_chair"]).post(f"/api/v1/proposals/{proposal.pk}/open_ballot/")
    ballot = api(committee["us_chair"]).get(f"/api/v1/proposals/{proposal.pk}/ballot/").json()
    assert ballot["eligible"] == {"US": 2, "JP": 3}
    assert vote(api, committee["us_member"], proposal).status_code == 403


def test_the_scheduled_job_closes_a_ballot_once_its_deadline_passes(api, make_proposal, committee):
    proposal = make_proposal("in_review")
    closes_at = in_days(2)
    response = api(committee["us_chair"]).post(
        f"/api/v1/proposals/{proposal.pk}/open_ballot/", {"closes_at": closes_at.isoformat()}
    )
    assert response.status_code == 200
    for name in ("us_chair", "us_member", "jp_chair", "jp_member"):
        vote(api, committee[name], proposal, "for")
    assert close_due_ballots.apply().get() == []  # not yet due
    with time_machine.travel(in_days(3)):
        assert vote(api, committee["us_member_2"], proposal).status_code == 409  # deadline passed
        assert close_due_ballots.apply().get() == [proposal.reference]
        assert close_due_ballots.apply().get() == []  # running twice changes nothing
    proposal.refresh_from_db()
    assert proposal.status == "approved"
    closing = DecisionLogEntry.objects.get(event="ballot_closed")
    assert closing.actor == "system"


def test_open_ballot_refuses_a_deadline_in_the_past(api, make_proposal, us_chair):
    proposal = make_proposal("in_review")
    response = api(us_chair).post(
        f"/api/v1/proposals/{proposal.pk}/open_ballot/", {"closes_at": "2001-01-01T00:00:00Z"}
    )
    assert response.status_code == 400
    assert "closes_at" in response.json()


def test_reviews_replace_and_respect_delegation_privacy(api, make_proposal, committee):
    proposal = make_proposal("in_review")
    url = f"/api/v1/proposals/{proposal.pk}/reviews/"
    body = {
        "scores": FOUR_SCORES,
        "recommendation": "approve",
        "comments": "Good",
        "visibility": "delegation",
    }
    assert api(committee["us_member"]).post(url, body).status_code == 201
    body["recommendation"] = "reject"
    assert api(committee["us_member"]).post(url, body).status_code == 201
    us_view = api(committee["us_chair"]).get(url).json()
    assert len(us_view) == 1 and us_view[0]["recommendation"] == "reject"
    assert set(us_view[0]) >= {"id", "author", "delegation", "visibility", "created_at", "scores"}
    assert api(committee["jp_member"]).get(url).json() == []
    assert api(committee["us_staff"]).get(url).status_code == 200
    assert api(committee["jp_observer"]).get(url).json() == []


def test_notes_private_to_a_delegation(api, make_proposal, committee, sponsor_softbank):
    proposal = make_proposal("in_review")
    url = f"/api/v1/proposals/{proposal.pk}/notes/"
    api(committee["jp_member"]).post(
        url, {"text": "JBIC wants a longer tenor.", "visibility": "delegation"}
    )
    api(committee["us_staff"]).post(
        url, {"text": "Site visit on Monday.", "visibility": "committee"}
    )
    jp = [n["text"] for n in api(committee["jp_observer"]).get(url).json()]
    us = [n["text"] for n in api(committee["us_chair"]).get(url).json()]
    assert jp == ["JBIC wants a longer tenor.", "Site visit on Monday."]
    assert us == ["Site visit on Monday."]
    assert api(sponsor_softbank).get(url).status_code == 403
    assert api(committee["us_observer"]).post(url, {"text": "x"}).status_code == 403


def test_reviews_only_while_in_review_or_voting(api, make_proposal, committee):
    proposal = make_proposal("approved")
    response = api(committee["us_member"]).post(
        f"/api/v1/proposals/{proposal.pk}/reviews/",
        {"scores": FOUR_SCORES, "recommendation": "approve"},
    )
    assert response.status_code == 409
