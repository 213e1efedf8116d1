"""Permission-filtered proposal list on PostgreSQL: GET /api/v1/proposals/ at 100 and 10,000.

    .venv/bin/python bench/permissions.py            # figures
    .venv/bin/python bench/permissions.py --explain  # figures, then each request's queries
                                                      # and EXPLAIN ANALYZE of the big ones

Drops and recreates the bench database (DATABASE_URL, default
postgres://root@127.0.0.1:5432/accord_bench) and migrates it. 300 users of every role in both
delegations and 40 sponsor organisations are made through the services (``sponsor_upsert``,
``membership_assign``), so their groups are the real ones. Proposals, co-sponsorships and the
django-guardian rows ``projects.permissions`` would have granted by their state are written
with ``bulk_create``; ``visible_proposals`` is checked against the counts the generator
expects. The first page (default size) is timed through Django's test client for a US member
and for the sponsor user with the most proposals, first with 100 proposals, then with 10,000.

Targets: median < 80 ms at 10,000 proposals; median(10,000) / median(100) < 2.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from _common import TITLES, load_average, median, p95, rerun_command, setup, signed_in_client

SMALL, LARGE = 100, 10_000
WARMUP, REQUESTS = 10, 50
MEDIAN_TARGET_MS = 80.0
RATIO_TARGET = 2.0
BATCH = 2_000

# Per delegation: 2 chairs, 40 members, 15 staff, 8 observers = 65; both: 130.
DELEGATION_PEOPLE = {"chair": 2, "member": 40, "staff": 15, "observer": 8}
SPONSOR_USERS = 170  # 300 users in all
SPONSORS = [
    ("SoftBank Group", "JP"),
    ("Westinghouse Electric", "US"),
    ("Hitachi", "JP"),
    ("GE Vernova", "US"),
    ("Mitsubishi Heavy Industries", "JP"),
    ("IHI", "JP"),
    ("Panasonic", "JP"),
    ("Carrier", "US"),
    ("Toshiba", "JP"),
    ("Toyota Tsusho", "JP"),
    ("Mitsui & Co.", "JP"),
    ("Mitsubishi Corporation", "JP"),
    ("Sumitomo Corporation", "JP"),
    ("ITOCHU", "JP"),
    ("Marubeni", "JP"),
    ("JERA", "JP"),
    ("Tokyo Electron", "JP"),
    ("Fujitsu", "JP"),
    ("NEC", "JP"),
    ("Kawasaki Heavy Industries", "JP"),
    ("Japan Steel Works", "JP"),
    ("Sumitomo Electric", "JP"),
    ("Nippon Steel", "JP"),
    ("TDK", "JP"),
    ("Murata Manufacturing", "JP"),
    ("Shin-Etsu Chemical", "JP"),
    ("JX Advanced Metals", "JP"),
    ("Bechtel", "US"),
    ("Fluor", "US"),
    ("Exelon", "US"),
    ("Duke Energy", "US"),
    ("NuScale Power", "US"),
    ("TerraPower", "US"),
    ("Micron Technology", "US"),
    ("Intel", "US"),
    ("Albemarle", "US"),
    ("MP Materials", "US"),
    ("Huntington Ingalls", "US"),
    ("Oracle", "US"),
    ("Pfizer", "US"),
]
# Share of proposals in each state; withdrawn ones left draft, submitted or in_review.
STATES = {
    "draft": 10,
    "submitted": 8,
    "in_review": 14,
    "voting": 4,
    "approved": 14,
    "rejected": 10,
    "funding": 10,
    "active": 18,
    "closed": 6,
    "withdrawn": 6,
}
REVIEWED = {"in_review", "voting", "approved", "rejected", "funding", "active", "closed"}
DESCRIPTION = (
    "Construction and operation of the facility, with offtake agreements in place for 80% of "
    "capacity. 資金は JBIC の融資と NEXI の保険で賄う。Milestones: permits, EPC contract, "
    "first power. Risks: schedule, FX, supply of long-lead components. "
)


@dataclass
class Spec:
    """What the generator decided for one proposal, and so who must see it."""

    sponsor: int
    co_sponsors: list[int]
    status: str
    reached: str  # draft | submitted | in_review: how far grants went
    created_at: dt.datetime
    year: int
    number: int = 0
    extra: dict = field(default_factory=dict)


def make_specs(count: int) -> list[Spec]:
    from projects.rules import SECTORS  # importable once setup() has put the repo on the path

    sectors = [sector for sector in SECTORS if sector != "other"]
    rng = random.Random(550)
    weights = [1 / (i + 1) ** 0.6 for i in range(len(SPONSORS))]
    states, state_weights = zip(*STATES.items(), strict=True)
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    start = now - dt.timedelta(days=3 * 365)
    step = (now - start) / count
    specs, counters = [], {}
    for i in range(count):
        lead = rng.choices(range(len(SPONSORS)), weights)[0]
        others = [s for s in range(len(SPONSORS)) if s != lead]
        co = rng.sample(others, rng.choices([0, 1, 2], [60, 30, 10])[0])
        status = rng.choices(states, state_weights)[0]
        if status == "withdrawn":
            reached = rng.choice(["draft", "submitted", "in_review"])
        elif status == "draft":
            reached = "draft"
        elif status == "submitted":
            reached = "submitted"
        else:
            reached = "in_review"
        created = start + step * i + dt.timedelta(seconds=rng.randrange(60))
        counters[created.year] = counters.get(created.year, 0) + 1
        spec = Spec(lead, co, status, reached, created, created.year, counters[created.year])
        spec.extra = {
            "title": rng.choice(TITLES),
            "sector": rng.choice(sectors),
            "amount": Decimal(rng.randrange(10_000_000, 50_000_000_000)) / 100,
            "currency": rng.choice(["USD", "USD", "JPY"]),
        }
        specs.append(spec)
    return specs


# --- People -----------------------------------------------------------------------------


@dataclass
class People:
    sponsors: list  # Sponsor rows, in SPONSORS order
    users: dict  # (role, delegation or sponsor index, n) -> User
    voters: list[int]  # user ids of members and chairs
    groups: dict  # (delegation, role) -> group id


def make_people() -> People:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from committee.services import delegation_groups, membership_assign
    from projects.services import sponsor_upsert

    sponsors = [sponsor_upsert(name=name, country=country) for name, country in SPONSORS]
    User = get_user_model()
    unusable = make_password(None)
    wanted: list[tuple[str, object, int]] = []
    for delegation in ("US", "JP"):
        for role, count in DELEGATION_PEOPLE.items():
            wanted += [(role, delegation, n) for n in range(count)]
    wanted += [("sponsor", n % len(SPONSORS), n // len(SPONSORS)) for n in range(SPONSOR_USERS)]
    rows = [
        User(
            username=f"{role}-{where}-{n}".lower(),
            email=f"{role}-{where}-{n}@example.org".lower(),
            password=unusable,
        )
        for role, where, n in wanted
    ]
    User.objects.bulk_create(rows)
    users = {}
    for key, user in zip(wanted, rows, strict=True):  # bulk_create set the pks
        role, where, _n = key
        if role == "sponsor":
            membership_assign(user=user, role=role, sponsor=sponsors[where])
        else:
            membership_assign(user=user, role=role, delegation=where)
        users[key] = user
    voters = [u.pk for (role, _w, _n), u in users.items() if role in ("member", "chair")]
    groups = {key: group.pk for key, group in delegation_groups().items()}
    return People(sponsors, users, voters, groups)


# --- Proposals and their permission rows ------------------------------------------------


class _ExplicitTimestamps:
    """Let bulk_create keep the generator's created_at/updated_at (auto_now off for a while)."""

    def __enter__(self):
        from projects.models import Proposal

        self.fields = [Proposal._meta.get_field(n) for n in ("created_at", "updated_at")]
        self.saved = [(f.auto_now, f.auto_now_add) for f in self.fields]
        for f in self.fields:
            f.auto_now = f.auto_now_add = False

    def __exit__(self, *exc):
        for f, (auto_now, auto_now_add) in zip(self.fields, self.saved, strict=True):
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


