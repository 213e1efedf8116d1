"""Drive every row of the permission matrix through the API and the pages.

Each row is one request by one persona; the answer must be the row's status (never a 500).
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.urls import reverse

from committee.models import Condition
from financing.models import Approval, Distribution, Transaction
from tests.documents.files import term_sheet
from tests.permissions.matrix import ANON_API, MATRIX, Row
from tests.permissions.world import World

REVIEW = {
    "scores": {"strategic_fit": 4, "financial_viability": 4, "risk": 3, "execution": 4},
    "recommendation": "approve",
    "comments": "ok",
    "visibility": "committee",
}
DRAFT = {
    "title": "Advanced reactor fuel plant, Tennessee",
    "description": "HALEU deconversion for the first fleet of SMRs.",
    "sector": "nuclear",
    "amount_requested": "2500000000.00",
    "currency": "USD",
}
COMMENT = {"comment": "Please add the permitting timeline."}

# Valid bodies, so that the answer reflects permission and state, never validation.
API_BODIES = {
    # conditions, their evidence and the decision's terms.
    ("/api/v1/proposals/{id}/conditions/", "POST"): {"text": "Permit", "due": "2099-01-01"},
    ("/api/v1/conditions/{condition}/satisfy/", "POST"): {"evidence": "Permit issued."},
    ("/api/v1/conditions/{condition}/", "PATCH"): {"text": "Permit", "reason": "Typo."},
    ("/api/v1/conditions/{condition}/withdraw/", "POST"): {"reason": "Set twice."},
    ("/api/v1/proposals/{id}/decision/", "POST"): {"text": "Approved as filed."},
    ("/api/v1/proposals/", "POST"): DRAFT,
    ("/api/v1/proposals/{id}/", "PATCH"): {"title": "Grid-scale storage, Kansas (phase 1)"},
    ("/api/v1/proposals/{id}/reviews/", "POST"): REVIEW,
    ("/api/v1/proposals/{id}/notes/", "POST"): {"text": "x", "visibility": "committee"},
    ("/api/v1/proposals/{id}/conflicts/", "POST"): {"reason": "x"},
    ("/api/v1/proposals/{id}/vote/", "POST"): {"choice": "for"},
    ("/api/v1/proposals/{id}/return/", "POST"): COMMENT,
    ("/api/v1/proposals/{id}/instruments/", "POST"): {
        "kind": "loan",
        "provider": "JBIC",
        "currency": "USD",
        "committed": "1000.00",
    },
    # The world's instrument is a loan of 1,000 USD.
    ("/api/v1/instruments/{instrument}/transactions/", "POST"): {
        "type": "disbursement",
        "amount": "1.00",
        "value_date": "2025-01-02",
    },
    ("/api/v1/fx-rates/", "POST"): {
        "date": "2025-01-06",
        "currency": "JPY",
        "usd_per_unit": "0.0066",
    },
    ("/api/v1/transactions/{transaction}/reverse/", "POST"): {"reason": "Booked twice"},
    ("/api/v1/distributions/{distribution}/reverse/", "POST"): {"reason": "Never paid"},
    ("/api/v1/proposals/{id}/distributions/", "POST"): {
        "amount": "10.00",
        "currency": "USD",
        "date": "2025-01-03",
    },
}
PAGE_BODIES = {
    "/account/tokens/": {"name": "matrix"},
    # The financing panel's forms: field names carry each form's prefix.
    "/proposals/{id}/instruments/": {
        "instrument-kind": "loan",
        "instrument-provider": "JBIC",
        "instrument-currency": "USD",
        "instrument-committed": "1000.00",
    },
    "/proposals/{id}/transactions/": lambda world, row: {
        "transaction-instrument": world.instruments[row.state].pk,
        "transaction-type": "disbursement",
        "transaction-amount": "1.00",
        "transaction-value_date": "2025-01-02",
    },
    "/proposals/{id}/distributions/": {
        "distribution-amount": "10.00",
        "distribution-currency": "USD",
        "distribution-date": "2025-01-03",
    },
    "/proposals/{id}/fx-rates/": {
        "fx-date": "2025-01-07",
        "fx-currency": "JPY",
        "fx-usd_per_unit": "0.0066",
    },
    "/exposure/fx-rates/": {
        "fx-date": "2025-01-08",
        "fx-currency": "JPY",
        "fx-usd_per_unit": "0.0066",
    },
    # Corrections cannot be undone: their buttons post confirmed (the dialog asked first).
    "/proposals/{id}/transactions/{transaction}/reverse/": {
        "reason": "Booked twice",
        "confirmed": "1",
    },
    "/proposals/{id}/distributions/{distribution}/reverse/": {
        "reason": "Never paid",
        "confirmed": "1",
    },
    "/proposals/{id}/true-ups/": {"confirmed": "1"},
    "/approvals/{approval}/approve/": {"confirmed": "1"},
    "/approvals/{approval}/reject/": {"confirmed": "1"},
    "/proposals/{id}/conditions/": {"text": "Permit", "due": "2099-01-01"},
    "/proposals/{id}/conditions/{condition}/satisfy/": {"evidence": "Permit issued."},
    "/proposals/{id}/conditions/{condition}/edit/": {
        "text": "Permit",
        "due": "2099-02-01",
        "reason": "Typo.",
    },
    "/proposals/{id}/conditions/{condition}/withdraw/": {"reason": "Set twice."},
    "/proposals/{id}/decision/": {"text": "Approved as filed."},
    "/account/": {"language": "ja"},
    "/proposals/new/": DRAFT,
    "/proposals/{id}/edit/": {**DRAFT, "co_sponsors": ["GE Vernova"]},
    "/proposals/{id}/notes/": {"text": "x", "visibility": "committee"},
    "/proposals/{id}/reviews/": {
        **REVIEW["scores"],
        **{key: value for key, value in REVIEW.items() if key != "scores"},
    },
    "/proposals/{id}/conflicts/": {"reason": "x"},
    "/proposals/{id}/vote/": {"choice": "for"},
}


def _document_upload() -> dict:
    """A fresh multipart body per request: an uploaded file is read once."""
    return {"file": term_sheet(), "kind": "term_sheet", "title": "Term sheet"}


MULTIPART = {
    "/api/v1/proposals/{id}/documents/": _document_upload,
    "/proposals/{id}/documents/": _document_upload,
}
QUERIES = {
    "/api/v1/decision-log/export/": {"format": "csv"},
    "/decision-log/export/": {"format": "csv"},
}


def _path(world: World, row: Row) -> str:
    path = row.endpoint
    if row.state is not None:
        proposal = world.proposals[row.state]
        path = path.replace("{id}", str(proposal.pk)).replace("{ref}", proposal.reference)
        if "{instrument}" in path:
            path = path.replace("{instrument}", str(world.instruments[row.state].pk))
        if "{doc}" in path:
            path = path.replace("{doc}", str(world.documents[row.state]))
        path = _ledger_placeholders(world, row, path)
        if "{condition}" in path:  # made inside the row's own transaction, rolled back
            condition = Condition.objects.create(
                proposal=proposal,
                text="A signed offtake agreement.",
                due=dt.date(2099, 1, 1),
                created_by_id=world.user_ids["us_staff"],
            )
            path = path.replace("{condition}", str(condition.pk))
    return path


def _ledger_placeholders(world: World, row: Row, path: str) -> str:
    """A transaction, a distribution or a pending approval on the row's proposal, made
    directly inside the row's own transaction (rolled back)."""
    instrument = world.instruments[row.state]
    staff = world.user_ids["us_staff"]
    if "{transaction}" in path:
        moved = Transaction.objects.create(
            instrument=instrument,
            type="disbursement",
            amount=Decimal("10.00"),
            value_date=dt.date(2025, 1, 2),
            recorded_by_id=staff,
        )
        path = path.replace("{transaction}", str(moved.pk))
    if "{distribution}" in path:
        paid = Distribution.objects.create(
            proposal=world.proposals[row.state],
            date=dt.date(2025, 1, 3),
            amount=Decimal("10.00"),
            currency="USD",
            amount_usd=Decimal("10.00"),
            japan=Decimal("5.00"),
            us=Decimal("5.00"),
            japan_investment=Decimal("10.00"),
            japan_recovered=Decimal("0"),
            phase="pre_recovery",
            recorded_by_id=staff,
        )
        path = path.replace("{distribution}", str(paid.pk))
    if "{approval}" in path:
        approval = Approval.objects.create(
            what="transaction",
            proposal=world.proposals[row.state],
            payload={
                "instrument": instrument.pk,
                "type": "disbursement",
                "amount": "1.00",
                "currency": "USD",
                "value_date": "2025-01-02",
            },
            made_by_id=staff,
        )
        path = path.replace("{approval}", str(approval.pk))
    return path


