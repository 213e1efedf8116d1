"""Demo data from the program: real companies, plausible proposals in several states, and a
user for every role of both delegations. Built through the services, so the decision log,
the grants and the ballots are exactly what real use produces. Idempotent."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from committee import permissions
from core.errors import DomainError
from projects import services
from projects.models import Proposal, Sponsor

from . import rules as committee_rules
from . import services as committee_services
from .models import Ballot
from .provisioning import provision

DEMO_PASSWORD = "accord-demo-2025"
# The authenticator-app seed of every demo chair, member and staff user (demo only: it is
# printed by seed_demo, and `manage.py demo_code` prints its current code).
DEMO_TOTP_SECRET = "ACCORDDEMOACCORDDEMOACCORDDEMO22"

SPONSORS = [
    ("SoftBank Group", "JP"),
    ("Westinghouse Electric", "US"),
    ("Hitachi", "JP"),
    ("GE Vernova", "US"),
    ("Mitsubishi Heavy Industries", "JP"),
    ("IHI Corporation", "JP"),
    ("Panasonic Energy", "JP"),
    ("Carrier Global", "US"),
]

# username, role, delegation or sponsor, display name
USERS = [
    ("us-chair", "chair", "US", "Margaret Ellis"),
    ("us-member-1", "member", "US", "David Okafor"),
    ("us-member-2", "member", "US", "Rachel Kim"),
    ("us-member-3", "member", "US", "Thomas Reyes"),
    ("us-staff", "staff", "US", "Laura Chen"),
    ("us-observer", "observer", "US", "Peter Novak"),
    ("jp-chair", "chair", "JP", "Sato Hiroshi"),
    ("jp-member-1", "member", "JP", "Tanaka Yuki"),
    ("jp-member-2", "member", "JP", "Suzuki Aiko"),
    ("jp-member-3", "member", "JP", "Watanabe Kenji"),
    ("jp-staff", "staff", "JP", "Ito Mei"),
    ("jp-observer", "observer", "JP", "Yamamoto Ren"),
    ("softbank", "sponsor", "SoftBank Group", "Kobayashi Daichi"),
    ("westinghouse", "sponsor", "Westinghouse Electric", "Emily Carter"),
    ("hitachi", "sponsor", "Hitachi", "Nakamura Sho"),
    ("gevernova", "sponsor", "GE Vernova", "Michael Grant"),
    ("mhi", "sponsor", "Mitsubishi Heavy Industries", "Kato Haruka"),
    ("ihi", "sponsor", "IHI Corporation", "Yoshida Taro"),
    ("panasonic", "sponsor", "Panasonic Energy", "Matsumoto Rina"),
    ("carrier", "sponsor", "Carrier Global", "Jennifer Walsh"),
]


@dataclass(frozen=True)
class DemoProposal:
    sponsor_user: str
    title: str
    sector: str
    amount: str
    currency: str
    description: str
    co_sponsors: tuple[str, ...] = ()
    path: tuple[str, ...] = ()  # steps after creation, see _walk


PROPOSALS = [
    DemoProposal(
        "softbank",
        "US transmission and grid build-out, phase 1",
        "grid",
        "25000000000",
        "USD",
        "High-voltage transmission, substations and grid-scale interconnects across three "
        "ISO regions to serve new data-centre and manufacturing load.",
        path=("submit", "accept"),
    ),
    DemoProposal(
        "westinghouse",
        "AP1000 twin-unit new build, Southeast",
        "nuclear",
        "18500000000",
        "USD",
        "Two AP1000 pressurised-water reactors at an existing licensed site; JBIC loan and NEXI "
        "guarantee for Japanese-supplied components.",
        path=("submit", "accept", "review", "open_ballot", "votes"),
    ),
    DemoProposal(
        "hitachi",
        "BWRX-300 small modular reactor fleet",
        "nuclear",
        "6200000000",
        "USD",
        "First four BWRX-300 SMRs with a common supply chain, built by the Hitachi and GE "
        "Vernova alliance.",
        co_sponsors=("GE Vernova",),
        path=(
            "submit",
            "accept",
            "review",
            "open_ballot",
            "votes",
            "close_ballot",
            "decision",
            "condition",
        ),
    ),
    DemoProposal(
        "panasonic",
        "Grid-scale battery storage plant, Kansas",
        "energy_storage",
        "4000000000",
        "USD",
        "Cell manufacturing and 4 GWh of grid storage next to the Kansas gigafactory.",
        path=("submit",),
    ),
    DemoProposal(
        "mhi",
        "Gas turbine and hydrogen co-firing supply base",
        "advanced_manufacturing",
        "310000000000",
        "JPY",
        "A US assembly and service base for large gas turbines ready for hydrogen co-firing.",
    ),
    DemoProposal(
        "ihi",
        "Ammonia-fired power components plant",
        "advanced_manufacturing",
        "95000000000",
        "JPY",
        "Burners and boilers for ammonia co-firing, for US utilities.",
        path=("submit", "return"),
    ),
    DemoProposal(
        "carrier",
        "Data-centre cooling systems expansion",
        "ai_infrastructure",
        "1200000000",
        "USD",
        "Liquid-cooling and chiller lines for AI data centres.",
        path=(
            "submit",
            "accept",
            "review",
            "open_ballot",
            "votes",
            "close_ballot",
            "decision",
            "condition",
            "satisfy",
            "start_funding",
        ),
    ),
]


DEMO_VOTES = {
    # Every demo member and chair votes, so the demo's ballots reach quorum unless more
    # non-demo voters were added than the demo has (then see ``_quorum_shortfall``).
    "us-chair": "for",
    "us-member-1": "for",
    "us-member-2": "for",
    "us-member-3": "against",
    "jp-chair": "for",
    "jp-member-1": "for",
    "jp-member-2": "for",
    "jp-member-3": "for",
}
DEMO_DECISION = (
    "Approved as proposed, subject to the conditions of approval below: JBIC lends up to 60% "
    "of the Japanese-supplied content; NEXI covers the balance; funding starts once every "
    "condition is satisfied."
)
DEMO_CONDITION = "A signed offtake agreement covering at least 70% of the first ten years' output."


class Shortfall(Exception):
    """The demo cannot take a proposal further without touching others' data."""


