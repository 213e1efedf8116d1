"""Decision log on PostgreSQL: append rate, verify vs. plain read, export rate and memory.

    .venv/bin/python bench/decision_log.py

Drops and recreates the bench database (DATABASE_URL, default
postgres://root@127.0.0.1:5432/accord_bench), migrates it, writes a valid chain of
97,900 entries in bulk (hashes computed here with ``core.rules``), then appends the last
2,100 through ``decision_log_append`` (100 warm-up, 2,000 timed), so that verify and the
exports run over exactly 100,000 entries. Each export runs in a fresh child process of this
script (``--export-child FMT ROWS``) whose peak RSS is read at its start and end (see
``peak_rss_kb``).

Targets: verify/read <= 3x; export peak RSS growth flat (10k vs 100k rows) and < 150 MB.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from decimal import Decimal

from _common import TITLES, load_average, median, p95, rerun_command, setup

TOTAL = 100_000
WARMUP_APPENDS = 100
TIMED_APPENDS = 2_000
BULK = TOTAL - WARMUP_APPENDS - TIMED_APPENDS
BATCH = 5_000
SMALL_EXPORT = 10_000
FORMATS = ("csv", "jsonl", "xlsx")
VERIFY_RATIO_TARGET = 3.0
RSS_TARGET_MB = 150.0
FLAT_SLACK_MB = 10.0  # "flat": 100k rows may grow peak RSS at most this much more than 10k

ACTORS = [
    "alice",
    "bob",
    "carol",
    "sato",
    "yuki",
    "aiko",
    "laura",
    "mei",
    "ken",
    "hana",
    "system",
]
SPONSORS = [
    "SoftBank Group",
    "Westinghouse Electric",
    "日立製作所",
    "GE Vernova",
    "三菱重工業",
    "IHI",
    "パナソニック",
    "Carrier",
]
RATIONALES = [
    "戦略的適合性が高く、財務上の懸念は限定的。",
    "Strong strategic fit; covenant package acceptable.",
    "リスク評価の追加資料を求めた上で賛成。",
    "Execution risk too high at this stage.",
]
STATES = ["draft", "submitted", "in_review", "voting", "approved", "funding", "active"]


def _amount(rng: random.Random) -> str:
    return str(Decimal(rng.randrange(1_000_000, 5_000_000_000_00)) / 100)


def _proposal_submitted(rng: random.Random, seq: int) -> dict:
    """A proposal leaving draft: its title, sponsors and the amount asked for."""
    return {
        "from": "draft",
        "to": "submitted",
        "title": rng.choice(TITLES),
        "sponsor": rng.choice(SPONSORS),
        "co_sponsors": sorted(rng.sample(SPONSORS, 2)),
        "amount_requested": Decimal(_amount(rng)),
        "currency": rng.choice(["USD", "JPY"]),
    }


def _vote_cast(rng: random.Random, seq: int) -> dict:
    """One vote with its delegation and a rationale in either language."""
    return {
        "ballot": seq // 6,
        "delegation": rng.choice(["US", "JP"]),
        "choice": rng.choice(["for", "against", "abstain"]),
        "rationale": rng.choice(RATIONALES),
    }


def _proposal_accepted(rng: random.Random, seq: int) -> dict:
    """A step from one state to the next, with a short comment."""
    source = rng.randrange(len(STATES) - 1)
    return {"from": STATES[source], "to": STATES[source + 1], "comment": "書類確認済み"}


def _transaction_recorded(rng: random.Random, seq: int) -> dict:
    """A yen transaction: amount, rate and value date (decimals and a date to serialise)."""
    return {
        "instrument": seq // 3,
        "kind": rng.choice(["disbursement", "repayment", "interest"]),
        "amount": Decimal(_amount(rng)),
        "currency": "JPY",
        "fx_rate": Decimal("149.8700") + Decimal(rng.randrange(-500, 500)) / 100,
        "value_date": dt.date(2025, 1 + seq % 12, 1 + seq % 28),
    }


def _ballot_closed(rng: random.Random, seq: int) -> dict:
    """A ballot's outcome with nested per-delegation tallies."""
    return {
        "ballot": seq // 6,
        "outcome": rng.choice(["approved", "rejected", "no_quorum"]),
        "eligible": {"US": 6, "JP": 6},
        "tally": {
            "US": {"for": 4, "against": 1, "abstain": 1},
            "JP": {"for": 5, "against": 0, "abstain": 1},
        },
    }


