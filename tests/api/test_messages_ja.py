"""The API's 404 messages in the reader's language (Accept-Language), like every other."""

from __future__ import annotations

import pytest
from django.utils import translation

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english_after():
    """A request in Japanese leaves the thread in Japanese: the next test starts in English."""
    yield
    translation.activate("en")


def _detail(response) -> str:
    body = response.json()
    return body.get("detail") or str(body)


def test_a_proposal_the_user_may_not_see_is_not_found_in_japanese(api, jp_member, make_proposal):
    draft = make_proposal("draft")  # a sponsor's draft: no member sees it
    for url in (f"/api/v1/proposals/{draft.pk}/", "/api/v1/proposals/987654/"):
        response = api(jp_member).get(url, HTTP_ACCEPT_LANGUAGE="ja")
        assert response.status_code == 404
        assert _detail(response) == "見つかりません。"


def test_a_proposal_without_a_ballot_or_decision_says_so_in_japanese(api, jp_member, make_proposal):
    proposal = make_proposal("in_review")
    ballot = api(jp_member).get(
        f"/api/v1/proposals/{proposal.pk}/ballot/", HTTP_ACCEPT_LANGUAGE="ja"
    )
    decision = api(jp_member).get(
        f"/api/v1/proposals/{proposal.pk}/decision/", HTTP_ACCEPT_LANGUAGE="ja"
    )
    assert (ballot.status_code, decision.status_code) == (404, 404)
    assert _detail(ballot) == "この案件ではまだ採決が開始されていません。"
    assert _detail(decision) == "この案件についてはまだ決定がありません。"
