"""Votes keep their reasons: once a ballot closes the committee reads every named vote with
its rationale (page and ballot JSON), the close entry records them, sponsors see the outcome."""

from __future__ import annotations

import pytest

from committee.services import vote_cast
from core.models import DecisionLogEntry
from projects import services

REASONS = {
    "us_chair": ("for", "Strategic fit with the grid programme."),
    "us_member": ("for", "Financials hold at a 150 yen rate."),
    "us_member_2": ("against", "Execution risk on the turbine supply."),
    "jp_chair": ("for", "国内サプライチェーンに資する。"),
    "jp_member": ("abstain", ""),
    "jp_member_2": ("for", "JBIC の条件と整合。"),
}


@pytest.fixture
def closed(make_proposal, committee):
    committee["us_chair"].first_name, committee["us_chair"].last_name = "Margaret", "Hale"
    committee["us_chair"].save()
    proposal = make_proposal("voting")
    for persona, (choice, rationale) in REASONS.items():
        vote_cast(
            user=committee[persona], proposal_id=proposal.pk, choice=choice, rationale=rationale
        )
    services.proposal_transition(
        user=committee["us_chair"], proposal_id=proposal.pk, action="close_ballot"
    )
    return proposal


@pytest.mark.parametrize("persona", ["jp_member", "us_staff", "jp_observer", "us_chair"])
def test_the_committee_reads_named_votes_with_reasons(api, closed, committee, persona):
    body = api(committee[persona]).get(f"/api/v1/proposals/{closed.pk}/ballot/").json()
    assert body["outcome"] == "approved"
    votes = {vote["voter"]: vote for vote in body["votes"]}
    chair = committee["us_chair"]
    assert votes[chair.username] == {
        "voter": chair.username,
        "name": "Margaret Hale",
        "delegation": "US",
        "choice": "for",
        "rationale": "Strategic fit with the grid programme.",
    }
    assert votes[committee["jp_chair"].username]["rationale"] == "国内サプライチェーンに資する。"
    assert len(votes) == 6


def test_the_sponsor_sees_the_outcome_only(api, client, closed, sponsor_softbank):
    body = api(sponsor_softbank).get(f"/api/v1/proposals/{closed.pk}/ballot/").json()
    assert body == {"status": "closed", "outcome": "approved"}
    client.force_login(sponsor_softbank)
    page = client.get(f"/proposals/{closed.pk}/")
    assert page.status_code == 200
    assert "Execution risk" not in page.content.decode()


def test_the_close_entry_records_choices_with_reasons(closed, committee):
    entry = DecisionLogEntry.objects.get(proposal=closed.reference, event="ballot_closed")
    votes = {vote["voter"]: vote for vote in entry.data["votes"]}
    member = committee["us_member_2"]
    assert votes[member.username]["choice"] == "against"
    assert votes[member.username]["rationale"] == "Execution risk on the turbine supply."
    assert votes[committee["us_chair"].username]["name"] == "Margaret Hale"


def test_the_ballot_panel_shows_names_and_reasons(client, closed, committee):
    client.force_login(committee["jp_observer"])
    html = client.get(f"/proposals/{closed.pk}/").content.decode()
    assert "Margaret Hale" in html
    assert "Execution risk on the turbine supply." in html
    assert "JBIC の条件と整合。" in html


def test_no_votes_are_shown_while_the_ballot_is_open(api, make_proposal, committee):
    proposal = make_proposal("voting")
    vote_cast(user=committee["us_member"], proposal_id=proposal.pk, choice="for", rationale="x")
    body = api(committee["us_chair"]).get(f"/api/v1/proposals/{proposal.pk}/ballot/").json()
    assert "votes" not in body and body["tally"] is None