@dataclass
class Grants:
    """The permission ids and who the workflow grants them to, looked up once."""

    view: int
    change: int
    vote: int
    sponsor_groups: list[int]  # each sponsor's group, in SPONSORS order
    staff: list[int]  # both delegations' staff groups
    committee: list[int]  # both delegations' members, chairs and observers
    voters: list[int]


def make_grants(people: People) -> Grants:
    """The proposal permissions' ids, and the groups and users of ``people`` that get them."""
    from django.contrib.auth.models import Permission

    perms = {
        p.codename: p.pk
        for p in Permission.objects.filter(
            content_type__app_label="projects", content_type__model="proposal"
        )
    }
    return Grants(
        view=perms["view_proposal"],
        change=perms["change_proposal"],
        vote=perms["vote_proposal"],
        sponsor_groups=[s.group_id for s in people.sponsors],
        staff=[people.groups[(d, "staff")] for d in ("US", "JP")],
        committee=[
            people.groups[(d, r)] for d in ("US", "JP") for r in ("member", "chair", "observer")
        ],
        voters=people.voters,
    )


def proposal_row(spec: Spec, people: People):
    """The unsaved Proposal for ``spec``, its dates following how far it went."""
    from projects.models import Proposal

    x = spec.extra
    submitted = spec.created_at + dt.timedelta(days=3) if spec.reached != "draft" else None
    decided = None
    if spec.status in ("approved", "rejected", "funding", "active", "closed"):
        decided = spec.created_at + dt.timedelta(days=40)
    return Proposal(
        reference=f"P-{spec.year}-{spec.number:04d}",
        title=x["title"],
        sponsor=people.sponsors[spec.sponsor],
        sector=x["sector"],
        description=DESCRIPTION,
        amount_requested=x["amount"],
        currency=x["currency"],
        status=spec.status,
        created_at=spec.created_at,
        updated_at=decided or submitted or spec.created_at,
        submitted_at=submitted,
        decided_at=decided,
    )


