"""The permission matrix: who gets which answer, from which surface, in which state.

One row per (persona, endpoint or page, proposal state, method), mapped to the expected HTTP
status. The expectations are written from docs/roles.md, not read from
``projects/permissions.py`` or ``workflow.py``: a wrong line in the policy fails here.

How to read a row:

- ``endpoint`` is a path template. ``{id}`` is the id, ``{ref}`` the reference, of the one
  SoftBank proposal (GE Vernova co-sponsoring) that is in ``state``. ``state`` is ``None``
  for an endpoint that is not about one proposal (lists, creation, the decision log).
- The answer follows docs/roles.md, in this order: not signed in → 401/403 (API) or a
  redirect to the login page (pages); the proposal is not visible to the persona → 404;
  visible but the persona's role may not do this → 403; the state does not allow it → 409
  (API). Pages answer a refused state with a message and a redirect back (302), the same
  302 as a success: which of the two it was is for the page tests, not this matrix.
"""

from __future__ import annotations

from typing import NamedTuple

# --- The axes ---------------------------------------------------------------------------

# A representative walk along the lifecycle (docs/lifecycle.md); later states behave like
# `approved` for every rule below, and each step costs test time.
STATES = ("draft", "submitted", "in_review", "voting", "approved")
# Financing (docs/ledger.md) happens from `funding` on: its rows alone walk that state too.
FINANCING_STATES = (*STATES, "funding")
_ORDER = {state: index for index, state in enumerate(FINANCING_STATES)}


class Persona(NamedTuple):
    role: str | None  # docs/roles.md role; sponsors split by their tie to the proposal
    sees_from: str | None  # first state in which the proposal is visible; None: never


# docs/roles.md. The proposal under test is SoftBank's with GE Vernova as co-sponsor;
# Westinghouse is a sponsor with no tie to it.
PERSONAS: dict[str, Persona] = {
    "sponsor_softbank": Persona("lead_sponsor", "draft"),  # own organisation, drafts too
    "sponsor_ge": Persona("co_sponsor", "submitted"),  # views once submitted, never edits
    "sponsor_westinghouse": Persona("sponsor", None),  # nothing of other sponsors
    "us_staff": Persona("staff", "submitted"),  # secretariat: from submission, no drafts
    "jp_staff": Persona("staff", "submitted"),
    "us_chair": Persona("chair", "in_review"),  # committee: from review on
    "jp_member": Persona("member", "in_review"),
    "us_observer": Persona("observer", "in_review"),  # reads what a member reads
    "jp_observer": Persona("observer", "in_review"),
    "outsider": Persona(None, None),  # an account with no role
    "anonymous": Persona(None, None),  # not signed in
}

LEAD_SPONSOR = frozenset({"lead_sponsor"})
STAFF = frozenset({"staff"})
CHAIR = frozenset({"chair"})
SPONSORS = frozenset({"lead_sponsor", "co_sponsor", "sponsor"})
VOTERS = frozenset({"member", "chair"})
COMMITTEE = VOTERS | {"observer"}
# Reviews, notes, conflicts and the decision log: the committee and the secretariat
# (docs/roles.md: sponsors see no reviews, private notes or individual votes; the log is
# for members, chairs, staff and observers).
RECORD_READERS = COMMITTEE | {"staff"}
NOTE_WRITERS = VOTERS | {"staff"}  # docs/voting.md
VIEWERS = RECORD_READERS | SPONSORS  # every role, once the proposal is visible to it
SIGNED_IN = VIEWERS | {None}  # the outsider too

ALL_STATES = frozenset(STATES)
REVIEWABLE = frozenset({"in_review", "voting"})  # docs/voting.md: reviews, conflicts
BALLOT_EXISTS = frozenset({"voting", "approved"})  # a ballot was opened (and closed)

ANON_API = (401, 403)  # docs/roles.md: 401, or 403 where the scheme gives no challenge
ANON_PAGE = 302  # to the login page
PAGE_DONE = 302  # a page's form succeeded: redirect to the result
PAGE_REFUSED_STATE = 302  # a page's form the state refuses: message, redirect back

Expected = int | tuple[int, ...]


class Row(NamedTuple):
    persona: str
    endpoint: str
    state: str | None
    method: str


class Rule(NamedTuple):
    """Who may act on a visible proposal, in which states, and the answers."""

    may: frozenset[str]
    states: frozenset[str]
    ok: int
    refused_state: int = 409


