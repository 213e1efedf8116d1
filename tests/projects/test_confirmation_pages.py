"""What cannot be undone asks first: without script, the button's post shows a confirmation
page that says the consequence; only the confirmed post acts."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils.html import escape

from projects.models import Status
from projects.workflow import TRANSITIONS

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def action_url(proposal, action: str) -> str:
    return f"/proposals/{proposal.pk}/action/{action}/"


def test_the_unconfirmed_withdraw_shows_the_consequence_and_changes_nothing(
    make_proposal, sponsor_softbank
):
    proposal = make_proposal("submitted")
    client = client_for(sponsor_softbank)

    response = client.post(action_url(proposal, "withdraw"), {"comment": "Plans changed."})

    assert response.status_code == 200
    html = response.content.decode()
    assert str(escape(TRANSITIONS["withdraw"].consequence)) in html
    assert 'name="confirmed" value="1"' in html
    assert "Plans changed." in html  # the comment typed is carried to the confirmation
    assert f'href="/proposals/{proposal.pk}/"' in html  # Cancel goes back
    proposal.refresh_from_db()
    assert proposal.status == Status.SUBMITTED


def test_the_confirmed_withdraw_acts(make_proposal, sponsor_softbank):
    proposal = make_proposal("submitted")
    client = client_for(sponsor_softbank)

    response = client.post(
        action_url(proposal, "withdraw"), {"comment": "Plans changed.", "confirmed": "1"}
    )

    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == Status.WITHDRAWN


@pytest.mark.parametrize(
    ("action", "state", "persona"),
    [
        ("withdraw", "in_review", "sponsor_softbank"),
        ("close_ballot", "voting", "us_chair"),
        ("start_funding", "approved", "us_staff"),
        ("activate", "funding", "us_staff"),
        ("close", "active", "us_staff"),
    ],
)
def test_each_irreversible_action_has_a_confirmation_page(
    request, make_proposal, action, state, persona
):
    proposal = make_proposal(state)
    client = client_for(request.getfixturevalue(persona))

    page = client.get(action_url(proposal, action))
    unconfirmed = client.post(action_url(proposal, action))

    for response in (page, unconfirmed):
        assert response.status_code == 200
        assert str(escape(TRANSITIONS[action].consequence)) in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == state


def test_the_confirmation_page_asks_the_policy_first(make_proposal, us_staff, us_chair):
    proposal = make_proposal("in_review")

    assert client_for(us_staff).get(action_url(proposal, "withdraw")).status_code == 403
    # The chair may close a ballot, but none is open: a message and back, as the button does.
    response = client_for(us_chair).get(action_url(proposal, "close_ballot"))
    assert response.status_code == 302


def test_an_action_that_can_be_undone_has_no_confirmation_page(make_proposal, us_staff):
    proposal = make_proposal("submitted")
    client = client_for(us_staff)

    assert client.get(action_url(proposal, "accept")).status_code == 405
    response = client.post(action_url(proposal, "accept"))
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == Status.IN_REVIEW


def test_the_proposal_page_marks_the_button_for_the_dialog(make_proposal, sponsor_softbank):
    proposal = make_proposal("submitted")

    html = client_for(sponsor_softbank).get(f"/proposals/{proposal.pk}/").content.decode()

    assert f'data-confirm="{escape(TRANSITIONS["withdraw"].consequence)}"' in html
