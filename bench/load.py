"""Accord as its people use it: gunicorn on PostgreSQL, driven by locust, headless, on loopback.

    .venv/bin/python bench/load.py

Drops and recreates the bench database (DATABASE_URL, default
postgres://root@127.0.0.1:5432/accord_bench), migrates it and seeds it with the generators of
``bench/permissions.py`` (bulk inserts): 10,000 proposals of 40 sponsors, the whole committee
(a chair and 24 members per delegation: 50 voters) and secretariat (5 staff per delegation),
and 400-odd proposals in `voting`, each with an open ballot on which every voter may vote.
gunicorn serves it with one sync worker per core and the production defaults
(CONN_MAX_AGE=60, CONN_HEALTH_CHECKS on; set either in the environment to compare).

Everyone at once, each with their own token (``bench/_locustfile.py``):
- 50 members: list, open a proposal, read a ballot, vote, change the vote;
- 10 staff: their queue (the list filtered to submitted and in review), open a proposal, its
  reviews, a ballot's tally, the decision log's first page, the exposure figures.
Each pauses 1 to 3 s before every request, as someone reading the page does (PACED_SECONDS).
Then the same 60 people with no pause at all (BURST_SECONDS): shown for information, not
judged. Locust runs on the same cores as the server, so the figures include its share of CPU.

Printed: one line with requests/s, p50/p95/p99 and errors over all requests of each run,
then p50/p95 per request.
Targets (the paced run): p95 < 150 ms over all requests; 0 errors.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from _common import REPO, load_average, rerun_command, setup

PACED_SECONDS = 90
BURST_SECONDS = 20
P95_TARGET_MS = 150
# Per delegation: a chair and 24 members (50 voters in all), 5 staff, 2 observers.
PEOPLE = {"chair": 1, "member": 24, "staff": 5, "observer": 2}
MEMBERS, STAFF = 50, 10
ORDER = (
    "list",
    "open",
    "ballot",
    "vote",
    "change vote",
    "staff: queue",
    "staff: open",
    "staff: reviews",
    "staff: ballot",
    "staff: decision log",
    "staff: exposure",
)
# Proposals past screening, which members and staff both see.
VISIBLE = ("in_review", "voting", "approved", "rejected", "funding", "active", "closed")


def seed() -> dict:
    """Bulk-insert the people, the proposals, open ballots and tokens; return the world."""
    import permissions as generator  # bench/permissions.py: the same generators and rows
    from django.utils import timezone

    from accounts.models import ApiToken
    from committee.models import Ballot
    from projects.models import Proposal

    generator.DELEGATION_PEOPLE.clear()
    generator.DELEGATION_PEOPLE.update(PEOPLE)
    people = generator.make_people()
    specs = generator.make_specs(10_000)
    generator.insert_proposals(specs, people)

    def of(*roles: str) -> list:
        return [user for (role, _where, _n), user in people.users.items() if role in roles]

    voters, staff = of("member", "chair"), of("staff")
    assert (len(voters), len(staff)) == (MEMBERS, STAFF), (len(voters), len(staff))
    chair = people.users[("chair", "US", 0)]
    voting = list(Proposal.objects.filter(status="voting").values_list("pk", flat=True))
    now = timezone.now()
    eligible = {d: sum(1 for (r, w, _n) in people.users if r in ("member", "chair") and w == d)
                for d in ("US", "JP")}  # fmt: skip
    Ballot.objects.bulk_create(
        [
            Ballot(
                proposal_id=pk,
                rule="dual_majority",
                opened_by=chair,
                opened_at=now - dt.timedelta(hours=1),
                eligible_us=eligible["US"],
                eligible_jp=eligible["JP"],
            )
            for pk in voting
        ]
    )
    # insert_proposals granted every voter the vote on each voting proposal already.
    # One expiring API token per person (hashed: the secrets stay in this process).
    tokens = {
        user.pk: ApiToken.objects.create(user=user, name="bench")[1] for user in voters + staff
    }
    generator.analyze()
    visible = list(Proposal.objects.filter(status__in=VISIBLE).values_list("pk", flat=True))
    return {
        "member_tokens": [tokens[user.pk] for user in voters],
        "staff_tokens": [tokens[user.pk] for user in staff],
        "voting": voting,
        "visible": visible,
        "proposals": Proposal.objects.count(),
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(workers: int, log: Path) -> tuple[subprocess.Popen, str]:
    """gunicorn on a free port; its output (Django logs each 4xx) goes to ``log``."""
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "PYTHONPATH": str(REPO),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "DEBUG": "0",
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        "PYTHONWARNINGS": "ignore",
    }
    for name in ("CELERY_BROKER_URL", "CELERY_RESULT_BACKEND"):
        env.pop(name, None)
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi", f"--bind=127.0.0.1:{port}",
         f"--workers={workers}", "--timeout=120", "--log-level=warning"],
        cwd=REPO, env=env, start_new_session=True, stdout=log.open("w"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{base}/api/v1/proposals/", timeout=2)
        except urllib.error.HTTPError:
            return server, base  # 403 without a token: it is up
        except OSError:
            time.sleep(0.3)
    server.kill()
    sys.exit(f"bench: gunicorn did not start:\n{log.read_text()[-2000:]}")


def run_locust(base: str, world_path: str, seconds: int, paced: bool, out: Path, name: str):
    """Locust's statistics per request name for ``MEMBERS`` members and ``STAFF`` staff, who
    join over 3 s (people do not all click in the same millisecond)."""
    prefix = out / name
    env = {**os.environ, "ACCORD_LOAD_WORLD": world_path, "ACCORD_LOAD_PACED": str(int(paced))}
    users = MEMBERS + STAFF
    subprocess.run(
        [shutil.which("locust", path=str(Path(sys.executable).parent)) or "locust",
         "-f", str(REPO / "bench" / "_locustfile.py"), "--headless", "--only-summary",
         "-u", str(users), "-r", str(users // 3), "-t", f"{seconds}s", "--host", base,
         "--csv", str(prefix), "--loglevel", "ERROR", "--stop-timeout", "5"],
        cwd=REPO, env=env, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        timeout=seconds + 60,
    )  # fmt: skip
    with open(f"{prefix}_stats.csv") as handle:
        return {row["Name"]: row for row in csv.DictReader(handle)}


def figures(row: dict) -> dict:
    return {
        "rps": float(row["Requests/s"]),
        "p50": float(row["50%"]),
        "p95": float(row["95%"]),
        "p99": float(row["99%"]),
        "n": int(row["Request Count"]),
        "errors": int(row["Failure Count"]),
    }


def summary(f: dict) -> str:
    return (
        f"{f['rps']:.1f} req/s, p50 {f['p50']:.0f} / p95 {f['p95']:.0f} / p99 {f['p99']:.0f} ms, "
        f"{f['n']} requests, {f['errors']} errors"
    )


def per_request(stats: dict) -> str:
    return ", ".join(
        f"{name} {figures(stats[name])['p50']:.0f}/{figures(stats[name])['p95']:.0f}"
        for name in ORDER
        if name in stats
    )


def main() -> None:
    load_before = load_average()  # other work on the machine, before the bench's own
    setup()
    started = time.monotonic()
    world = seed()
    seeded = time.monotonic() - started
    out = Path(tempfile.mkdtemp(prefix="accord-load-"))
    world_path = str(out / "world.json")
    Path(world_path).write_text(json.dumps(world))
    from django.db import connections

    connections.close_all()

    workers = os.cpu_count() or 1
    server, base = start_server(workers, out / "gunicorn.log")
    try:
        run_locust(base, world_path, 5, False, out, "warm-up")  # imports, connections
        paced = run_locust(base, world_path, PACED_SECONDS, True, out, "paced")
        burst = run_locust(base, world_path, BURST_SECONDS, False, out, "burst")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    shutil.rmtree(out, ignore_errors=True)

    conn = f"CONN_MAX_AGE={os.environ.get('CONN_MAX_AGE', '60 (default)')}"
    total, info = figures(paced["Aggregated"]), figures(burst["Aggregated"])
    print(
        f"load[postgresql, gunicorn {workers} sync workers = cores, {conn}, "
        f"{load_before} before, {load_average()} after]: "
        f"{MEMBERS} members and {STAFF} staff at once, {world['proposals']:,} proposals, "
        f"{len(world['voting'])} open ballots (seeded in {seeded:.0f} s); "
        f"paced 1-3 s, {PACED_SECONDS} s: {summary(total)}; "
        f"no pause (information only), {BURST_SECONDS} s: {summary(info)}"
    )
    for label, stats in (("paced", paced), ("no pause", burst)):
        print(f"  {label}, p50/p95 ms per request: " + per_request(stats))
    verdicts = {
        f"paced p95 < {P95_TARGET_MS} ms": total["p95"] < P95_TARGET_MS,
        "paced 0 errors": total["errors"] == 0,
    }
    print(
        "targets: "
        + "; ".join(f"{name}: {'met' if met else 'MISSED'}" for name, met in verdicts.items())
    )
    print(f"rerun: {rerun_command()}")


if __name__ == "__main__":
    main()
