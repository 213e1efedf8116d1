"""What one may not see stays unseen: other sponsors' ids, other delegations' notes and
reviews, drafts, and the decision log (docs/roles.md).

The matrix answers "which status"; these tests look inside the answers.
"""

from __future__ import annotations

import re

import pytest

from core.models import DecisionLogEntry
from projects import services
from projects.models import Proposal

REVIEW = {
    "scores": {"strategic_fit": 4, "financial_viability": 4, "risk": 3, "execution": 4},
    "recommendation": "approve",
    "comments": "ok",
    "visibility": "committee",
}
FORM = {
    "title": "Someone else's proposal",
    "description": "x",
    "sector": "grid",
    "amount_requested": "1",
    "currency": "USD",
}
# docs/lifecycle.md's actions, each a POST /api/v1/proposals/{id}/{action}/.
ACTIONS = ("submit", "withdraw", "return", "accept", "open_ballot", "close_ballot",
           "start_funding", "activate", "close")  # fmt: skip

API_REQUESTS = [
    ("GET", "/api/v1/proposals/{id}/", None),
    ("PATCH", "/api/v1/proposals/{id}/", {"title": "Mine now"}),
    *[("POST", f"/api/v1/proposals/{{id}}/{action}/", {"comment": "x"}) for action in ACTIONS],
    ("GET", "/api/v1/proposals/{id}/reviews/", None),
    ("POST", "/api/v1/proposals/{id}/reviews/", REVIEW),
    ("GET", "/api/v1/proposals/{id}/notes/", None),
    ("POST", "/api/v1/proposals/{id}/notes/", {"text": "x", "visibility": "committee"}),
    ("GET", "/api/v1/proposals/{id}/conflicts/", None),
    ("POST", "/api/v1/proposals/{id}/conflicts/", {"reason": "x"}),
    ("POST", "/api/v1/proposals/{id}/vote/", {"choice": "for"}),
    ("GET", "/api/v1/proposals/{id}/ballot/", None),
]
PAGE_REQUESTS = [
    ("GET", "/proposals/{id}/", None),
    ("GET", "/proposals/ref/{ref}/", None),
    ("GET", "/proposals/{id}/edit/", None),
    ("POST", "/proposals/{id}/edit/", FORM),
    *[("POST", f"/proposals/{{id}}/action/{action}/", {"comment": "x"}) for action in ACTIONS],
    ("POST", "/proposals/{id}/notes/", {"text": "x", "visibility": "committee"}),
    (
        "POST",
        "/proposals/{id}/reviews/",
        {**REVIEW["scores"], "recommendation": "approve", "visibility": "committee"},
    ),
    ("POST", "/proposals/{id}/conflicts/", {"reason": "x"}),
    ("POST", "/proposals/{id}/vote/", {"choice": "for"}),
]


def _fill(path: str, proposal: Proposal) -> str:
    return path.replace("{id}", str(proposal.pk)).replace("{ref}", proposal.reference)


def _api_call(client, method: str, path: str, body):
    return getattr(client, method.lower())(path, body, format="json")


def _page_call(client, method: str, path: str, body):
    return client.get(path) if method == "GET" else client.post(path, body)


def _every_page(client, url: str) -> list[dict]:
    """All results of a paginated API list, following ``next``."""
    results = []
    while url:
        body = client.get(url).json()
        results += body["results"]
        url = body["next"]
    return results


def assert_not_found_everywhere(api_client, page_client, proposal: Proposal) -> None:
    """Every API endpoint and page about ``proposal`` answers 404, as for an id that is not.

    Nothing changes either: not the proposal, not the decision log.
    """
    missing = Proposal(pk=proposal.pk + 10_000, reference="P-1999-9999")
    log_before = DecisionLogEntry.objects.count()
    for method, template, body in API_REQUESTS:
        response = _api_call(api_client, method, _fill(template, proposal), body)
        nothing = _api_call(api_client, method, _fill(template, missing), body)
        assert response.status_code == 404, (method, template, response.content)
        assert response.json() == nothing.json(), (method, template)
    for method, template, body in PAGE_REQUESTS:
        response = _page_call(page_client, method, _fill(template, proposal), body)
        assert response.status_code == 404, (method, template)
    assert Proposal.objects.get(pk=proposal.pk).status == proposal.status
    assert DecisionLogEntry.objects.count() == log_before