def _distribution_recorded(rng: random.Random, seq: int) -> dict:
    """A distribution in dollars and its split between Japan and the US."""
    amount = Decimal(_amount(rng))
    japan = (amount / 2).quantize(Decimal("0.01"))
    return {
        "distribution": seq // 8,
        "date": dt.date(2025, 1 + seq % 12, 1 + seq % 28),
        "amount": amount,
        "currency": "USD",
        "amount_usd": amount,
        "japan": japan,
        "us": amount - japan,
        "phase": "pre_recovery",
    }


def _fx_rate_set(rng: random.Random, seq: int) -> dict:
    """A day's JPY rate, set for the first time."""
    return {
        "date": dt.date(2025, 1 + seq % 12, 1 + seq % 28),
        "currency": "JPY",
        "usd_per_unit": Decimal("0.0066") + Decimal(rng.randrange(-50, 50)) / 100000,
        "previous": None,
    }


def _decision_log_exported(rng: random.Random, seq: int) -> dict:
    """An export of the log itself: format, row count and who asked."""
    return {"format": rng.choice(["csv", "jsonl", "xlsx"]), "rows": seq, "by": "laura"}


# Indexed by ``seq % 8``: the event, whether it names a proposal, and its data.
EVENTS = (
    ("proposal_submitted", True, _proposal_submitted),
    ("vote_cast", True, _vote_cast),
    ("proposal_accepted", True, _proposal_accepted),
    ("transaction_recorded", True, _transaction_recorded),
    ("ballot_closed", True, _ballot_closed),
    ("distribution_recorded", True, _distribution_recorded),
    ("fx_rate_set", False, _fx_rate_set),
    ("decision_log_exported", False, _decision_log_exported),
)


def payload(rng: random.Random, seq: int) -> tuple[str, str | None, dict]:
    """One realistic (event, proposal, data) triple: a few keys, decimals as strings."""
    event, names_proposal, data = EVENTS[seq % 8]
    proposal = f"P-{2024 + seq % 2}-{seq % 2500 + 1:04d}" if names_proposal else None
    return event, proposal, data(rng, seq)


# --- Data -------------------------------------------------------------------------------


def build_chain(count: int) -> None:
    """Write entries 1..count in bulk, with hashes computed here, then move the head."""
    from core import rules
    from core.models import DecisionLogEntry, DecisionLogHead

    rng = random.Random(550)
    now = dt.datetime.now(dt.UTC)
    moment = now - dt.timedelta(days=400)
    step = dt.timedelta(days=399) / count
    prev = rules.GENESIS_HASH
    batch: list[DecisionLogEntry] = []
    for seq in range(1, count + 1):
        moment += step + dt.timedelta(microseconds=rng.randrange(1_000_000))
        event, proposal, data = payload(rng, seq)
        fields = {
            "seq": seq,
            "at": rules.format_at(moment),
            "actor": rng.choice(ACTORS),
            "proposal": proposal,
            "event": event,
            "data": rules.jsonable(data),
            "prev_hash": prev,
        }
        digest = rules.entry_hash(fields)
        batch.append(
            DecisionLogEntry(
                seq=seq,
                at=dt.datetime.fromisoformat(fields["at"]),
                actor=fields["actor"],
                proposal=proposal,
                event=event,
                data=fields["data"],
                prev_hash=prev,
                hash=digest,
            )
        )
        prev = digest
        if len(batch) == BATCH:
            DecisionLogEntry.objects.bulk_create(batch)
            batch = []
    if batch:
        DecisionLogEntry.objects.bulk_create(batch)
    DecisionLogHead.objects.update_or_create(id=1, defaults={"seq": count, "hash": prev})


# --- Measures ---------------------------------------------------------------------------


def measure_appends() -> tuple[float, list[float]]:
    from django.db import transaction

    from core.decision_log import decision_log_append

    rng = random.Random(2025)

    def append(seq: int) -> None:
        event, proposal, data = payload(rng, seq)
        with transaction.atomic():
            decision_log_append(actor=rng.choice(ACTORS), event=event, proposal=proposal, data=data)

    for seq in range(WARMUP_APPENDS):
        append(seq)
    latencies = []
    started = time.perf_counter()
    for seq in range(TIMED_APPENDS):
        t0 = time.perf_counter()
        append(seq)
        latencies.append(time.perf_counter() - t0)
    elapsed = time.perf_counter() - started
    return TIMED_APPENDS / elapsed, latencies


