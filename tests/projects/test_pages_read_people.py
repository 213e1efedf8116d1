"""The proposal pages read what people type and say what went wrong once, keeping it."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from projects.models import Proposal


@pytest.fixture
def page_of():
    def signed_in(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return signed_in


DRAFT = {
    "title": "Grid-scale storage, Kansas",
    "description": "Batteries.",
    "sector": "energy_storage",
    "currency": "USD",
}


@pytest.mark.parametrize("typed", ["1,200,000,000", "1，200，000，000", "１２００００００００"])
def test_the_draft_form_takes_the_amount_as_people_write_it(page_of, sponsor_softbank, typed):
    response = page_of(sponsor_softbank).post(
        "/proposals/new/", {**DRAFT, "amount_requested": typed}
    )
    assert response.status_code == 302
    assert Proposal.objects.get().amount_requested == Decimal("1200000000")


def test_a_too_large_amount_is_refused_naming_the_limit(page_of, sponsor_softbank, api):
    response = page_of(sponsor_softbank).post(
        "/proposals/new/", {**DRAFT, "amount_requested": "1" + "0" * 21}
    )
    assert response.status_code == 400
    assert "at most 999,999,999,999,999,999.99" in response.content.decode()
    body = {**DRAFT, "amount_requested": "1" + "0" * 21}
    answer = api(sponsor_softbank).post("/api/v1/proposals/", body, format="json")
    assert answer.status_code == 400
    assert "999,999,999,999,999,999.99" in str(answer.json())
    assert not Proposal.objects.exists()


def test_a_closing_time_in_the_past_is_said_once_beside_the_field_and_kept(
    page_of, make_proposal, us_chair
):
    proposal = make_proposal("in_review")
    response = page_of(us_chair).post(
        f"/proposals/{proposal.pk}/action/open_ballot/", {"closes_at": "2020-01-01T10:00"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert html.count("The closing time must be in the future.") == 1
    assert 'value="2020-01-01T10:00"' in html
    proposal.refresh_from_db()
    assert proposal.status == "in_review"


def test_a_closing_time_typed_in_another_shape_is_kept_with_the_message(
    page_of, make_proposal, us_chair
):
    proposal = make_proposal("in_review")
    response = page_of(us_chair).post(
        f"/proposals/{proposal.pk}/action/open_ballot/", {"closes_at": "12/31/2099 10:00"}
    )
    assert response.status_code == 400
    assert 'value="12/31/2099 10:00"' in response.content.decode()