def _users() -> dict:
    User = get_user_model()
    return {u.username: u for u in User.objects.filter(username__in=[row[0] for row in USERS])}


def _quorum_shortfall(proposal: Proposal) -> str | None:
    """Why closing the open ballot now would miss quorum, or ``None`` if it would not.

    Extra members provisioned beside the demo's are eligible voters too; the demo never
    votes in their name, so with enough of them the demo's votes cannot make quorum.
    """
    ballot = Ballot.objects.filter(proposal=proposal, status=Ballot.Status.OPEN).first()
    if ballot is None:
        return None
    votes = ballot.votes.filter(voided=False).values_list("delegation", "choice")
    eligible = {"US": ballot.eligible_us, "JP": ballot.eligible_jp}
    result = committee_rules.tally(list(votes), eligible, ballot.rule)
    if result.outcome != "no_quorum":
        return None
    cast = {d: sum(result.counts[d].values()) for d in eligible}
    return (
        f"its ballot would miss quorum ({cast['US']} of {eligible['US']} US and "
        f"{cast['JP']} of {eligible['JP']} JP voters have voted: other members are eligible "
        "too), so it stays open for them"
    )


def _transition(users: dict, who: str, proposal: Proposal, action: str, **extra: Any) -> None:
    services.proposal_transition(user=users[who], proposal_id=proposal.pk, action=action, **extra)


def _submit(proposal: Proposal, demo: DemoProposal, users: dict) -> None:
    _transition(users, demo.sponsor_user, proposal, "submit")


def _return(proposal: Proposal, demo: DemoProposal, users: dict) -> None:
    comment = "Please add the environmental permitting timeline and the offtake terms."
    _transition(users, "jp-staff", proposal, "return", comment=comment)


def _review(proposal: Proposal, demo: DemoProposal, users: dict) -> None:
    scores = {"strategic_fit": 5, "financial_viability": 4, "risk": 3, "execution": 4}
    for name, recommendation in (
        ("us-member-1", "approve"),
        ("jp-member-1", "approve_with_conditions"),
    ):
        committee_services.review_submit(
            user=users[name],
            proposal_id=proposal.pk,
            scores=scores,
            recommendation=recommendation,
            comments="Strong strategic fit; watch the supply chain.",
            visibility="committee",
        )
    committee_services.note_add(
        user=users["jp-member-2"],
        proposal_id=proposal.pk,
        visibility="delegation",
        text="JBIC prefers a longer tenor; raise it in the joint session.",
    )


def _open_ballot(proposal: Proposal, demo: DemoProposal, users: dict) -> None:
    closes_at = timezone.now() + dt.timedelta(days=7)
    _transition(users, "us-chair", proposal, "open_ballot", closes_at=closes_at)


def _votes(proposal: Proposal, demo: DemoProposal, users: dict) -> None:
    for name, choice in DEMO_VOTES.items():
        if not permissions.can_vote(users[name], proposal):
            continue  # recused, or not a voter on this database: never forced
        rationale = (
            "Meets the program's strategic criteria."
            if choice == "for"
            else "Cost overrun risk is not yet mitigated."
        )
        committee_services.vote_cast(
            user=users[name], proposal_id=proposal.pk, choice=choice, rationale=rationale
        )


def _close_ballot(proposal: Proposal, demo: DemoProposal, users: dict) -> None:
    shortfall = _quorum_shortfall(proposal)
    if shortfall:
        raise Shortfall(shortfall)
    _transition(users, "jp-chair", proposal, "close_ballot")