def measure_verify_and_read(rounds: int = 3) -> tuple[float, float]:
    """Median seconds of ``decision_log_verify()`` and of merely reading the same rows."""
    from core.decision_log import decision_log_verify, iter_entries

    def read() -> int:
        return sum(1 for _entry in iter_entries())

    def verify() -> int:
        result = decision_log_verify()
        assert result.ok, f"chain does not verify at seq {result.broken_seq}"
        return result.entries

    assert read() == TOTAL  # warm-up: the table and its index in shared buffers
    assert verify() == TOTAL
    reads, verifies = [], []
    for _ in range(rounds):
        t0 = time.perf_counter()
        assert read() == TOTAL
        reads.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        assert verify() == TOTAL
        verifies.append(time.perf_counter() - t0)
    return median(verifies), median(reads)


def peak_rss_kb() -> int:
    """This process's peak resident set size, in KiB.

    Linux's ``ru_maxrss`` carries over across fork and exec: a child started from this (big)
    process would report the parent's peak from its first instruction and hide any growth
    below it. ``VmHWM`` in ``/proc/self/status`` is the peak of this process's own memory
    since its exec; ``ru_maxrss`` is the fallback where there is no ``/proc``.
    """
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def export_child(fmt: str, rows: int, path: str | None = None) -> None:
    """Run in a fresh process: warm up, then export ``rows`` entries; print JSON figures.

    CSV and XLSX carry the eight hashed columns and the typed ones (labels, actors, amounts).
    Peak RSS is read at the start (Django set up, nothing exported yet), after a 500-row
    warm-up and at the end. With ``path`` the export is also written there, for the verifier.
    """
    start_kb = peak_rss_kb()
    from committee.exports import iter_export
    from core.models import DecisionLogEntry

    def run(queryset, out=None) -> int:
        size = 0
        for chunk in iter_export(queryset, fmt):
            size += len(chunk)
            if out is not None:
                out.write(chunk)
        return size

    run(DecisionLogEntry.objects.filter(seq__lte=500))  # imports, caches, connection
    warm_kb = peak_rss_kb()
    rows_qs = DecisionLogEntry.objects.all()
    if rows < TOTAL:
        rows_qs = rows_qs.filter(seq__lte=rows)
    t0 = time.perf_counter()
    if path:
        with open(path, "wb") as out:
            size = run(rows_qs, out)
    else:
        size = run(rows_qs)
    seconds = time.perf_counter() - t0
    end_kb = peak_rss_kb()
    figures = {"fmt": fmt, "rows": rows, "seconds": seconds, "bytes": size}
    figures.update(start_kb=start_kb, warm_kb=warm_kb, end_kb=end_kb)
    print(json.dumps(figures))