class Gate(NamedTuple):
    """An endpoint that is not about one proposal: which roles may use it."""

    may: frozenset[str | None]
    ok: int


def sees(persona: str, state: str) -> bool:
    first = PERSONAS[persona].sees_from
    return first is not None and _ORDER[state] >= _ORDER[first]


def _is_page(endpoint: str) -> bool:
    return not endpoint.startswith("/api/")


def expect_on_proposal(persona: str, endpoint: str, state: str, rule: Rule) -> Expected:
    if persona == "anonymous":
        return ANON_PAGE if _is_page(endpoint) else ANON_API
    if not sees(persona, state):
        return 404
    if PERSONAS[persona].role not in rule.may:
        return 403
    if state not in rule.states:
        return rule.refused_state
    return rule.ok


def expect_at_gate(persona: str, endpoint: str, gate: Gate) -> Expected:
    if persona == "anonymous":
        return ANON_PAGE if _is_page(endpoint) else ANON_API
    return gate.ok if PERSONAS[persona].role in gate.may else 403


# --- API: /api/v1/ (docs/lifecycle.md) ------------------------------------------------------

API_GATES: dict[tuple[str, str], Gate] = {
    # Anyone signed in lists what they may see (an outsider: nothing).
    ("/api/v1/proposals/", "GET"): Gate(SIGNED_IN, 200),
    # "POST by a sponsor creates a draft": any sponsor organisation's user.
    ("/api/v1/proposals/", "POST"): Gate(SPONSORS, 201),
    ("/api/v1/decision-log/", "GET"): Gate(RECORD_READERS, 200),
    ("/api/v1/decision-log/export/", "GET"): Gate(STAFF, 200),
    # docs/ledger.md: staff enter FX rates; the committee reads them beside staff. The
    # program-wide exposure is for staff, chairs, members and observers: never a sponsor.
    ("/api/v1/fx-rates/", "GET"): Gate(RECORD_READERS, 200),
    ("/api/v1/fx-rates/", "POST"): Gate(STAFF, 201),
    ("/api/v1/exposure/", "GET"): Gate(RECORD_READERS, 200),
    ("/api/v1/exposure/stress/", "GET"): Gate(RECORD_READERS, 200),
    # What waits for a second pair of eyes: staff only.
    ("/api/v1/approvals/", "GET"): Gate(STAFF, 200),
}

API_RULES: dict[tuple[str, str], Rule] = {
    ("/api/v1/proposals/{id}/", "GET"): Rule(VIEWERS, ALL_STATES, 200),
    # The lead sponsor edits drafts; a co-sponsor "may view it once submitted, not edit it".
    ("/api/v1/proposals/{id}/", "PATCH"): Rule(LEAD_SPONSOR, frozenset({"draft"}), 200),
    ("/api/v1/proposals/{id}/reviews/", "GET"): Rule(RECORD_READERS, ALL_STATES, 200),
    ("/api/v1/proposals/{id}/reviews/", "POST"): Rule(VOTERS, REVIEWABLE, 201),
    ("/api/v1/proposals/{id}/notes/", "GET"): Rule(RECORD_READERS, ALL_STATES, 200),
    # docs/voting.md names no state for notes: the committee may deliberate in any visible state.
    ("/api/v1/proposals/{id}/notes/", "POST"): Rule(NOTE_WRITERS, ALL_STATES, 201),
    ("/api/v1/proposals/{id}/conflicts/", "GET"): Rule(RECORD_READERS, ALL_STATES, 200),
    ("/api/v1/proposals/{id}/conflicts/", "POST"): Rule(VOTERS, REVIEWABLE, 201),
    # "Ballot closed or none open: 409. Not eligible or recused: 403." Staff never vote.
    ("/api/v1/proposals/{id}/vote/", "POST"): Rule(VOTERS, frozenset({"voting"}), 200),
    # The sponsor sees the ballot's status and outcome; before any ballot there is none.
    ("/api/v1/proposals/{id}/ballot/", "GET"): Rule(VIEWERS, BALLOT_EXISTS, 200, 404),
    # docs/documents.md: the documents and their bytes, to whoever may see the proposal.
    # `{doc}` is a document attached to the proposal in `state`.
    ("/api/v1/proposals/{id}/documents/", "GET"): Rule(VIEWERS, ALL_STATES, 200),
    ("/api/v1/documents/{doc}/download/", "GET"): Rule(VIEWERS, ALL_STATES, 200),
    # The package holds the reviews: the record's readers, once a ballot has opened.
    ("/api/v1/proposals/{id}/package/", "GET"): Rule(RECORD_READERS, BALLOT_EXISTS, 200, 404),
}