def _decision(proposal: Proposal, demo: DemoProposal, users: dict) -> None:
    committee_services.decision_record(
        user=users["jp-chair"], proposal_id=proposal.pk, text=DEMO_DECISION
    )


def _condition(proposal: Proposal, demo: DemoProposal, users: dict) -> None:
    committee_services.condition_add(
        user=users["us-staff"],
        proposal_id=proposal.pk,
        text=DEMO_CONDITION,
        due=timezone.localdate() + dt.timedelta(days=10),
    )


def _satisfy(proposal: Proposal, demo: DemoProposal, users: dict) -> None:
    for condition in proposal.conditions.exclude(status__in=["satisfied", "withdrawn"]):
        committee_services.condition_satisfy(
            user=users["jp-staff"],
            condition_id=condition.pk,
            evidence="Offtake agreement signed with three utilities; copy on file.",
        )


# A demo proposal's path, step by step: each name runs one of these.
STEPS = {
    "submit": _submit,
    "accept": lambda proposal, demo, users: _transition(users, "us-staff", proposal, "accept"),
    "return": _return,
    "review": _review,
    "open_ballot": _open_ballot,
    "votes": _votes,
    "close_ballot": _close_ballot,
    "decision": _decision,
    "condition": _condition,
    "satisfy": _satisfy,
    "start_funding": lambda proposal, demo, users: _transition(
        users, "us-staff", proposal, "start_funding"
    ),
}


def _walk(proposal: Proposal, demo: DemoProposal, users: dict) -> str | None:
    """Take the proposal along its path; stop at the first step that cannot be taken.

    Each step is its own savepoint, so a step that fails changes nothing and the steps
    before it stand. Returns one line saying where and why it stopped, or ``None``.
    """
    for step in demo.path:
        try:
            with transaction.atomic():
                STEPS[step](proposal, demo, users)
        except (DomainError, Shortfall) as error:
            proposal.refresh_from_db()
            reason = error.message if isinstance(error, DomainError) else str(error)
            return (
                f"{proposal.reference} ({demo.title}) stays {proposal.status} instead of "
                f"going on to {step}: {reason}"
            )
    return None


def _demo_proposal(demo: DemoProposal, users: dict) -> Proposal | None:
    """The demo's own proposal: its title, created by its demo sponsor user (not by others)."""
    return Proposal.objects.filter(title=demo.title, created_by=users[demo.sponsor_user]).first()


@transaction.atomic
def seed_demo() -> dict:
    """Create what is missing of the demo; a second run changes nothing.

    It touches only its own objects: the demo users and its own proposals. Sponsors that
    already exist are used as they are. Where a demo proposal cannot be taken as far as
    planned on this database, it stays where it got to and ``notes`` says why.
    """
    _provision_people()
    users = _users()
    _name_people(users)
    created = 0
    notes: list[str] = []
    for demo in PROPOSALS:
        if _demo_proposal(demo, users) is not None:
            continue
        proposal = services.proposal_create(
            user=users[demo.sponsor_user],
            title=demo.title,
            description=demo.description,
            sector=demo.sector,
            amount_requested=Decimal(demo.amount),
            currency=demo.currency,
            co_sponsors=list(demo.co_sponsors),
        )
        created += 1
        note = _walk(proposal, demo, users)
        if note:
            notes.append(note)
    return {"users": len(USERS), "proposals_created": created, "notes": notes}


def _provision_people() -> None:
    """The demo's sponsors and users, through the same provisioning an operator uses."""
    existing = set(_users())
    known_sponsors = set(
        Sponsor.objects.filter(name__in=[n for n, _c in SPONSORS]).values_list("name", flat=True)
    )
    provision(
        {
            "sponsors": [
                {"name": name, "country": country}
                for name, country in SPONSORS
                if name not in known_sponsors
            ],
            "users": [_demo_user(row, existing) for row in USERS],
        }
    )


def _demo_user(row: tuple, existing: set[str]) -> dict:
    username, role, where, _display = row
    return {
        "username": username,
        "role": role,
        # Demo mail goes to the console backend; an address makes it visible.
        "email": f"{username}@demo.accord.example",
        # Hashing is slow by design: set the password of new users only.
        **({} if username in existing else {"password": DEMO_PASSWORD}),
        **({"sponsor": where} if role == "sponsor" else {"delegation": where}),
        **({"totp_secret": DEMO_TOTP_SECRET} if role in settings.ACCORD_MFA_REQUIRED_ROLES else {}),
    }


def _name_people(users: dict) -> None:
    for username, _role, _where, display in USERS:
        first, _space, last = display.partition(" ")
        user = users[username]
        if (user.first_name, user.last_name) != (first, last):
            user.first_name, user.last_name = first, last
            user.save(update_fields=["first_name", "last_name"])