def run_export_child(fmt: str, rows: int, path: str | None = None) -> dict:
    done = subprocess.run(
        [sys.executable, __file__, "--export-child", fmt, str(rows), *([path] if path else [])],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def vacuum_log() -> None:
    """VACUUM ANALYZE the log table, so the next measure runs on fresh statistics."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE committee_decisionlogentry")


def measure_exports() -> tuple[dict, dict]:
    """Each format exported in fresh children at 10k and 100k rows, and each 100k file read
    by the stdlib verifier: (small, full) figures and (seconds, output) per format."""
    exports, verified = {}, {}
    scratch = tempfile.TemporaryDirectory(prefix="accord-bench-exports-")
    for fmt in FORMATS:
        small = run_export_child(fmt, SMALL_EXPORT)
        path = f"{scratch.name}/log.{fmt}"
        full = run_export_child(fmt, TOTAL, path)
        exports[fmt] = (small, full)
        # The auditor's side: the stdlib verifier over the whole 100k-entry file.
        t0 = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "tools/verify_log.py", path], capture_output=True, text=True
        )
        verified[fmt] = (time.perf_counter() - t0, done.stdout.strip())
        os.unlink(path)
    scratch.cleanup()
    return exports, verified


def growth_mb(figures: dict) -> float:
    """An export child's peak RSS growth from its start to its end, in MB."""
    return (figures["end_kb"] - figures["start_kb"]) / 1024


def export_section(exports: dict) -> str:
    """The export part of the line: each format's rate, size and memory, then the verdict on
    the worst growth at 100k and the worst drift between 10k and 100k rows."""
    export_parts = []
    worst_growth = worst_drift = 0.0
    for fmt, (small, full) in exports.items():
        worst_growth = max(worst_growth, growth_mb(full))
        worst_drift = max(worst_drift, growth_mb(full) - growth_mb(small))
        export_parts.append(
            f"{fmt} {full['rows'] / full['seconds']:,.0f} rows/s "
            f"({full['seconds']:.2f} s, {full['bytes'] / 2**20:.1f} MB out), "
            f"peak RSS +{growth_mb(full):.1f} MB @100k vs +{growth_mb(small):.1f} MB @10k "
            f"(timed part +{(full['end_kb'] - full['warm_kb']) / 1024:.1f} MB, "
            f"abs {full['end_kb'] / 1024:.0f} MB)"
        )
    flat = worst_drift <= FLAT_SLACK_MB
    rss_ok = "OK" if flat and worst_growth < RSS_TARGET_MB else "MISSED"
    return (
        f"export {TOTAL:,}: "
        + "; ".join(export_parts)
        + f" (target flat and < {RSS_TARGET_MB:g} MB"
        f" growth: {rss_ok}; worst +{worst_growth:.1f} MB, 100k-vs-10k drift +{worst_drift:.1f} MB)"
    )


def append_section(rate: float, latencies: list[float]) -> str:
    """The append part of the line: one writer's rate and its latency percentiles."""
    return (
        f"append 1 writer {rate:,.0f}/s "
        f"(n={TIMED_APPENDS}, p50 {median(latencies) * 1000:.2f} ms, "
        f"p95 {p95(latencies) * 1000:.2f} ms)"
    )


def verify_section(verify_s: float, read_s: float) -> str:
    """The verify part of the line: verify and plain read, and the verify/read verdict."""
    ratio = verify_s / read_s
    ratio_ok = "OK" if ratio <= VERIFY_RATIO_TARGET else "MISSED"
    return (
        f"verify {TOTAL:,} entries {verify_s:.2f} s = {TOTAL / verify_s:,.0f}/s, "
        f"read {read_s:.2f} s = {TOTAL / read_s:,.0f}/s, "
        f"ratio {ratio:.2f}x (target <= {VERIFY_RATIO_TARGET:g}x: {ratio_ok})"
    )


def verifier_section(verified: dict) -> str:
    """The verifier part of the line: seconds per file, and whether each said OK."""
    verifier_ok = all(out == f"OK {TOTAL} entries" for _s, out in verified.values())
    verifier_part = ", ".join(f"{fmt} {secs:.1f} s" for fmt, (secs, _out) in verified.items())
    return (
        f"tools/verify_log.py over each 100k export: {verifier_part}"
        f" ({'OK' if verifier_ok else 'FAILED: ' + str(verified)})"
    )


def main() -> None:
    if sys.argv[1:2] == ["--export-child"]:
        setup(fresh=False)
        export_child(sys.argv[2], int(sys.argv[3]), sys.argv[4] if len(sys.argv) > 4 else None)
        return
    setup()
    from django.db import connection

    from committee.exports import COLUMNS
    from core.models import DecisionLogEntry

    build_chain(BULK)
    vacuum_log()
    rate, latencies = measure_appends()
    assert DecisionLogEntry.objects.count() == TOTAL
    vacuum_log()
    verify_s, read_s = measure_verify_and_read()
    connection.close()  # the children open their own connections
    exports, verified = measure_exports()
    sections = [
        append_section(rate, latencies),
        verify_section(verify_s, read_s),
        export_section(exports),
        f"csv/xlsx with {len(COLUMNS)} columns (8 hashed + {len(COLUMNS) - 8} typed)",
        verifier_section(verified),
    ]
    print(f"decision_log[postgresql, {load_average()}]: " + " | ".join(sections))
    print(f"rerun: {rerun_command()}")


if __name__ == "__main__":
    main()
