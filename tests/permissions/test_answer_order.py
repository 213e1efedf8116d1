"""A bad body changes no refusal: 404, then 403, then 400, asked once, by the service.

Every API write whose body a service reads, tried with bodies that are not valid (empty,
wrong JSON types, not JSON at all) by four rows of the permission matrix: a persona who does
not see the proposal (404 whatever the body), one who sees it but may not act (403, never a
400 that would tell them how to word a request they may not make), one who may act (400)
and, where there is one, one whose proposal's state refuses the action: its body is judged
first (400), except an upload, whose state refuses it before the file is received (409).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.documents import files
from tests.permissions.matrix import (
    MATRIX,
    PAGE_ACTIONS,
    PERSONAS,
    Expected,
    Row,
    expect_on_proposal,
)

# The matrix's way of filling a row's path (its ``world`` and ``clients``: conftest.py).
from tests.permissions.test_matrix import _path

NOT_JSON = '{"text": "an unfinished'

# A body a JSON endpoint must refuse (400) from whoever may act: by name, for the test ids.
Body = dict[str, Any] | str | Callable[[], dict[str, Any]]
NO_FIELDS: dict[str, Body] = {"empty": {}}
BROKEN: dict[str, Body] = {"not JSON": NOT_JSON}

JSON_WRITES: dict[tuple[str, str], dict[str, Body]] = {
    # ProposalIn has no required field: an empty body is a valid (empty) draft or edit.
    ("/api/v1/proposals/", "POST"): {"wrong types": {"title": 5, "co_sponsors": "GE"}, **BROKEN},
    ("/api/v1/proposals/{id}/", "PATCH"): {"wrong types": {"amount_requested": []}, **BROKEN},
    ("/api/v1/proposals/{id}/reviews/", "POST"): {
        **NO_FIELDS,
        "wrong types": {"scores": "high", "recommendation": 1},
        **BROKEN,
    },
    ("/api/v1/proposals/{id}/notes/", "POST"): {**NO_FIELDS, "wrong types": {"text": 5}, **BROKEN},
    ("/api/v1/proposals/{id}/conflicts/", "POST"): {
        **NO_FIELDS,
        "wrong types": {"reason": ["x"]},
        **BROKEN,
    },
    ("/api/v1/proposals/{id}/vote/", "POST"): {
        **NO_FIELDS,
        "no such choice": {"choice": "maybe"},
        **BROKEN,
    },
    ("/api/v1/proposals/{id}/conditions/", "POST"): {
        **NO_FIELDS,
        "bad date": {"text": "Permit", "due": "soon"},
        **BROKEN,
    },
    ("/api/v1/proposals/{id}/decision/", "POST"): {
        **NO_FIELDS,
        "wrong types": {"text": 5},
        **BROKEN,
    },
    ("/api/v1/conditions/{condition}/satisfy/", "POST"): {
        **NO_FIELDS,
        "wrong types": {"evidence": 5},
        **BROKEN,
    },
    ("/api/v1/conditions/{condition}/", "PATCH"): {
        **NO_FIELDS,
        "wrong types": {"reason": 5},
        **BROKEN,
    },
    ("/api/v1/conditions/{condition}/withdraw/", "POST"): {
        **NO_FIELDS,
        "wrong types": {"reason": 5},
        **BROKEN,
    },
    ("/api/v1/proposals/{id}/instruments/", "POST"): {
        **NO_FIELDS,
        "bad values": {"kind": "bond", "provider": "JBIC", "currency": "USD", "committed": "x"},
        **BROKEN,
    },
    ("/api/v1/instruments/{instrument}/transactions/", "POST"): {
        **NO_FIELDS,
        "bad values": {"type": 5, "amount": "-1", "value_date": "2025-01-02"},
        **BROKEN,
    },
    ("/api/v1/fx-rates/", "POST"): {
        **NO_FIELDS,
        "bad values": {"date": "soon", "currency": "JPY", "usd_per_unit": "x"},
        **BROKEN,
    },
    ("/api/v1/proposals/{id}/distributions/", "POST"): {
        **NO_FIELDS,
        "bad values": {"amount": "0", "currency": "EUR", "date": "2025-01-03"},
        **BROKEN,
    },
    ("/api/v1/transactions/{transaction}/reverse/", "POST"): {
        **NO_FIELDS,
        "wrong types": {"reason": 5},
        **BROKEN,
    },
    ("/api/v1/distributions/{distribution}/reverse/", "POST"): {
        **NO_FIELDS,
        "wrong types": {"reason": 5},
        **BROKEN,
    },
    # The reason of a true-up and the comment of a decision are optional.
    ("/api/v1/proposals/{id}/true-ups/", "POST"): {"wrong types": {"reason": 5}, **BROKEN},
    ("/api/v1/approvals/{approval}/approve/", "POST"): {"wrong types": {"comment": 5}, **BROKEN},
    ("/api/v1/approvals/{approval}/reject/", "POST"): {"wrong types": {"comment": 5}, **BROKEN},
}
# The lifecycle actions: `return` needs a comment, `open_ballot` may carry its closing time.
ACTION_BODIES: dict[str, dict[str, Body]] = {
    "return": {**NO_FIELDS, "wrong types": {"comment": 5}, **BROKEN},
    "open_ballot": {"bad date": {"closes_at": "soon"}, **BROKEN},
}
DEFAULT_ACTION_BODIES: dict[str, Body] = {"wrong types": {"comment": 5}, **BROKEN}

UPLOAD = "/api/v1/proposals/{id}/documents/"


def _too_many_parts() -> dict[str, Any]:
    body = {"kind": "term_sheet", "title": "Term sheet", "file": files.term_sheet()}
    body.update({f"extra{n}": files.term_sheet() for n in range(6)})
    return body


UPLOAD_BODIES: dict[str, Body] = {
    "empty": lambda: {},
    "no file, bad kind": lambda: {"kind": "novel", "title": ""},
    "too many parts": _too_many_parts,
}


def _action_rows() -> Iterator[tuple[Row, Expected]]:
    """The matrix's lifecycle rules (its pages' buttons) as the API answers them."""
    for action, (state, rule) in PAGE_ACTIONS.items():
        endpoint = f"/api/v1/proposals/{{id}}/{action}/"
        api_rule = rule._replace(ok=200, refused_state=409)
        for persona in PERSONAS:
            want = expect_on_proposal(persona, endpoint, state, api_rule)
            yield Row(persona, endpoint, state, "POST"), want


ACTIONS = {f"/api/v1/proposals/{{id}}/{action}/": action for action in PAGE_ACTIONS}


def _kind(want: Expected) -> str | None:
    if not isinstance(want, int):
        return None  # not signed in
    if want in (200, 201, 202):
        return "allowed"
    return {404: "unseen", 403: "refused", 409: "wrong state"}.get(want)


def _chosen_rows() -> dict[tuple[str, str], dict[str, Row]]:
    """Per API write, the first row of each kind; of the refused, one per role (a role the
    endpoint's gate turns away, and one it lets through to the service's policy)."""
    chosen: dict[tuple[str, str], dict[str, Row]] = {}
    for row, want in [*MATRIX.items(), *_action_rows()]:
        kind = _kind(want)
        if not row.endpoint.startswith("/api/") or row.method == "GET" or kind is None:
            continue
        rows = chosen.setdefault((row.endpoint, row.method), {})
        if kind == "refused":
            kind = f"refused {PERSONAS[row.persona].role or 'no role'}"
        rows.setdefault(kind, row)
    return chosen


CHOSEN = _chosen_rows()


def _bodies(endpoint: str, method: str) -> dict[str, Body]:
    if endpoint == UPLOAD:
        return UPLOAD_BODIES
    if endpoint in ACTIONS:
        return ACTION_BODIES.get(ACTIONS[endpoint], DEFAULT_ACTION_BODIES)
    return JSON_WRITES[(endpoint, method)]  # a new write: say which bodies it refuses


def _answer_to_a_bad_body(kind: str, endpoint: str) -> int:
    if kind == "unseen":
        return 404
    if kind.startswith("refused"):
        return 403
    if kind == "wrong state" and endpoint == UPLOAD:
        return 409  # an upload's state refuses it before the file is received
    return 400


CASES = [
    pytest.param(
        row,
        body,
        _answer_to_a_bad_body(kind, endpoint),
        id=f"{method} {endpoint} [{row.state or '-'}] {row.persona} ({kind}): {name}",
    )
    for (endpoint, method), rows in CHOSEN.items()
    for kind, row in rows.items()
    for name, body in _bodies(endpoint, method).items()
]


def test_every_write_whose_body_a_service_reads_is_tried_by_each_kind_of_caller():
    writes = set(JSON_WRITES)
    writes |= {(UPLOAD, "POST")} | {(endpoint, "POST") for endpoint in ACTIONS}
    assert writes <= set(CHOSEN)
    for (endpoint, _method), rows in CHOSEN.items():
        kinds = set(rows)
        if ACTIONS.get(endpoint) != "submit":  # only its own sponsor sees a draft
            assert any(kind.startswith("refused") for kind in kinds), (endpoint, kinds)
        assert kinds & {"allowed", "wrong state"}, (endpoint, kinds)
        if "{" in endpoint:
            assert "unseen" in kinds, (endpoint, kinds)


def _send(world, clients, row: Row, body: Body):
    api, _pages = clients
    api.cookies.clear()
    api.force_authenticate(user=world.user(row.persona))
    path = _path(world, row)
    if callable(body):
        return api.post(path, body(), format="multipart")
    raw = body if isinstance(body, str) else json.dumps(body)
    return api.generic(row.method, path, raw, content_type="application/json")


@pytest.mark.parametrize(("row", "body", "want"), CASES)
def test_a_bad_body_is_judged_only_for_whoever_may_act(world, clients, db, row, body, want):
    response = _send(world, clients, row, body)

    assert response.status_code == want, response.content[:300]
    detail = response.json()["detail"]
    if want == 403:
        # The service's own refusal, never the parser's words about the body.
        assert "JSON" not in detail and "Invalid input" not in detail
