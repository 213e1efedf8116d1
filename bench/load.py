"""Accord under load: gunicorn on PostgreSQL driven by locust, headless, on loopback only.

    .venv/bin/python bench/load.py                 # 10, 50 and 200 users
    .venv/bin/python bench/load.py --users 50      # one level
    .venv/bin/python bench/load.py --profile       # then py-spy's top functions at 50 users

Drops and recreates the bench database (DATABASE_URL, default
postgres://root@127.0.0.1:5432/accord_bench), migrates it and seeds, with the generators of
``bench/permissions.py`` (bulk inserts): 10,000 proposals of 40 sponsors, 100 committee
members (49 members and a chair per delegation) and 400-odd proposals in `voting`, each with
an open ballot on which every member may vote. gunicorn then serves it with one sync worker per
core (``DJANGO_SETTINGS_MODULE=bench._load_settings``: Accord's settings and URLs plus a trivial DRF
endpoint, never part of production URLs), with the production defaults (CONN_MAX_AGE=60,
CONN_HEALTH_CHECKS on; set either in the environment to compare).

At each level of concurrent users, each a member with its own token and no think time:
- `member`: list, open a proposal, read a ballot, vote, change the vote (RUN_SECONDS);
- `list only`: the first page of the list (SHORT_SECONDS);
- `trivial`: a DRF view returning 20 fixed rows behind the same token authentication: the
  ceiling this machine and this stack allow (SHORT_SECONDS);
- `paced`: the member round again, each member pausing 1 to 3 s before each request as a
  person reading the page would (PACED_SECONDS). Shown beside the targets, not judged by
  them: the targets are for the round without pauses.
Printed: requests/s and p50/p95/p99 per endpoint and errors. Locust runs on the same cores as
the server, so every figure includes the load generator's share of the CPU.

Targets: p95 < 150 ms over the member mix at 50 users; list-only requests/s at least half the
trivial endpoint's at 50 users; 0 errors. A last line, `feasibility`, says whether the trivial
endpoint itself meets the p95 target at 50 users: without think time p95 is about users /
throughput, so where the trivial endpoint misses it, no endpoint that does real work meets it.
"""

from __future__ import annotations

import argparse
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

