"""A bad form changes no refusal on the pages either: 404, then 403, then the form's errors.

Every page POST that binds a form, posted with a form that is not valid by four kinds of row
of the permission matrix: a persona who does not see the proposal (404), one who sees it but
may not act (403, never the form back with field errors that would tell them how to fill in
a form they may not send), one per role the page turns away, and one who may act (the form
back with its errors, 400; a button with a reason says what is wrong on the page it came
from instead, 302). Whoever is refused changes nothing: no row, no decision-log entry.

The service asks the policy before it reads the form (``core.web.form_action``); a view that
judged the form first would answer 400 where this test wants 403.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.messages import get_messages

from committee.models import Condition, Conflict, Note, Review, Vote
from core.models import DecisionLogEntry
from documents.models import Document
from financing.models import Approval, Distribution, FxRate, Instrument, Transaction
from projects.models import Proposal
from tests.permissions.matrix import (
    CONDITION_RULES,
    CORRECTION_RULES,
    FINANCING_RULES,
    MATRIX,
    PAGE_ACTIONS,
    PAGE_GATES,
    PAGE_RULES,
    PERSONAS,
    SATISFY_RULES,
    UPLOAD_STATES,
    UPLOADS,
    Row,
)
from tests.permissions.test_matrix import _path

# A field's errors on a page (the confirmation dialog's empty list aside).
FIELD_ERRORS = re.compile(rb'<ul class="field-errors" id="(?!confirm-dialog-error)')
LONG = "x" * 2001  # past a reason's or a comment's 2000 characters
NOT_A_TIME = {"closes_at": "soon", "confirmed": "1"}  # a lifecycle button's form, confirmed

# Per page POST that binds a form, a form it must refuse from whoever may act.
BAD_FORMS: dict[str, dict[str, str]] = {
    "/proposals/new/": {"amount_requested": "abc"},
    "/proposals/{id}/edit/": {"amount_requested": "abc"},
    "/proposals/{id}/notes/": {},
    "/proposals/{id}/reviews/": {},
    "/proposals/{id}/conflicts/": {},
    "/proposals/{id}/vote/": {},
    "/proposals/{id}/conditions/": {"text": "Permit", "due": "soon"},
    "/proposals/{id}/conditions/{condition}/satisfy/": {},
    "/proposals/{id}/conditions/{condition}/edit/": {},
    "/proposals/{id}/conditions/{condition}/withdraw/": {},
    "/proposals/{id}/decision/": {},
    "/proposals/{id}/documents/": {"kind": "novel"},
    "/proposals/{id}/instruments/": {},
    "/proposals/{id}/transactions/": {},
    "/proposals/{id}/distributions/": {},
    "/proposals/{id}/fx-rates/": {},
    "/exposure/fx-rates/": {},
    # Buttons that ask first: posted confirmed, with no reason or one too long.
    "/proposals/{id}/transactions/{transaction}/reverse/": {"confirmed": "1"},
    "/proposals/{id}/distributions/{distribution}/reverse/": {"confirmed": "1"},
    "/proposals/{id}/true-ups/": {"confirmed": "1", "reason": LONG},
    "/approvals/{approval}/approve/": {"confirmed": "1", "reason": LONG},
    "/approvals/{approval}/reject/": {"confirmed": "1", "reason": LONG},
    **{f"/proposals/{{id}}/action/{action}/": NOT_A_TIME for action in PAGE_ACTIONS},
}
# Pages whose form is only a button: the allowed user's bad form comes back as a message.
BUTTONS = ("/reverse/", "/true-ups/", "/approvals/")
# Where the allowed user is tried, if not in the first state they may act in: a state whose
# page shows the form (the errors beside its fields).
ALLOWED_IN = {"/proposals/{id}/fx-rates/": "funding"}
# Pages any signed-in user uses for their own account: no policy to come first.
OWN_ACCOUNT = "/account/"

RULES = {
    endpoint: rule
    for rules in (PAGE_RULES, CONDITION_RULES, SATISFY_RULES, FINANCING_RULES, CORRECTION_RULES)
    for (endpoint, method), rule in rules.items()
    if method == "POST"
}


def _may_act(row: Row) -> bool:
    """Whether the row's persona may act there now (docs/roles.md, as the matrix says)."""
    role = PERSONAS[row.persona].role
    if row.state is None:
        return role in PAGE_GATES[(row.endpoint, "POST")].may
    if row.endpoint in UPLOADS:
        return row.state in UPLOAD_STATES.get(role, frozenset())
    if row.endpoint.startswith("/approvals/"):
        return role == "staff" and row.persona != "us_staff"  # us_staff made the entry
    if "/action/" in row.endpoint:
        rule = PAGE_ACTIONS[row.endpoint.rstrip("/").rsplit("/", 1)[-1]][1]
    else:
        rule = RULES[row.endpoint]
    return role in rule.may and row.state in rule.states