# docs/lifecycle.md: conditions of approval, read by whoever sees the proposal, set by chairs and
# staff once it is approved (or later); the decision's terms, recorded by a chair after the
# ballot closed. `{condition}` is a condition on the proposal in `state` (only `approved`).
APPROVED = frozenset({"approved"})
CONDITION_RULES: dict[tuple[str, str], Rule] = {
    ("/api/v1/proposals/{id}/conditions/", "GET"): Rule(VIEWERS, ALL_STATES, 200),
    ("/api/v1/proposals/{id}/conditions/", "POST"): Rule(CHAIR | STAFF, APPROVED, 201),
    ("/api/v1/proposals/{id}/decision/", "GET"): Rule(VIEWERS, APPROVED, 200, 404),
    ("/api/v1/proposals/{id}/decision/", "POST"): Rule(CHAIR, APPROVED, 201),
    ("/proposals/{id}/conditions/", "POST"): Rule(
        CHAIR | STAFF, APPROVED, PAGE_DONE, PAGE_REFUSED_STATE
    ),
    ("/proposals/{id}/decision/", "POST"): Rule(CHAIR, APPROVED, PAGE_DONE, PAGE_REFUSED_STATE),
    # The signed resolution, for the committee and the proposal's sponsors once a ballot
    # has closed (before: 409 from the API, a message and a redirect from the page).
    ("/api/v1/proposals/{id}/resolution.pdf", "GET"): Rule(VIEWERS, APPROVED, 200),
    ("/proposals/{id}/resolution.pdf", "GET"): Rule(VIEWERS, APPROVED, 200, PAGE_REFUSED_STATE),
}
# Satisfying needs a condition, and conditions exist from `approved` on: staff only.
# Correcting or withdrawing one (with a reason): chairs and staff, like setting it.
SATISFY_RULES: dict[tuple[str, str], Rule] = {
    ("/api/v1/conditions/{condition}/satisfy/", "POST"): Rule(STAFF, APPROVED, 200),
    ("/proposals/{id}/conditions/{condition}/satisfy/", "POST"): Rule(STAFF, APPROVED, PAGE_DONE),
    ("/api/v1/conditions/{condition}/", "GET"): Rule(VIEWERS, APPROVED, 200),
    ("/api/v1/conditions/{condition}/", "PATCH"): Rule(CHAIR | STAFF, APPROVED, 200),
    ("/api/v1/conditions/{condition}/withdraw/", "POST"): Rule(CHAIR | STAFF, APPROVED, 200),
    ("/proposals/{id}/conditions/{condition}/edit/", "POST"): Rule(
        CHAIR | STAFF, APPROVED, PAGE_DONE
    ),
    ("/proposals/{id}/conditions/{condition}/withdraw/", "POST"): Rule(
        CHAIR | STAFF, APPROVED, PAGE_DONE
    ),
}

# docs/ledger.md: staff commit instruments and record transactions on a project in `funding` or
# `active`; staff, the committee and the project's own sponsors (lead and co-sponsor) list
# them. ``{instrument}`` is an instrument on the proposal in ``state``.
FUNDING = frozenset({"funding", "active"})
FINANCING_RULES: dict[tuple[str, str], Rule] = {
    ("/api/v1/proposals/{id}/instruments/", "GET"): Rule(VIEWERS, ALL_STATES | FUNDING, 200),
    ("/api/v1/proposals/{id}/instruments/", "POST"): Rule(STAFF, FUNDING, 201),
    ("/api/v1/instruments/{instrument}/transactions/", "GET"): Rule(
        VIEWERS, ALL_STATES | FUNDING, 200
    ),
    ("/api/v1/instruments/{instrument}/transactions/", "POST"): Rule(STAFF, FUNDING, 201),
    # docs/waterfall.md: staff record distributions while the project is in funding or
    # active; whoever reads the project's financing reads its recovery position.
    ("/api/v1/proposals/{id}/distributions/", "GET"): Rule(VIEWERS, ALL_STATES | FUNDING, 200),
    ("/api/v1/proposals/{id}/distributions/", "POST"): Rule(STAFF, FUNDING, 201),
    # The proposal page's financing forms, staff only. A refused state is shown beside
    # the form on the re-rendered page (400), like every other financing error.
    ("/proposals/{id}/instruments/", "POST"): Rule(STAFF, FUNDING, PAGE_DONE, 400),
    ("/proposals/{id}/transactions/", "POST"): Rule(STAFF, FUNDING, PAGE_DONE, 400),
    ("/proposals/{id}/distributions/", "POST"): Rule(STAFF, FUNDING, PAGE_DONE, 400),
    # An FX rate is the program's, not the project's: staff enter one in any state.
    ("/proposals/{id}/fx-rates/", "POST"): Rule(STAFF, ALL_STATES | FUNDING, PAGE_DONE),
}