LEVELS = (10, 50, 200)
RUN_SECONDS = 20
SHORT_SECONDS = 10
PACED_SECONDS = 30
P95_TARGET_MS = 150
TARGET_USERS = 50
ORDER = ("list", "open", "ballot", "vote", "change vote", "Aggregated")
# 49 members and a chair per delegation: 100 committee members who vote.
PEOPLE = {"chair": 1, "member": 49, "staff": 3, "observer": 2}


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

    voters = [
        user for (role, _where, _n), user in people.users.items() if role in ("member", "chair")
    ]
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
    # One expiring API token per voter (hashed: the secrets stay in this process).
    tokens = [ApiToken.objects.create(user=user, name="bench")[1] for user in voters]
    generator.analyze()
    visible = list(
        Proposal.objects.exclude(status__in=["draft", "submitted"])
        .exclude(submitted_at__isnull=True)
        .filter(
            status__in=[
                "in_review",
                "voting",
                "approved",
                "rejected",
                "funding",
                "active",
                "closed",
            ]
        )  # fmt: skip
        .values_list("pk", flat=True)
    )
    return {
        "tokens": tokens,
        "voting": voting,
        "visible": visible,
        "proposals": Proposal.objects.count(),
        "members": len(voters),
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(workers: int) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench._load_settings",
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
        cwd=REPO, env=env, start_new_session=True,
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
    sys.exit("bench: gunicorn did not start")


def run_locust(base: str, world_path: str, users: int, seconds: int, target: str, out: Path):
    prefix = out / f"{target}-{users}"
    env = {**os.environ, "ACCORD_LOAD_WORLD": world_path, "ACCORD_LOAD_TARGET": target}
    subprocess.run(
        [shutil.which("locust", path=str(Path(sys.executable).parent)) or "locust",
         "-f", str(REPO / "bench" / "_locustfile.py"), "--headless", "--only-summary",
         "-u", str(users), "-r", str(users), "-t", f"{seconds}s", "--host", base,
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


def profile(server: subprocess.Popen, base: str, world_path: str, out: Path) -> None:
    """py-spy on one gunicorn worker while 50 users run the member mix: top functions."""
    children = subprocess.run(
        ["pgrep", "-P", str(server.pid)], capture_output=True, text=True
    ).stdout.split()
    spy = shutil.which("py-spy", path=str(Path(sys.executable).parent))
    if not children or not spy:
        print("profile: py-spy or a worker not found")
        return
    raw = out / "profile.txt"
    recorder = subprocess.Popen(
        [spy, "record", "--pid", children[0], "--duration", "15", "--format", "raw",
         "--output", str(raw), "--nonblocking"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    run_locust(base, world_path, TARGET_USERS, 15, "member", out)
    recorder.wait(timeout=60)
    own: dict[str, int] = {}
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        frames = stack.split(";")
        total += int(count)
        for frame in set(frames):
            own[frame] = own.get(frame, 0) + int(count)
    print(f"profile: {total} samples of one worker at {TARGET_USERS} users; inclusive share:")
    shown = 0
    for frame, count in sorted(own.items(), key=lambda kv: -kv[1]):
        if ".py" not in frame or "gunicorn" in frame or "wsgiref" in frame:
            continue
        print(f"  {100 * count / max(total, 1):5.1f}%  {frame[:150]}")
        shown += 1
        if shown == 40:
            break


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, action="append", help="a level (repeatable)")
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    levels = tuple(args.users or LEVELS)

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
    server, base = start_server(workers)
    try:
        run_locust(base, world_path, 10, 5, "member", out)  # warm-up: imports, connections
        results = {}
        for users in levels:
            mix = run_locust(base, world_path, users, RUN_SECONDS, "member", out)
            only = run_locust(base, world_path, users, SHORT_SECONDS, "list", out)
            trivial = run_locust(base, world_path, users, SHORT_SECONDS, "trivial", out)
            paced = run_locust(base, world_path, users, PACED_SECONDS, "paced", out)
            results[users] = (mix, only, trivial, paced)
        if args.profile:
            profile(server, base, world_path, out)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)

    conn = f"CONN_MAX_AGE={os.environ.get('CONN_MAX_AGE', '60 (default)')}"
    print(
        f"load[postgresql, gunicorn {workers} sync workers = cores, {conn}, {load_average()}]: "
        f"{world['proposals']:,} proposals, {world['members']} members, "
        f"{len(world['voting'])} open ballots, seeded in {seeded:.0f} s; locust, no think time"
    )
    errors = 0
    at_target = None
    for users, (mix, only, trivial, paced) in results.items():
        print(f"  {users} users, member mix {RUN_SECONDS} s:")
        for name in ORDER:
            if name in mix:
                f = figures(mix[name])
                print(
                    f"    {name:<12} {f['rps']:7.1f} req/s  p50 {f['p50']:5.0f} ms  "
                    f"p95 {f['p95']:5.0f} ms  p99 {f['p99']:5.0f} ms  "
                    f"{f['n']:6d} requests, {f['errors']} errors"
                )
        lo, tr = figures(only["list only"]), figures(trivial["trivial"])
        total = figures(mix["Aggregated"])
        print(
            f"    list only    {lo['rps']:7.1f} req/s  p50 {lo['p50']:5.0f} ms  "
            f"p95 {lo['p95']:5.0f} ms"
            f"  | trivial DRF ceiling {tr['rps']:7.1f} req/s  p95 {tr['p95']:5.0f} ms"
            f"  | list/ceiling {lo['rps'] / tr['rps']:.2f}"
        )
        pa = figures(paced["Aggregated"])
        print(
            f"    paced (1-3 s between a member's requests) {pa['rps']:7.1f} req/s  "
            f"p50 {pa['p50']:5.0f} ms  p95 {pa['p95']:5.0f} ms  p99 {pa['p99']:5.0f} ms  "
            f"{pa['n']:6d} requests, {pa['errors']} errors"
        )
        errors += total["errors"] + lo["errors"] + tr["errors"] + pa["errors"]
        if users == TARGET_USERS:
            at_target = (total, lo, tr)
    verdicts: dict[str, bool] = {}
    if at_target is None:
        print(f"targets: {TARGET_USERS} users not run; only errors are judged")
    else:
        total, lo, tr = at_target
        verdicts[f"p95 < {P95_TARGET_MS} ms over the mix at {TARGET_USERS} users"] = (
            total["p95"] < P95_TARGET_MS
        )
        verdicts[f"list >= half the trivial ceiling at {TARGET_USERS} users"] = (
            lo["rps"] >= tr["rps"] / 2
        )
        # Without think time p95 is about users / throughput: what the trivial endpoint
        # reaches here bounds what any endpoint that does real work can reach.
        reach = (
            "so this machine does not rule the target out"
            if tr["p95"] < P95_TARGET_MS
            else "so no endpoint that does real work can meet it on this machine"
        )
        print(
            f"feasibility: the trivial endpoint alone has p95 {tr['p95']:.0f} ms at "
            f"{TARGET_USERS} users ({tr['rps']:.0f} req/s) against the {P95_TARGET_MS} ms "
            f"target, {reach}"
        )
    verdicts["0 errors at every level"] = errors == 0
    print(
        "targets: "
        + "; ".join(f"{name}: {'met' if met else 'MISSED'}" for name, met in verdicts.items())
    )
    print(f"rerun: {rerun_command()}")
    if args.profile:
        print(f"profile kept in {out / 'profile.txt'} (py-spy raw: stack;stack count)")
    else:
        shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    main()
