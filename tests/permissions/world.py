"""The people and proposals the permission matrix runs against, built through the services.

The matrix has over a thousand rows; building the committee and walking a proposal through
the lifecycle for each row (``make_proposal``) would take minutes. So ``build_world`` builds
the same personas as ``tests/conftest.py`` (same usernames, same roles) and one SoftBank
proposal per state once, and the matrix test wraps it in a module-wide transaction that
each test's own transaction nests in (see ``test_matrix.world``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.test import override_settings

from committee.services import vote_cast
from financing.models import Instrument
from projects import services
from projects.models import Proposal
from tests.conftest import GOOD_DRAFT, PATH, make_user
from tests.documents.files import attach_directly

# persona: (username, role, delegation, sponsor organisation) as in tests/conftest.py.
PEOPLE: dict[str, tuple[str, str | None, str, str | None]] = {
    "sponsor_softbank": ("ken", "sponsor", "", "SoftBank Group"),
    "sponsor_ge": ("gary", "sponsor", "", "GE Vernova"),
    "sponsor_westinghouse": ("wes", "sponsor", "", "Westinghouse Electric"),
    "us_chair": ("alice", "chair", "US", None),
    "jp_chair": ("sato", "chair", "JP", None),
    "us_member": ("bob", "member", "US", None),
    "us_member_2": ("carol", "member", "US", None),
    "jp_member": ("yuki", "member", "JP", None),
    "jp_member_2": ("aiko", "member", "JP", None),
    "us_staff": ("laura", "staff", "US", None),
    "jp_staff": ("mei", "staff", "JP", None),
    "us_observer": ("peter", "observer", "US", None),
    "jp_observer": ("ren", "observer", "JP", None),
    "outsider": ("mallory", None, "", None),
}
SPONSOR_COUNTRIES = {"SoftBank Group": "JP", "GE Vernova": "US", "Westinghouse Electric": "US"}
VOTERS = ("us_chair", "us_member", "us_member_2", "jp_chair", "jp_member", "jp_member_2")


@dataclass
class World:
    user_ids: dict[str, int]
    proposals: dict[str, Proposal]
    instruments: dict[str, Instrument] = field(default_factory=dict)
    documents: dict[str, int] = field(default_factory=dict)  # state: id of a term sheet

    def user(self, persona: str) -> Any:
        """A fresh user object: the policy caches answers on the one it is given."""
        return get_user_model().objects.get(pk=self.user_ids[persona])


def walk(people: dict[str, Any], status: str, *, co_sponsors=("GE Vernova",)) -> Proposal:
    """A SoftBank proposal walked to ``status`` through the services, as ``make_proposal``."""
    proposal = services.proposal_create(
        user=people["sponsor_softbank"], co_sponsors=list(co_sponsors), **GOOD_DRAFT
    )
    for who, action in PATH[status]:
        if who in ("approve_votes", "reject_votes"):
            choice = "for" if who == "approve_votes" else "against"
            for voter in VOTERS:
                vote_cast(user=people[voter], proposal_id=proposal.pk, choice=choice)
        else:
            actor = people["sponsor_softbank" if who == "sponsor" else who]
            services.proposal_transition(user=actor, proposal_id=proposal.pk, action=action)
    proposal.refresh_from_db()
    assert proposal.status == status
    return proposal


def build_world(states: tuple[str, ...]) -> World:
    sponsors = {
        name: services.sponsor_upsert(name=name, country=country)
        for name, country in SPONSOR_COUNTRIES.items()
    }
    # The conftest's fast hasher is a function-scoped setting; this runs before it applies.
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        people = {
            persona: make_user(username, role, delegation, sponsors[sponsor] if sponsor else None)
            for persona, (username, role, delegation, sponsor) in PEOPLE.items()
        }
    proposals = {state: walk(people, state) for state in states}
    # A 1,000 USD loan on every state's proposal, made directly: the service commits only in
    # funding, but the matrix asks who sees an instrument and who may act on it, by state.
    instruments = {
        state: Instrument.objects.create(
            proposal=proposal,
            kind="loan",
            provider="JBIC",
            currency="USD",
            committed=Decimal("1000.00"),
            committed_by=people["us_staff"],
        )
        for state, proposal in proposals.items()
    }
    # A term sheet on every state's proposal, made directly for the same reason (docs/documents.md).
    documents = {
        state: attach_directly(proposal, people["sponsor_softbank"]).pk
        for state, proposal in proposals.items()
    }
    return World(
        {persona: user.pk for persona, user in people.items()}, proposals, instruments, documents
    )