# Corrections (docs/ledger.md, docs/waterfall.md). Staff ask for a reversal once a
# project is in funding (`{transaction}` and `{distribution}` are entries on the proposal
# in `state`); it waits for a second staff user (202). Whoever reads the project's
# financing reads its restated recovery. The world owes no true-up, so asking for one is
# refused by the state (409) wherever staff ask; tests/financing shows the 202. Walked in
# two states: one before funding (refused by the state) and `funding`.
CORRECTION_STATES = ("approved", "funding")
CORRECTION_RULES: dict[tuple[str, str], Rule] = {
    # The restated position and the true-up between the countries: "(committee)", and staff.
    ("/api/v1/proposals/{id}/recovery/", "GET"): Rule(RECORD_READERS, ALL_STATES | FUNDING, 200),
    ("/api/v1/transactions/{transaction}/reverse/", "POST"): Rule(STAFF, FUNDING, 202),
    ("/api/v1/distributions/{distribution}/reverse/", "POST"): Rule(STAFF, FUNDING, 202),
    ("/api/v1/proposals/{id}/true-ups/", "POST"): Rule(STAFF, frozenset(), 202),
    ("/proposals/{id}/transactions/{transaction}/reverse/", "POST"): Rule(
        STAFF, FUNDING, PAGE_DONE, PAGE_REFUSED_STATE
    ),
    ("/proposals/{id}/distributions/{distribution}/reverse/", "POST"): Rule(
        STAFF, FUNDING, PAGE_DONE, PAGE_REFUSED_STATE
    ),
    ("/proposals/{id}/true-ups/", "POST"): Rule(STAFF, FUNDING, PAGE_DONE, PAGE_REFUSED_STATE),
}


def _approval_rows() -> dict[Row, Expected]:
    """`{approval}`: a transaction us_staff asked for on the funding proposal. Only another
    staff user decides (200, or back to the page); its maker 403; anyone but staff 404."""
    rows: dict[Row, Expected] = {}
    for endpoint, ok in (
        ("/api/v1/approvals/{approval}/approve/", 200),
        ("/api/v1/approvals/{approval}/reject/", 200),
        ("/approvals/{approval}/approve/", PAGE_DONE),
        ("/approvals/{approval}/reject/", PAGE_DONE),
    ):
        for persona in PERSONAS:
            if persona == "anonymous":
                want: Expected = ANON_PAGE if _is_page(endpoint) else ANON_API
            elif persona == "us_staff":
                want = 403
            else:
                want = ok if PERSONAS[persona].role == "staff" else 404
            rows[Row(persona, endpoint, "funding", "POST")] = want
    return rows


# The lifecycle actions: every action × role × state is in tests/projects/
# test_api_lifecycle.py. One row each here, for personas that file does not use.
API_ACTION_ROWS: dict[Row, Expected] = {
    Row("jp_member", "/api/v1/proposals/{id}/submit/", "draft", "POST"): 404,
    Row("us_observer", "/api/v1/proposals/{id}/withdraw/", "in_review", "POST"): 403,
    Row("jp_staff", "/api/v1/proposals/{id}/return/", "submitted", "POST"): 200,
    Row("jp_staff", "/api/v1/proposals/{id}/accept/", "submitted", "POST"): 200,
    Row("us_chair", "/api/v1/proposals/{id}/open_ballot/", "in_review", "POST"): 200,
    Row("us_observer", "/api/v1/proposals/{id}/close_ballot/", "voting", "POST"): 403,
    Row("jp_staff", "/api/v1/proposals/{id}/start_funding/", "approved", "POST"): 200,
    Row("jp_member", "/api/v1/proposals/{id}/activate/", "approved", "POST"): 403,
    Row("anonymous", "/api/v1/proposals/{id}/close/", "approved", "POST"): ANON_API,
}

# --- Pages (README.md) -----------------------------------------------------------------