# --- Other sponsors' proposals ------------------------------------------------------------


@pytest.mark.parametrize("state", ["draft", "voting"])
def test_another_sponsors_proposal_is_not_found_by_id(
    api, client, make_proposal, sponsor_softbank, sponsor_westinghouse, state
):
    theirs = make_proposal(state, sponsor=sponsor_westinghouse)
    client.force_login(sponsor_softbank)

    assert_not_found_everywhere(api(sponsor_softbank), client, theirs)
    listed = _every_page(api(sponsor_softbank), "/api/v1/proposals/")
    assert theirs.pk not in {row["id"] for row in listed}


@pytest.mark.parametrize("state", ["submitted", "voting"])
def test_a_sponsor_that_is_not_a_co_sponsor_sees_nothing_of_the_proposal(
    api, client, make_proposal, sponsor_ge, state
):
    proposal = make_proposal(state)  # SoftBank's, with no co-sponsor
    client.force_login(sponsor_ge)

    assert_not_found_everywhere(api(sponsor_ge), client, proposal)


# --- Drafts ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "persona",
    [
        "us_chair",
        "jp_member",
        "us_staff",
        "jp_staff",
        "us_observer",
        "jp_observer",
        "sponsor_ge",
        "outsider",
    ],  # fmt: skip
)
def test_a_draft_is_not_found_for_anyone_but_its_sponsor(
    request, api, client, make_proposal, sponsor_ge, outsider, persona
):
    draft = make_proposal("draft", co_sponsors=["GE Vernova"])
    user = request.getfixturevalue(persona)
    client.force_login(user)

    assert_not_found_everywhere(api(user), client, draft)
    assert draft.pk not in {row["id"] for row in _every_page(api(user), "/api/v1/proposals/")}
    assert draft.reference not in client.get("/proposals/").content.decode()


# --- Delegation-only notes and reviews -------------------------------------------------------

US_NOTE = "US eyes only: the offtake contract looks thin"
US_REVIEW = "US eyes only: cost overrun risk is understated"
JP_NOTE = "JP only: JBIC tranche timing"
SHARED_NOTE = "For the committee: site visit on the 14th"
SHARED_REVIEW = "For the committee: strong strategic fit"


@pytest.fixture
def deliberation(api, make_proposal, ge_vernova, us_chair, us_member, jp_member, jp_member_2):
    """A proposal under review with notes and reviews of both visibilities from both sides."""
    proposal = make_proposal("voting", co_sponsors=["GE Vernova"])
    base = f"/api/v1/proposals/{proposal.pk}"
    posts = [
        (us_member, "notes", {"text": US_NOTE, "visibility": "delegation"}),
        (us_chair, "reviews", {**REVIEW, "comments": US_REVIEW, "visibility": "delegation"}),
        (jp_member_2, "notes", {"text": JP_NOTE, "visibility": "delegation"}),
        (jp_member, "notes", {"text": SHARED_NOTE, "visibility": "committee"}),
        (jp_member, "reviews", {**REVIEW, "comments": SHARED_REVIEW, "visibility": "committee"}),
    ]
    for author, kind, body in posts:
        assert api(author).post(f"{base}/{kind}/", body, format="json").status_code == 201
    return proposal