def _request(world: World, clients, row: Row):
    path = _path(world, row)
    user = None if row.persona == "anonymous" else world.user(row.persona)
    api, pages = clients
    api.cookies.clear()
    pages.cookies.clear()
    if row.endpoint.startswith("/api/"):
        client = api
        client.force_authenticate(user=user)
        if row.method == "GET":
            return client.get(path, QUERIES.get(row.endpoint))
        if row.endpoint in MULTIPART:
            return client.post(path, MULTIPART[row.endpoint](), format="multipart")
        body = json.dumps(API_BODIES.get((row.endpoint, row.method), {}))
        return client.generic(row.method, path, body, content_type="application/json")
    client = pages
    if user is not None:
        client.force_login(user)  # never login(): django-axes wants a request to authenticate
    if row.method == "GET":
        return client.get(path, QUERIES.get(row.endpoint))
    # A lifecycle button posts confirmed: the unconfirmed post is the confirmation step.
    action_body = {**COMMENT, "confirmed": "1"}
    body = PAGE_BODIES.get(row.endpoint, action_body if "/action/" in row.endpoint else {})
    if row.endpoint in MULTIPART:
        body = MULTIPART[row.endpoint]()
    if callable(body):  # a body that names another object of the row's world
        body = body(world, row)
    return client.post(path, body)


def _id(row: Row) -> str:
    return f"{row.method} {row.endpoint} [{row.state or '-'}] {row.persona}"


@pytest.mark.parametrize(
    ("row", "want"), [pytest.param(row, want, id=_id(row)) for row, want in MATRIX.items()]
)
def test_the_answer_is_the_one_in_the_matrix(world, clients, db, row, want):
    response = _request(world, clients, row)

    allowed = want if isinstance(want, tuple) else (want,)
    assert response.status_code in allowed, (
        f"{_id(row)}: expected {want}, got {response.status_code}: "
        f"{getattr(response, 'content', b'')[:300]!r}"
    )
    if response.status_code == 302:
        login = reverse("login")
        if row.persona == "anonymous":
            assert response["Location"].startswith(login)
        else:
            assert not response["Location"].startswith(login)
    if want == ANON_API or (response.status_code >= 400 and row.endpoint.startswith("/api/")):
        assert "detail" in response.json()
