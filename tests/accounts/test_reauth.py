"""Deciding needs a recent sign-in (ACCORD_REAUTH_SECONDS): voting, closing a ballot."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.test import Client
from django.utils import timezone

from committee.models import Vote
from core.web import CONFIRMED
from tests.conftest import PASSWORD, sign_in_client, token_client

LATER = dt.timedelta(seconds=901)  # past ACCORD_REAUTH_SECONDS, within the idle limit


def test_a_vote_right_after_signing_in_is_cast(make_proposal, us_member):
    proposal = make_proposal("voting")
    client = Client()
    sign_in_client(client, us_member)
    response = client.post(f"/proposals/{proposal.pk}/vote/", {"choice": "for"})
    assert response.status_code == 302 and "reauthenticate" not in response["Location"]
    assert Vote.objects.filter(voter=us_member).exists()


def test_a_vote_long_after_signing_in_waits_for_the_password_then_goes_through(
    make_proposal, us_member
):
    proposal = make_proposal("voting")
    client = Client()
    sign_in_client(client, us_member)
    with time_machine.travel(timezone.now() + LATER):
        url = f"/proposals/{proposal.pk}/vote/"
        response = client.post(url, {"choice": "against", "rationale": "Too risky."})
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/reauthenticate/")
        assert not Vote.objects.filter(voter=us_member).exists()
        confirm = client.post(response["Location"], {"password": PASSWORD})
        assert confirm.status_code == 302
    vote = Vote.objects.get(voter=us_member)
    assert (vote.choice, vote.rationale) == ("against", "Too risky.")


def test_closing_a_ballot_long_after_signing_in_asks_again(make_proposal, us_chair):
    proposal = make_proposal("voting")
    client = Client()
    sign_in_client(client, us_chair)
    with time_machine.travel(timezone.now() + LATER):
        url = f"/proposals/{proposal.pk}/action/close_ballot/"
        response = client.post(url, {CONFIRMED: "1"})
    assert response["Location"].startswith("/accounts/reauthenticate/")
    proposal.refresh_from_db()
    assert proposal.status == "voting"


def test_the_api_refuses_a_stale_session_but_not_a_token(make_proposal, us_member, jp_member):
    proposal = make_proposal("voting")
    session = Client()
    sign_in_client(session, us_member)
    url = f"/api/v1/proposals/{proposal.pk}/vote/"
    with time_machine.travel(timezone.now() + LATER):
        stale = session.post(url, {"choice": "for"}, content_type="application/json")
        by_token = token_client(jp_member).post(url, {"choice": "for"}, format="json")
    assert stale.status_code == 403 and "Confirm who you are" in stale.json()["detail"]
    assert by_token.status_code == 200


def test_managing_factors_long_after_signing_in_asks_again(db, us_member):
    client = Client()
    sign_in_client(client, us_member)
    with time_machine.travel(timezone.now() + LATER):
        response = client.get("/accounts/2fa/webauthn/add/")
    assert response.status_code == 302
    assert "reauthenticate" in response["Location"]


def _stale_post(user, url, body):
    session = Client()
    sign_in_client(session, user)
    with time_machine.travel(timezone.now() + LATER):
        return session.post(url, body, content_type="application/json")


def test_a_stale_session_confirms_who_it_is_before_its_vote_is_read(make_proposal, us_member):
    proposal = make_proposal("voting")
    response = _stale_post(us_member, f"/api/v1/proposals/{proposal.pk}/vote/", {"choice": 5})
    assert response.status_code == 403 and "Confirm who you are" in response.json()["detail"]
    assert not Vote.objects.exists()


def test_a_role_that_never_votes_hears_so_whether_or_not_it_signed_in_lately(
    make_proposal, us_observer
):
    proposal = make_proposal("voting")
    response = _stale_post(us_observer, f"/api/v1/proposals/{proposal.pk}/vote/", {"choice": 5})
    assert response.status_code == 403
    assert response.json()["detail"] == "Only members and chairs vote."


def test_closing_a_ballot_from_a_stale_session_is_refused_before_its_body_is_read(
    make_proposal, us_chair
):
    proposal = make_proposal("voting")
    url = f"/api/v1/proposals/{proposal.pk}/close_ballot/"
    response = _stale_post(us_chair, url, {"comment": ["not", "a", "string"]})
    assert response.status_code == 403 and "Confirm who you are" in response.json()["detail"]
    proposal.refresh_from_db()
    assert proposal.status == "voting"


def test_a_four_eyes_decision_from_a_stale_session_is_refused_before_anything_else(db, us_staff):
    # As on the page: the stale sign-in first, even for an entry that does not exist.
    response = _stale_post(us_staff, "/api/v1/approvals/987654/approve/", {"comment": 5})
    assert response.status_code == 403 and "Confirm who you are" in response.json()["detail"]