@pytest.mark.parametrize(
    ("persona", "notes", "reviews"),
    [
        ("us_member", {US_NOTE, SHARED_NOTE}, {US_REVIEW, SHARED_REVIEW}),
        ("us_chair", {US_NOTE, SHARED_NOTE}, {US_REVIEW, SHARED_REVIEW}),
        ("us_staff", {US_NOTE, SHARED_NOTE}, {US_REVIEW, SHARED_REVIEW}),
        ("us_observer", {US_NOTE, SHARED_NOTE}, {US_REVIEW, SHARED_REVIEW}),
        ("jp_member", {JP_NOTE, SHARED_NOTE}, {SHARED_REVIEW}),
        ("jp_chair", {JP_NOTE, SHARED_NOTE}, {SHARED_REVIEW}),
        ("jp_staff", {JP_NOTE, SHARED_NOTE}, {SHARED_REVIEW}),
        ("jp_observer", {JP_NOTE, SHARED_NOTE}, {SHARED_REVIEW}),
    ],
)
def test_delegation_notes_and_reviews_are_listed_only_to_their_delegation(
    request, api, deliberation, persona, notes, reviews
):
    client = api(request.getfixturevalue(persona))
    base = f"/api/v1/proposals/{deliberation.pk}"

    listed_notes = client.get(f"{base}/notes/").json()
    listed_reviews = client.get(f"{base}/reviews/").json()

    assert {note["text"] for note in listed_notes} == notes
    assert {review["comments"] for review in listed_reviews} == reviews


@pytest.mark.parametrize("persona", ["jp_member", "jp_observer", "jp_staff"])
def test_a_us_delegation_note_is_nowhere_in_what_japan_reads(
    request, api, client, deliberation, us_observer, persona
):
    reader = request.getfixturevalue(persona)
    reader_api = api(reader)
    client.force_login(reader)
    base = f"/api/v1/proposals/{deliberation.pk}"
    api_answers = [
        reader_api.get(url)
        for url in (
            "/api/v1/proposals/",
            f"{base}/",
            f"{base}/reviews/",
            f"{base}/notes/",
            f"{base}/conflicts/",
            f"{base}/ballot/",
            "/api/v1/decision-log/",
            f"/api/v1/decision-log/?proposal={deliberation.reference}",
        )
    ]
    pages = [
        client.get(url)
        for url in ("/", "/proposals/", f"/proposals/{deliberation.pk}/", "/decision-log/")
    ]

    for response in [*api_answers, *pages]:
        assert response.status_code == 200, response.request["PATH_INFO"]
        text = response.content.decode()
        assert US_NOTE not in text, response.request["PATH_INFO"]
        assert US_REVIEW not in text, response.request["PATH_INFO"]
    # The control: the same texts do reach the US delegation, on both surfaces.
    client.force_login(us_observer)
    us_page = client.get(f"/proposals/{deliberation.pk}/").content.decode()
    us_notes = api(us_observer).get(f"{base}/notes/").content.decode()
    assert US_NOTE in us_page and US_REVIEW in us_page and US_NOTE in us_notes


# --- What the sponsor sees of the committee's work ----------------------------------------------


def test_the_sponsor_sees_only_the_status_and_outcome_of_a_ballot(
    api, make_proposal, sponsor_softbank, sponsor_ge, us_observer
):
    proposal = make_proposal("approved", co_sponsors=["GE Vernova"])
    url = f"/api/v1/proposals/{proposal.pk}/ballot/"

    for sponsor in (sponsor_softbank, sponsor_ge):
        assert api(sponsor).get(url).json() == {"status": "closed", "outcome": "approved"}
    committee_view = api(us_observer).get(url).json()
    assert committee_view["tally"] is not None and "eligible" in committee_view


@pytest.mark.parametrize("persona", ["sponsor_softbank", "sponsor_ge"])
def test_the_sponsors_page_shows_no_individual_vote_or_recusal(
    request, api, client, make_proposal, ge_vernova, us_member_2, jp_member_2, persona
):
    """docs/roles.md: a sponsor sees status, outcome and decision, no individual votes.

    carol votes and aiko recuses; neither does anything else a sponsor may see.
    """
    proposal = make_proposal("voting", co_sponsors=["GE Vernova"])
    base = f"/api/v1/proposals/{proposal.pk}"
    assert api(us_member_2).post(f"{base}/vote/", {"choice": "against"}).status_code == 200
    reason = "My sister leads the SoftBank project team"
    assert api(jp_member_2).post(f"{base}/conflicts/", {"reason": reason}).status_code == 201
    client.force_login(request.getfixturevalue(persona))

    page = client.get(f"/proposals/{proposal.pk}/").content.decode()

    for trace in (us_member_2.username, jp_member_2.username, reason):
        assert not re.search(rf"\b{re.escape(trace)}\b", page), (
            f"the sponsor's page shows {trace!r}"
        )


