"""Creating, editing and reading proposals through the API; bad input never reaches a 500."""

from __future__ import annotations

import pytest

from core.models import DecisionLogEntry
from projects.models import Proposal

GOOD = {
    "title": "BWRX-300 small modular reactor fleet",
    "description": "First four units with a common supply chain.",
    "sector": "nuclear",
    "amount_requested": "6200000000.00",
    "currency": "USD",
}
CONTRACT_FIELDS = {
    "id",
    "reference",
    "title",
    "sponsor",
    "co_sponsors",
    "sector",
    "description",
    "amount_requested",
    "currency",
    "status",
    "created_at",
    "submitted_at",
    "decided_at",
}


def test_a_sponsor_creates_edits_and_submits_a_draft(api, sponsor_hitachi, ge_vernova):
    client = api(sponsor_hitachi)
    response = client.post("/api/v1/proposals/", {**GOOD, "co_sponsors": ["GE Vernova"]})
    assert response.status_code == 201, response.json()
    body = response.json()
    assert set(body) == CONTRACT_FIELDS
    assert body["reference"].startswith("P-") and body["status"] == "draft"
    assert body["sponsor"] == "Hitachi" and body["co_sponsors"] == ["GE Vernova"]
    assert body["amount_requested"] == "6200000000.00"

    patched = client.patch(f"/api/v1/proposals/{body['id']}/", {"amount_requested": "6500000000"})
    assert patched.status_code == 200
    assert patched.json()["amount_requested"] == "6500000000.00"
    assert client.post(f"/api/v1/proposals/{body['id']}/submit/").json()["status"] == "submitted"
    assert client.patch(f"/api/v1/proposals/{body['id']}/", {"title": "x"}).status_code == 409


def test_references_are_numbered_per_year(api, sponsor_hitachi):
    client = api(sponsor_hitachi)
    first = client.post("/api/v1/proposals/", GOOD).json()["reference"]
    second = client.post("/api/v1/proposals/", GOOD).json()["reference"]
    year, number = first.split("-")[1:]
    assert second == f"P-{year}-{int(number) + 1:04d}"


@pytest.mark.parametrize(
    "persona", ["us_member", "us_staff", "us_chair", "jp_observer", "outsider"]
)
def test_only_sponsors_create(api, request, persona):
    response = api(request.getfixturevalue(persona)).post("/api/v1/proposals/", GOOD)
    assert response.status_code == 403
    assert Proposal.objects.count() == 0


def test_the_list_is_paginated_and_filtered(api, make_proposal, us_chair):
    make_proposal("in_review", sector="grid")
    make_proposal("voting", sector="nuclear")
    make_proposal("submitted")  # not yet visible to the committee
    client = api(us_chair)
    body = client.get("/api/v1/proposals/").json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 2
    assert client.get("/api/v1/proposals/?status=voting").json()["count"] == 1
    assert client.get("/api/v1/proposals/?sector=grid").json()["count"] == 1
    assert client.get("/api/v1/proposals/?sponsor=SoftBank Group").json()["count"] == 2
    assert client.get("/api/v1/proposals/?sponsor=Nobody").json()["count"] == 0
    assert client.get("/api/v1/proposals/?page=99").status_code == 404


BAD_BODIES = [
    ({"amount_requested": "-5"}, "amount_requested"),
    ({"amount_requested": "1e30"}, "amount_requested"),
    ({"amount_requested": "99999999999999999999999"}, "amount_requested"),
    ({"amount_requested": "NaN"}, "amount_requested"),
    ({"amount_requested": "Infinity"}, "amount_requested"),
    ({"amount_requested": "12.345"}, "amount_requested"),
    ({"amount_requested": "lots"}, "amount_requested"),
    ({"amount_requested": [1]}, "amount_requested"),
    ({"sector": "tobacco"}, "sector"),
    ({"currency": "EUR"}, "currency"),
    ({"currency": 5}, "currency"),
    ({"title": {"a": 1}}, "title"),
    ({"title": "x" * 301}, "title"),
    ({"co_sponsors": "GE Vernova"}, "co_sponsors"),
    ({"co_sponsors": ["Nobody Inc."]}, "co_sponsors"),
    ({"co_sponsors": ["SoftBank Group"]}, "co_sponsors"),
]