PAGE_GATES: dict[tuple[str, str], Gate] = {
    ("/", "GET"): Gate(SIGNED_IN, 200),
    ("/proposals/", "GET"): Gate(SIGNED_IN, 200),
    ("/proposals/new/", "GET"): Gate(SPONSORS, 200),
    ("/proposals/new/", "POST"): Gate(SPONSORS, PAGE_DONE),
    ("/decision-log/", "GET"): Gate(RECORD_READERS, 200),
    ("/decision-log/export/", "GET"): Gate(STAFF, 200),
    # everyone signed in sets their own language on My account.
    ("/account/", "GET"): Gate(SIGNED_IN, 200),
    ("/account/", "POST"): Gate(SIGNED_IN, PAGE_DONE),
    # Django's own password change, for everyone signed in; the matrix posts no body, which
    # the form refuses (400) without changing anything.
    ("/account/password/", "GET"): Gate(SIGNED_IN, 200),
    ("/account/password/", "POST"): Gate(SIGNED_IN, 400),
    # My account's security: everyone signed in manages their own API tokens and
    # sessions (another user's token or session is "no such", tests/accounts/).
    ("/account/tokens/", "POST"): Gate(SIGNED_IN, PAGE_DONE),
    ("/account/tokens/revoke/", "POST"): Gate(SIGNED_IN, PAGE_DONE),
    ("/account/sessions/end/", "POST"): Gate(SIGNED_IN, PAGE_DONE),
    ("/account/sessions/end-others/", "POST"): Gate(SIGNED_IN, PAGE_DONE),
    # The exposure page, for the same readers as the API's exposure; staff enter rates.
    ("/exposure/", "GET"): Gate(RECORD_READERS, 200),
    ("/exposure/fx-rates/", "POST"): Gate(STAFF, PAGE_DONE),
}

PAGE_RULES: dict[tuple[str, str], Rule] = {
    ("/proposals/{id}/", "GET"): Rule(VIEWERS, ALL_STATES, 200),
    # The decision log links proposals by reference: a redirect to the page, or 404.
    ("/proposals/ref/{ref}/", "GET"): Rule(VIEWERS, ALL_STATES, 302),
    # The edit form of a proposal that is no longer a draft is not shown; posted anyway, the
    # service refuses the state as every page does (a message and back).
    ("/proposals/{id}/edit/", "GET"): Rule(LEAD_SPONSOR, frozenset({"draft"}), 200, 403),
    ("/proposals/{id}/edit/", "POST"): Rule(
        LEAD_SPONSOR, frozenset({"draft"}), PAGE_DONE, PAGE_REFUSED_STATE
    ),
    ("/proposals/{id}/notes/", "POST"): Rule(NOTE_WRITERS, ALL_STATES, PAGE_DONE),
    ("/proposals/{id}/reviews/", "POST"): Rule(VOTERS, REVIEWABLE, PAGE_DONE, PAGE_REFUSED_STATE),
    ("/proposals/{id}/conflicts/", "POST"): Rule(VOTERS, REVIEWABLE, PAGE_DONE, PAGE_REFUSED_STATE),
    ("/proposals/{id}/vote/", "POST"): Rule(
        VOTERS, frozenset({"voting"}), PAGE_DONE, PAGE_REFUSED_STATE
    ),
    ("/proposals/{id}/package/", "GET"): Rule(RECORD_READERS, BALLOT_EXISTS, 200, 404),
}

# docs/documents.md: who uploads documents, each role in its own states: the proposal's
# (lead) sponsor while it is a draft, submitted, in review or voting; staff from `submitted`
# on, members and chairs in review or voting.
UPLOAD_STATES: dict[str, frozenset[str]] = {
    "lead_sponsor": frozenset({"draft", "submitted", "in_review", "voting"}),
    "staff": ALL_STATES - {"draft"},
    "member": REVIEWABLE,
    "chair": REVIEWABLE,
}
UPLOADS = {
    "/api/v1/proposals/{id}/documents/": (201, 409),
    "/proposals/{id}/documents/": (PAGE_DONE, PAGE_REFUSED_STATE),
}


def expect_upload(persona: str, endpoint: str, state: str) -> Expected:
    ok, refused_state = UPLOADS[endpoint]
    states = UPLOAD_STATES.get(PERSONAS[persona].role, frozenset())
    rule = Rule(frozenset(UPLOAD_STATES), states, ok, refused_state)
    return expect_on_proposal(persona, endpoint, state, rule)


