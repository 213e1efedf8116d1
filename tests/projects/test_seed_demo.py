"""``seed_demo`` never blocks start-up: on any database, it touches only its own objects."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command

from committee.demo import PROPOSALS
from committee.models import Ballot, Vote
from core.models import DecisionLogEntry, Membership
from projects.models import Proposal
from tests.conftest import make_user


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)  # raises (non-zero exit) on failure
    return out.getvalue()


def others_snapshot(ids):
    """Everything about the proposals and people that are not the demo's."""
    proposals = list(
        Proposal.objects.filter(pk__in=ids)
        .order_by("pk")
        .values(
            "pk", "reference", "title", "status", "sponsor_id", "decided_at", "amount_requested"
        )
    )
    refs = [p["reference"] for p in proposals]
    return {
        "proposals": proposals,
        "log": list(DecisionLogEntry.objects.filter(proposal__in=refs).values_list("seq", "hash")),
        "ballots": list(Ballot.objects.filter(proposal_id__in=ids).values()),
        "votes": list(Vote.objects.filter(ballot__proposal_id__in=ids).values()),
        "members": list(
            Membership.objects.exclude(user__username__in=DEMO_USERNAMES)
            .order_by("user_id")
            .values("user_id", "role", "delegation", "sponsor_id")
        ),
    }


DEMO_USERNAMES = [
    "us-chair",
    "us-member-1",
    "us-member-2",
    "us-member-3",
    "us-staff",
    "us-observer",
    "jp-chair",
    "jp-member-1",
    "jp-member-2",
    "jp-member-3",
    "jp-staff",
    "jp-observer",
    "softbank",
    "westinghouse",
    "hitachi",
    "gevernova",
    "mhi",
    "ihi",
    "panasonic",
    "carrier",
]


def demo_proposals():
    return {p.title: p for p in Proposal.objects.filter(created_by__username__in=DEMO_USERNAMES)}


def test_it_seeds_beside_other_members_and_proposals_and_changes_none_of_them(make_proposal):
    # Someone else's proposals, one of them with the demo's own title, and their committee.
    mine = [
        make_proposal("voting"),
        make_proposal("approved"),
        make_proposal("draft", title=PROPOSALS[0].title),
    ]
    before = others_snapshot([p.pk for p in mine])

    output = seed()

    assert "Demo ready: 7 proposal(s) created" in output
    assert others_snapshot([p.pk for p in mine]) == before
    demo = demo_proposals()
    assert len(demo) == 7
    # Enough demo voters vote that the extra committee (3 per delegation) does not block quorum.
    assert demo["Data-centre cooling systems expansion"].status == "funding"
    assert demo["BWRX-300 small modular reactor fleet"].status == "approved"


def test_with_more_extra_members_than_it_has_voters_it_says_so_and_goes_on(make_proposal):
    mine = [make_proposal("in_review")]
    for n in range(4):
        make_user(f"extra-us-{n}", "member", "US")
    before = others_snapshot([p.pk for p in mine])

    output = seed()

    notes = [line for line in output.splitlines() if line.startswith("Note: ")]
    assert len(notes) == 2
    assert all("stays voting" in line and "quorum" in line for line in notes)
    assert "Demo ready: 7 proposal(s) created" in output
    assert others_snapshot([p.pk for p in mine]) == before
    demo = demo_proposals()
    assert demo["Data-centre cooling systems expansion"].status == "voting"
    assert demo["Gas turbine and hydrogen co-firing supply base"].status == "draft"


def test_a_second_run_changes_nothing(db):
    seed()
    log = DecisionLogEntry.objects.count()
    output = seed()
    assert "Demo ready: 0 proposal(s) created" in output
    assert DecisionLogEntry.objects.count() == log
    demo = demo_proposals()
    hitachi = demo["BWRX-300 small modular reactor fleet"]
    assert hitachi.status == "approved"
    assert Ballot.objects.get(proposal=hitachi).decision_text
    assert hitachi.conditions.get().status == "open"