# --- The decision log ------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["sponsor_softbank", "sponsor_ge", "sponsor_westinghouse"])
def test_the_decision_log_shows_a_sponsor_nothing(
    request, api, client, make_proposal, sponsor_ge, sponsor_westinghouse, persona
):
    proposal = make_proposal("approved", co_sponsors=["GE Vernova"])
    user = request.getfixturevalue(persona)
    client.force_login(user)

    for url in ("/api/v1/decision-log/", f"/api/v1/decision-log/?proposal={proposal.reference}"):
        response = api(user).get(url)
        assert response.status_code == 403
        assert "results" not in response.json()
    assert client.get("/decision-log/").status_code == 403


@pytest.fixture
def proposals_by_state(make_proposal, us_staff):
    """One proposal per visibility step, plus a submission returned to its sponsor."""
    built = {state: make_proposal(state) for state in ("draft", "submitted", "in_review")}
    returned = make_proposal("submitted")
    services.proposal_transition(
        user=us_staff, proposal_id=returned.pk, action="return", comment="Add the EPC contract."
    )
    built["returned"] = returned
    return built


@pytest.mark.parametrize(
    ("persona", "sees"),
    [
        ("us_chair", {"in_review"}),
        ("jp_member", {"in_review"}),
        ("us_observer", {"in_review"}),
        ("jp_observer", {"in_review"}),
        ("us_staff", {"submitted", "in_review"}),
        ("jp_staff", {"submitted", "in_review"}),
    ],
)
def test_the_decision_log_lists_entries_only_of_proposals_the_reader_sees(
    request, api, client, proposals_by_state, persona, sees
):
    reader = request.getfixturevalue(persona)
    reader_api = api(reader)
    client.force_login(reader)
    reference_of = {state: p.reference for state, p in proposals_by_state.items()}

    entries = _every_page(reader_api, "/api/v1/decision-log/")
    page = client.get("/decision-log/").content.decode()

    listed = {entry["proposal"] for entry in entries if entry["proposal"]}
    assert listed == {reference_of[state] for state in sees}
    for state in sees:
        assert reference_of[state] in page, state
    for state in set(reference_of) - sees:
        filtered = reader_api.get(f"/api/v1/decision-log/?proposal={reference_of[state]}").json()
        assert filtered["count"] == 0, state
        assert reference_of[state] not in page, state


@pytest.mark.parametrize(
    ("persona", "api_status", "page_status"),
    [
        ("us_staff", 200, 200),
        ("jp_staff", 200, 200),
        ("us_chair", 403, 403),
        ("jp_member", 403, 403),
        ("us_observer", 403, 403),
        ("sponsor_softbank", 403, 403),
        ("outsider", 403, 403),
        ("anonymous", (401, 403), 302),
    ],
)
def test_only_staff_export_the_decision_log(
    request, api, client, make_proposal, outsider, persona, api_status, page_status
):
    make_proposal("submitted")
    user = None if persona == "anonymous" else request.getfixturevalue(persona)
    if user is not None:
        client.force_login(user)
    exports_before = DecisionLogEntry.objects.filter(event="decision_log_exported").count()

    from_api = api(user).get("/api/v1/decision-log/export/?format=jsonl")
    from_page = client.get("/decision-log/export/?format=jsonl")

    assert from_api.status_code in (api_status if isinstance(api_status, tuple) else (api_status,))
    assert from_page.status_code == page_status
    exported = DecisionLogEntry.objects.filter(event="decision_log_exported").count()
    if api_status == 200:
        assert b"proposal_submitted" in b"".join(from_api.streaming_content)
        assert exported == exports_before + 2
    else:
        assert exported == exports_before  # a refused export leaves no trace of one
