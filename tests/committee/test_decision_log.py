"""The decision log: a verifiable chain, append-only twice over, exported for auditors."""

from __future__ import annotations

import csv
import hashlib
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, IntegrityError, connection, transaction
from openpyxl import load_workbook

from core.db import drop_append_only_guard
from core.models import AppendOnlyError, DecisionLogEntry

EIGHT_KEYS = {"seq", "at", "actor", "proposal", "event", "data", "prev_hash", "hash"}


def auditor_verifies(lines: list[str]) -> bool:
    """What an outside auditor writes: a dozen lines over the jsonl export, no Accord code."""
    prev = "0" * 64
    for line in lines:
        entry = json.loads(line)
        body = {
            k: entry[k] for k in ("seq", "at", "actor", "proposal", "event", "data", "prev_hash")
        }
        digest = hashlib.sha256(
            json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
        ).hexdigest()
        if entry["prev_hash"] != prev or digest != entry["hash"]:
            return False
        prev = entry["hash"]
    return True


def streamed_text(response) -> str:
    return b"".join(response.streaming_content).decode()


@pytest.fixture
def lifecycle_log(make_proposal, us_staff):
    """A full lifecycle: created, submitted, accepted, voted, approved, funded, closed."""
    make_proposal("closed", title="Westinghouse AP1000 — 日本語のタイトル")
    make_proposal("rejected")
    make_proposal("withdrawn")
    return DecisionLogEntry.objects.count()


def test_the_log_verifies_after_a_full_lifecycle(lifecycle_log, capsys):
    call_command("verify_decision_log")
    assert capsys.readouterr().out.strip() == f"OK {lifecycle_log} entries"


def test_every_step_of_the_lifecycle_is_logged(lifecycle_log):
    events = list(DecisionLogEntry.objects.values_list("event", flat=True))
    for event in [
        "proposal_created",
        "proposal_submitted",
        "proposal_accepted",
        "ballot_opened",
        "vote_cast",
        "ballot_closed",
        "funding_started",
        "proposal_activated",
        "proposal_closed",
        "proposal_withdrawn",
    ]:
        assert event in events
    seqs = list(DecisionLogEntry.objects.values_list("seq", flat=True))
    assert seqs == list(range(1, len(seqs) + 1))


def test_ballot_close_entry_carries_the_tally(lifecycle_log):
    entry = DecisionLogEntry.objects.filter(event="ballot_closed").first()
    assert entry.data["outcome"] == "approved"
    assert entry.data["tally"]["US"]["for"] == 3
    assert {v["choice"] for v in entry.data["votes"]} == {"for"}


def test_verify_names_the_entry_altered_behind_the_applications_back(lifecycle_log):
    drop_append_only_guard(connection)  # what a rogue DBA would do; rolled back after the test
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE committee_decisionlogentry SET actor = %s WHERE seq = %s", ["mallory", 5]
        )
    with pytest.raises(CommandError) as failure:
        call_command("verify_decision_log")
    assert failure.value.returncode == 1
    assert "entry 5 " in str(failure.value)


def test_verify_notices_entries_cut_from_the_end(lifecycle_log):
    drop_append_only_guard(connection)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM committee_decisionlogentry WHERE seq = %s", [lifecycle_log])
    with pytest.raises(CommandError) as failure:
        call_command("verify_decision_log")
    assert f"entry {lifecycle_log} " in str(failure.value)


def test_the_application_refuses_to_change_an_entry(lifecycle_log):
    entry = DecisionLogEntry.objects.first()
    entry.actor = "mallory"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        DecisionLogEntry.objects.filter(seq=1).update(actor="mallory")
    with pytest.raises(AppendOnlyError):
        DecisionLogEntry.objects.all().delete()


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE committee_decisionlogentry SET actor = 'mallory' WHERE seq = 1",
        "DELETE FROM committee_decisionlogentry WHERE seq = 1",
    ],
)
def test_the_database_refuses_to_change_an_entry(lifecycle_log, append_only_guard, sql):
    with (
        pytest.raises((IntegrityError, DatabaseError)),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql)
    assert DecisionLogEntry.objects.get(seq=1).actor != "mallory"