def _kind(row: Row, want: Any) -> str | None:
    if row.persona == "anonymous":
        return None
    if want == 404:
        return "unseen"
    if want == 403:
        return f"refused {PERSONAS[row.persona].role or 'no role'}"
    if not _may_act(row) or ALLOWED_IN.get(row.endpoint, row.state) != row.state:
        return None
    return "allowed"


def _chosen() -> Iterator[tuple[Row, str]]:
    """Per page POST, the first row of each kind (of the refused: one per role)."""
    seen: set[tuple[str, str]] = set()
    for row, want in MATRIX.items():
        if row.endpoint.startswith(("/api/", OWN_ACCOUNT)) or row.method != "POST":
            continue
        kind = _kind(row, want)
        if kind is not None and (row.endpoint, kind) not in seen:
            seen.add((row.endpoint, kind))
            yield row, kind


CHOSEN = list(_chosen())


def _answer(row: Row, kind: str) -> int:
    if kind == "unseen":
        return 404
    if kind.startswith("refused"):
        return 403
    return 302 if any(part in row.endpoint for part in BUTTONS) else 400


CASES = [
    pytest.param(row, _answer(row, kind), id=f"{row.endpoint} [{row.state or '-'}] {row.persona}")
    for row, kind in CHOSEN
]


def test_every_page_post_that_binds_a_form_is_tried_by_each_kind_of_caller():
    endpoints = {
        row.endpoint
        for row in MATRIX
        if row.method == "POST" and not row.endpoint.startswith(("/api/", OWN_ACCOUNT))
    }
    assert endpoints == set(BAD_FORMS)
    kinds: dict[str, set[str]] = {}
    for row, kind in CHOSEN:
        kinds.setdefault(row.endpoint, set()).add(kind.split(" ")[0])
    for endpoint in endpoints:
        if not endpoint.endswith("/submit/"):  # only its own sponsor sees a draft
            assert "refused" in kinds[endpoint], endpoint
        if "{" in endpoint:
            assert "unseen" in kinds[endpoint], endpoint
        # Two buttons have no state in the matrix's walk where they may be pressed.
        if not endpoint.endswith(("/activate/", "/close/")):
            assert "allowed" in kinds[endpoint], endpoint


def _snapshot() -> dict[str, Any]:
    """What a refused post must leave as it was."""
    counted = (Note, Review, Conflict, Vote, Document, Instrument, Transaction, Distribution)
    return {
        "log": DecisionLogEntry.objects.count(),
        **{model.__name__: model.objects.count() for model in (*counted, FxRate)},
        "proposals": list(Proposal.objects.order_by("pk").values_list("pk", "status", "title")),
        "conditions": list(
            Condition.objects.order_by("pk").values_list("pk", "status", "text", "due")
        ),
        "approvals": list(Approval.objects.order_by("pk").values_list("pk", "status")),
    }


@pytest.mark.parametrize(("row", "want"), CASES)
def test_a_bad_form_is_judged_only_for_whoever_may_act(world, clients, db, row, want):
    _api, pages = clients
    pages.cookies.clear()
    pages.force_login(world.user(row.persona))
    path = _path(world, row)
    before = _snapshot()

    response = pages.post(path, BAD_FORMS[row.endpoint])

    assert response.status_code == want, response.content[:300]
    assert _snapshot() == before
    said = [m for m in get_messages(response.wsgi_request) if m.level_tag == "error"]
    if want == 400 and "/action/" in row.endpoint:
        # Only the ballot's button shows a closing time beside it; the others say so on top.
        assert FIELD_ERRORS.search(response.content) or said
    elif want == 400:
        assert FIELD_ERRORS.search(response.content)  # the form back, errors beside its fields
    elif want == 302:
        assert said
    else:
        assert not FIELD_ERRORS.search(response.content)