# The lifecycle buttons of the proposal page (docs/lifecycle.md's table: action, from, who), each
# tried by every persona in one state: its source state, or `approved` for the two whose
# source is beyond the states above (the state then refuses them).
PAGE_ACTIONS: dict[str, tuple[str, Rule]] = {
    "submit": ("draft", Rule(LEAD_SPONSOR, frozenset({"draft"}), PAGE_DONE, PAGE_REFUSED_STATE)),
    "withdraw": (
        "in_review",
        Rule(
            LEAD_SPONSOR,
            frozenset({"draft", "submitted", "in_review"}),
            PAGE_DONE,
            PAGE_REFUSED_STATE,
        ),
    ),
    "return": ("submitted", Rule(STAFF, frozenset({"submitted"}), PAGE_DONE, PAGE_REFUSED_STATE)),
    "accept": ("submitted", Rule(STAFF, frozenset({"submitted"}), PAGE_DONE, PAGE_REFUSED_STATE)),
    "open_ballot": (
        "in_review",
        Rule(CHAIR, frozenset({"in_review"}), PAGE_DONE, PAGE_REFUSED_STATE),
    ),
    "close_ballot": ("voting", Rule(CHAIR, frozenset({"voting"}), PAGE_DONE, PAGE_REFUSED_STATE)),
    "start_funding": (
        "approved",
        Rule(STAFF, frozenset({"approved"}), PAGE_DONE, PAGE_REFUSED_STATE),
    ),
    "activate": ("approved", Rule(STAFF, frozenset({"funding"}), PAGE_DONE, PAGE_REFUSED_STATE)),
    "close": ("approved", Rule(STAFF, frozenset({"active"}), PAGE_DONE, PAGE_REFUSED_STATE)),
}

CONFIRMED_PAGE_ACTIONS = ("withdraw", "close_ballot", "start_funding", "activate", "close")

# --- The matrix ---------------------------------------------------------------------------


def _build() -> dict[Row, Expected]:
    rows: dict[Row, Expected] = {}
    for gates in (API_GATES, PAGE_GATES):
        for (endpoint, method), gate in gates.items():
            for persona in PERSONAS:
                rows[Row(persona, endpoint, None, method)] = expect_at_gate(persona, endpoint, gate)
    for rules in (API_RULES, PAGE_RULES):
        for (endpoint, method), rule in rules.items():
            for state in STATES:
                for persona in PERSONAS:
                    rows[Row(persona, endpoint, state, method)] = expect_on_proposal(
                        persona, endpoint, state, rule
                    )
    for (endpoint, method), rule in FINANCING_RULES.items():
        for state in FINANCING_STATES:
            for persona in PERSONAS:
                rows[Row(persona, endpoint, state, method)] = expect_on_proposal(
                    persona, endpoint, state, rule
                )
    rows.update(API_ACTION_ROWS)
    for endpoint in UPLOADS:
        for state in STATES:
            for persona in PERSONAS:
                row = Row(persona, endpoint, state, "POST")
                rows[row] = expect_upload(persona, endpoint, state)
    for (endpoint, method), rule in CONDITION_RULES.items():
        for state in STATES:
            for persona in PERSONAS:
                rows[Row(persona, endpoint, state, method)] = expect_on_proposal(
                    persona, endpoint, state, rule
                )
    for (endpoint, method), rule in SATISFY_RULES.items():
        for persona in PERSONAS:
            rows[Row(persona, endpoint, "approved", method)] = expect_on_proposal(
                persona, endpoint, "approved", rule
            )
    for (endpoint, method), rule in CORRECTION_RULES.items():
        for state in CORRECTION_STATES:
            for persona in PERSONAS:
                rows[Row(persona, endpoint, state, method)] = expect_on_proposal(
                    persona, endpoint, state, rule
                )
    rows.update(_approval_rows())
    for action, (state, rule) in PAGE_ACTIONS.items():
        endpoint = f"/proposals/{{id}}/action/{action}/"
        for persona in PERSONAS:
            rows[Row(persona, endpoint, state, "POST")] = expect_on_proposal(
                persona, endpoint, state, rule
            )
            # What cannot be undone has a confirmation page (what a browser without script
            # shows): the same policy as the button, and a page where the button redirects.
            if action in CONFIRMED_PAGE_ACTIONS:
                rows[Row(persona, endpoint, state, "GET")] = expect_on_proposal(
                    persona, endpoint, state, rule._replace(ok=200)
                )
    return rows


MATRIX: dict[Row, Expected] = _build()