def test_jsonl_export_has_exactly_the_eight_keys_and_verifies(api, lifecycle_log, us_staff):
    response = api(us_staff).get("/api/v1/decision-log/export/?format=jsonl")
    assert response.status_code == 200
    assert response.streaming
    lines = streamed_text(response).splitlines()
    assert len(lines) == lifecycle_log + 1  # the export records itself
    assert all(set(json.loads(line)) == EIGHT_KEYS for line in lines)
    assert json.loads(lines[-1])["event"] == "decision_log_exported"
    assert json.loads(lines[-1])["actor"] == us_staff.username
    assert auditor_verifies(lines)
    assert "日本語" in "".join(lines)


def test_csv_export_round_trips_to_verifiable_entries(api, lifecycle_log, jp_staff):
    response = api(jp_staff).get("/api/v1/decision-log/export/?format=csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(streamed_text(response))))
    lines = [
        json.dumps(
            {
                **row,
                "seq": int(row["seq"]),
                "data": json.loads(row["data"]),
                "proposal": row["proposal"] or None,
            }
        )
        for row in rows
    ]
    assert auditor_verifies(lines)


def test_xlsx_export_opens_as_a_workbook(api, lifecycle_log, us_staff):
    response = api(us_staff).get("/api/v1/decision-log/export/?format=xlsx")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    rows = list(workbook.active.iter_rows(values_only=True))
    assert rows[0][:8] == ("seq", "at", "actor", "proposal", "event", "data", "prev_hash", "hash")
    assert len(rows) == lifecycle_log + 2


def test_export_refuses_an_unknown_format_and_logs_nothing(api, lifecycle_log, us_staff):
    response = api(us_staff).get("/api/v1/decision-log/export/?format=pdf")
    assert response.status_code == 400
    assert "format" in response.json()
    assert DecisionLogEntry.objects.count() == lifecycle_log


@pytest.mark.parametrize("persona", ["us_chair", "jp_member", "us_observer", "sponsor_softbank"])
def test_only_staff_export(api, request, lifecycle_log, persona):
    response = api(request.getfixturevalue(persona)).get("/api/v1/decision-log/export/?format=csv")
    assert response.status_code == 403


def test_log_list_filters_by_proposal_event_and_dates(api, make_proposal, us_chair):
    first = make_proposal("in_review")
    make_proposal("in_review")
    client = api(us_chair)
    body = client.get(f"/api/v1/decision-log/?proposal={first.reference}").json()
    assert body["count"] == 3
    assert {row["proposal"] for row in body["results"]} == {first.reference}
    assert set(body["results"][0]) == EIGHT_KEYS
    accepted = client.get("/api/v1/decision-log/?event=proposal_accepted").json()
    assert accepted["count"] == 2
    assert (
        client.get("/api/v1/decision-log/?since=2000-01-01&until=2000-12-31").json()["count"] == 0
    )


@pytest.mark.parametrize("value", ["yesterday", "2025-13-01", "2025-02-30T99:00"])
def test_log_list_rejects_bad_dates(api, us_chair, value):
    response = api(us_chair).get(f"/api/v1/decision-log/?since={value}")
    assert response.status_code == 400
    assert "since" in response.json()


def test_export_command_writes_each_format(tmp_path, lifecycle_log, make_proposal):
    reference = make_proposal("submitted").reference
    for fmt in ("csv", "jsonl", "xlsx"):
        target = tmp_path / f"log.{fmt}"
        call_command("export_decision_log", "--format", fmt, "-o", str(target))
        assert target.stat().st_size > 0
    target = tmp_path / "one.jsonl"
    call_command(
        "export_decision_log", "--format", "jsonl", "--proposal", reference, "-o", str(target)
    )
    entries = [json.loads(line) for line in target.read_text().splitlines()]
    assert {e["proposal"] for e in entries} == {reference}
    call_command("verify_decision_log")


@pytest.mark.parametrize(
    "args",
    [
        ["--format", "pdf", "-o", "{tmp}/x"],
        ["--format", "csv", "--since", "not-a-date", "-o", "{tmp}/x"],
        ["--format", "csv", "-o", "{tmp}/missing/dir/x.csv"],
        # PostgreSQL cannot compare a text holding NUL: refused, not a DataError.
        ["--format", "csv", "--proposal", "P-2025-0001\x00", "-o", "{tmp}/x.csv"],
    ],
)
def test_export_command_rejects_bad_input(tmp_path, db, args):
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    with pytest.raises((CommandError, SystemExit)):
        call_command("export_decision_log", *args)
    assert DecisionLogEntry.objects.count() == 0