def permission_rows(spec: Spec, pid: int, grants: Grants) -> tuple[list, list]:
    """(proposal, group, permission) and (proposal, user, permission) triples: what
    ``projects.permissions`` grants as a proposal goes as far as ``spec`` says."""
    lead = grants.sponsor_groups[spec.sponsor]
    group_rows = [(pid, lead, grants.view), (pid, lead, grants.change)]
    user_rows = []
    if spec.reached in ("submitted", "in_review"):
        group_rows += [(pid, grants.sponsor_groups[s], grants.view) for s in spec.co_sponsors]
        group_rows += [(pid, g, grants.view) for g in grants.staff]
    if spec.reached == "in_review":
        group_rows += [(pid, g, grants.view) for g in grants.committee]
    if spec.status == "voting":
        user_rows += [(pid, u, grants.vote) for u in grants.voters]
    return group_rows, user_rows


def insert_chunk(chunk: list[Spec], people: People, grants: Grants) -> None:
    """One transaction: a chunk's proposals, then their co-sponsorships and guardian rows
    (which need the proposals' pks)."""
    from django.db import transaction

    from projects.models import (
        Proposal,
        ProposalGroupObjectPermission,
        ProposalUserObjectPermission,
    )

    CoSponsor = Proposal.co_sponsors.through
    rows = [proposal_row(spec, people) for spec in chunk]
    with transaction.atomic(), _ExplicitTimestamps():
        Proposal.objects.bulk_create(rows)
        co_rows, group_rows, user_rows = [], [], []
        for spec, proposal in zip(chunk, rows, strict=True):
            co_rows += [
                CoSponsor(proposal_id=proposal.pk, sponsor_id=people.sponsors[s].pk)
                for s in spec.co_sponsors
            ]
            groups, users = permission_rows(spec, proposal.pk, grants)
            group_rows += groups
            user_rows += users
        CoSponsor.objects.bulk_create(co_rows)
        ProposalGroupObjectPermission.objects.bulk_create(
            [
                ProposalGroupObjectPermission(content_object_id=p, group_id=g, permission_id=m)
                for p, g, m in group_rows
            ],
            batch_size=5_000,
        )
        ProposalUserObjectPermission.objects.bulk_create(
            [
                ProposalUserObjectPermission(content_object_id=p, user_id=u, permission_id=m)
                for p, u, m in user_rows
            ],
            batch_size=5_000,
        )


def set_reference_counters(specs: list[Spec]) -> None:
    """Move each year's reference counter past the numbers the specs used."""
    from projects.models import ReferenceCounter

    last: dict[int, int] = {}
    for spec in specs:
        last[spec.year] = max(last.get(spec.year, 0), spec.number)
    for year, number in last.items():
        ReferenceCounter.objects.update_or_create(year=year, defaults={"last": number})


def insert_proposals(specs: list[Spec], people: People) -> None:
    """bulk_create the proposals, co-sponsorships and the guardian rows of their state."""
    grants = make_grants(people)
    for lo in range(0, len(specs), BATCH):
        insert_chunk(specs[lo : lo + BATCH], people, grants)
    set_reference_counters(specs)


def analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def server_settings() -> str:
    """The PostgreSQL settings these figures depend on most (JIT above all)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('server_version'), current_setting('jit')")
        version, jit = cursor.fetchone()
    return f"{version.split()[0]}, jit={jit}"


def expected_counts(specs: list[Spec], sponsor: int) -> tuple[int, int]:
    """Proposals a committee member, and a user of sponsor ``sponsor``, must see."""
    member = sum(1 for s in specs if s.reached == "in_review")
    mine = sum(
        1
        for s in specs
        if s.sponsor == sponsor or (sponsor in s.co_sponsors and s.reached != "draft")
    )
    return member, mine


def check_data(specs, member, sponsor_user, sponsor_index) -> tuple[int, int]:
    from projects.models import Proposal
    from projects.permissions import visible_proposals

    assert Proposal.objects.count() == len(specs)
    want_member, want_sponsor = expected_counts(specs, sponsor_index)
    got_member = visible_proposals(member).count()
    got_sponsor = visible_proposals(sponsor_user).count()
    assert got_member == want_member, (got_member, want_member)
    assert got_sponsor == want_sponsor, (got_sponsor, want_sponsor)
    return want_member, want_sponsor


# --- Requests ---------------------------------------------------------------------------


URL = "/api/v1/proposals/"


def client_for(user):
    return signed_in_client(user)


def get_page(client, expected_count: int) -> None:
    response = client.get(URL)
    assert response.status_code == 200, (response.status_code, response.content[:300])
    body = json.loads(response.content)
    assert body["count"] == expected_count, (body["count"], expected_count)
    assert len(body["results"]) == min(expected_count, 50)


def count_queries(client, expected_count: int) -> int:
    from django.db import connection

    executed = []

    def counter(execute, sql, params, many, context):
        executed.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counter):
        get_page(client, expected_count)
    return len(executed)


def time_requests(client, expected_count: int) -> tuple[float, float, int]:
    """Median and p95 in ms over REQUESTS requests after WARMUP, and queries per request."""
    for _ in range(WARMUP):
        get_page(client, expected_count)
    queries = count_queries(client, expected_count)
    samples = []
    for _ in range(REQUESTS):
        t0 = time.perf_counter()
        get_page(client, expected_count)
        samples.append((time.perf_counter() - t0) * 1000)
    return median(samples), p95(samples), queries


def explain(client, label: str) -> None:
    """Print one request's queries with their times, and EXPLAIN ANALYZE of the proposal ones."""
    from django.db import connection

    captured = []

    def wrapper(execute, sql, params, many, context):
        t0 = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            captured.append((sql, params, (time.perf_counter() - t0) * 1000))

    t0 = time.perf_counter()
    with connection.execute_wrapper(wrapper):
        client.get(URL)
    total = (time.perf_counter() - t0) * 1000
    in_sql = sum(ms for _sql, _params, ms in captured)
    print(
        f"--- {label}: {len(captured)} queries, "
        f"request {total:.1f} ms, of which SQL {in_sql:.1f} ms"
    )
    for sql, _params, ms in captured:
        print(f"[{ms:6.2f} ms] {sql[:300]}{' …' if len(sql) > 300 else ''}")
    for sql, params, _ms in captured:
        if "projects_proposal" not in sql or "django_session" in sql:
            continue
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        print(f"--- EXPLAIN ANALYZE ({label}): {sql[:120]} …\n{plan}")


def main() -> None:
    setup()
    from django.conf import settings

    settings.SECURE_SSL_REDIRECT = False
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]

    people = make_people()
    specs = make_specs(LARGE)
    # The sponsor user measured belongs to the organisation with the most proposals.
    sponsor_index = Counter(spec.sponsor for spec in specs).most_common(1)[0][0]
    member = people.users[("member", "US", 0)]
    sponsor_user = people.users[("sponsor", sponsor_index, 0)]

    results = {}
    for size, new in ((SMALL, specs[:SMALL]), (LARGE, specs[SMALL:])):
        insert_proposals(new, people)
        analyze()
        want_member, want_sponsor = check_data(specs[:size], member, sponsor_user, sponsor_index)
        member_client, sponsor_client = client_for(member), client_for(sponsor_user)
        results[size] = {
            "member": (*time_requests(member_client, want_member), want_member),
            "sponsor": (*time_requests(sponsor_client, want_sponsor), want_sponsor),
        }

    parts = []
    verdicts = []
    for who in ("member", "sponsor"):
        small_med, small_p95, small_q, small_n = results[SMALL][who]
        large_med, large_p95, large_q, large_n = results[LARGE][who]
        ratio = large_med / small_med
        verdicts.append(large_med < MEDIAN_TARGET_MS and ratio < RATIO_TARGET)
        parts.append(
            f"{who} (sees {large_n:,} of {LARGE:,}; {small_n} of {SMALL}): "
            f"@{LARGE:,} median {large_med:.1f} ms p95 {large_p95:.1f} ms, "
            f"@{SMALL} median {small_med:.1f} ms p95 {small_p95:.1f} ms, "
            f"ratio {ratio:.2f}x, queries/request {large_q} vs {small_q}"
        )
    verdict = "OK" if all(verdicts) else "MISSED"
    print(
        f"permissions[postgresql {server_settings()}, {load_average()}] GET {URL} first page, "
        f"{REQUESTS} requests after {WARMUP} warm-up: "
        + " | ".join(parts)
        + f" (targets median < {MEDIAN_TARGET_MS:g} ms, ratio < {RATIO_TARGET:g}x: {verdict})"
    )
    print(f"rerun: {rerun_command()}")
    if "--explain" in sys.argv[1:]:
        explain(client_for(member), f"member @{LARGE:,}")
        explain(client_for(sponsor_user), f"sponsor @{LARGE:,}")


if __name__ == "__main__":
    main()