@pytest.mark.parametrize(("body", "field"), BAD_BODIES)
def test_bad_input_gets_400_naming_the_field_and_changes_nothing(
    api, sponsor_softbank, body, field
):
    client = api(sponsor_softbank)
    response = client.post("/api/v1/proposals/", {**GOOD, **body}, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert Proposal.objects.count() == 0
    assert DecisionLogEntry.objects.count() == 0


@pytest.mark.parametrize(("body", "field"), BAD_BODIES)
def test_bad_edits_get_400_and_leave_the_draft_alone(
    api, make_proposal, sponsor_softbank, body, field
):
    proposal = make_proposal("draft")
    response = api(sponsor_softbank).patch(f"/api/v1/proposals/{proposal.pk}/", body, format="json")
    assert response.status_code == 400
    refreshed = Proposal.objects.get(pk=proposal.pk)
    assert (refreshed.title, refreshed.amount_requested) == (
        proposal.title,
        proposal.amount_requested,
    )


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (b"", "application/json"),
        (b"{not json", "application/json"),
        (b"[]", "application/json"),
        (b"null", "application/json"),
        (b'"just a string"', "application/json"),
        ('{"title": "\u30b0\u30ea\u30c3\u30c9 \U0001f50c"}'.encode(), "application/json"),
        (b"\xff\xfe\x00", "application/json"),
        (b"title=x", "text/plain"),
    ],
)
def test_malformed_bodies_never_500(api, sponsor_softbank, make_proposal, content, content_type):
    client = api(sponsor_softbank)
    draft = make_proposal("draft")
    for method, url in [
        ("post", "/api/v1/proposals/"),
        ("patch", f"/api/v1/proposals/{draft.pk}/"),
        ("post", f"/api/v1/proposals/{draft.pk}/submit/"),
    ]:
        response = getattr(client, method)(url, data=content, content_type=content_type)
        assert response.status_code < 500, (method, url, response.content)


def test_unicode_titles_round_trip(api, sponsor_softbank):
    title = "グリッド整備 — 第1期 🔌"
    body = api(sponsor_softbank).post("/api/v1/proposals/", {**GOOD, "title": title}).json()
    assert body["title"] == title


@pytest.mark.parametrize("pk", ["0", "999999", "99999999999999999999999"])
def test_unknown_ids_are_404(api, sponsor_softbank, pk):
    assert api(sponsor_softbank).get(f"/api/v1/proposals/{pk}/").status_code == 404
    assert api(sponsor_softbank).post(f"/api/v1/proposals/{pk}/submit/").status_code == 404


@pytest.mark.parametrize(
    "body",
    [
        {"choice": "maybe"},
        {"choice": None},
        {},
        {"choice": "for", "rationale": ["x"]},
    ],
)
def test_bad_votes_are_400(api, make_proposal, us_member, body):
    proposal = make_proposal("voting")
    assert (
        api(us_member)
        .post(f"/api/v1/proposals/{proposal.pk}/vote/", body, format="json")
        .status_code
        == 400
    )


@pytest.mark.parametrize(
    "body",
    [
        {
            "scores": {"strategic_fit": 6, "financial_viability": 4, "risk": 3, "execution": 4},
            "recommendation": "approve",
        },
        {"scores": {"strategic_fit": "high"}, "recommendation": "approve"},
        {"scores": [1, 2], "recommendation": "approve"},
        {
            "scores": {"strategic_fit": 4, "financial_viability": 4, "risk": 3, "execution": 4},
            "recommendation": "maybe",
        },
        {
            "scores": {"strategic_fit": 4, "financial_viability": 4, "risk": 3, "execution": 4},
            "recommendation": "approve",
            "visibility": "everyone",
        },
    ],
)
def test_bad_reviews_are_400(api, make_proposal, us_member, body):
    proposal = make_proposal("in_review")
    response = api(us_member).post(f"/api/v1/proposals/{proposal.pk}/reviews/", body, format="json")
    assert response.status_code == 400


def test_openapi_schema_and_docs_are_served_to_signed_in_users(client, us_observer):
    assert client.get("/api/schema/").status_code in (401, 403)
    client.force_login(us_observer)
    assert client.get("/api/schema/").status_code == 200
    assert client.get("/api/docs/").status_code == 200
