"""Exports an auditor can use: typed columns after the eight hashed ones, and a verifier
anyone can run (tools/verify_log.py) on every format, which catches a tampered copy."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import subprocess
import sys
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from committee.exports import COLUMNS
from financing import services as financing
from tests.financing.ledger_fixtures import commit, days_ago

ROOT = Path(__file__).resolve().parents[2]
VERIFIER = ROOT / "tools" / "verify_log.py"
EIGHT = ("seq", "at", "actor", "proposal", "event", "data", "prev_hash", "hash")


@pytest.fixture
def money_log(make_proposal, us_staff, us_chair):
    """A funded project with a rate, a USD loan, a JPY guarantee and a distribution."""
    us_staff.first_name, us_staff.last_name = "Dana", "Whitfield"
    us_staff.save()
    proposal = make_proposal("funding", title="Westinghouse AP1000 — 日本語")
    financing.fx_rate_set(
        user=us_staff, date=days_ago(30), currency="JPY", usd_per_unit=Decimal("0.0066")
    )
    loan = commit(us_staff, proposal, committed="1000000.00")
    commit(us_staff, proposal, kind="guarantee", provider="NEXI", currency="JPY", committed="5000")
    financing.transaction_record(
        user=us_staff,
        instrument_id=loan.pk,
        type="disbursement",
        amount=Decimal("400000"),
        value_date=days_ago(20),
    )
    financing.distribution_record(
        user=us_staff,
        proposal_id=proposal.pk,
        amount=Decimal("100.00"),
        currency="USD",
        date=days_ago(5),
    )
    return proposal


def export(api, user, fmt, lang="en") -> bytes:
    response = api(user).get(f"/api/v1/decision-log/export/?format={fmt}&lang={lang}")
    assert response.status_code == 200, response.content
    return b"".join(response.streaming_content)


def run_verifier(path: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(VERIFIER), str(path), *extra],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def by_event(rows, event):
    return [row for row in rows if row["event"] == event]


def test_csv_carries_typed_columns_after_the_eight(api, money_log, us_staff):
    rows = list(csv.DictReader(io.StringIO(export(api, us_staff, "csv").decode())))
    assert tuple(rows[0].keys()) == COLUMNS
    assert COLUMNS[:8] == EIGHT
    rate = by_event(rows, "fx_rate_set")[0]
    assert (rate["event_label"], rate["rate"], rate["currency"]) == ("FX rate set", "0.0066", "JPY")
    loan, guarantee = by_event(rows, "instrument_committed")
    assert (loan["amount"], loan["currency"], loan["amount_usd"]) == (
        "1000000.00",
        "USD",
        "1000000.00",
    )
    assert (loan["kind"], loan["provider"]) == ("loan", "JBIC")
    assert (guarantee["amount"], guarantee["currency"], guarantee["amount_usd"]) == (
        "5000",
        "JPY",
        "",
    )
    paid = by_event(rows, "distribution_recorded")[0]
    assert Decimal(paid["japan"]) + Decimal(paid["us"]) == Decimal(paid["amount_usd"]) == 100
    closed = by_event(rows, "ballot_closed")[0]
    assert closed["outcome"] == "approved"
    assert loan["actor_name"] == "Dana Whitfield"
    assert (loan["actor_role"], loan["actor_delegation"]) == ("Secretariat staff", "US")
    assert all(row["proposal"] == "" for row in by_event(rows, "fx_rate_set"))


def test_labels_follow_the_export_language(api, money_log, us_staff):
    rows = list(csv.DictReader(io.StringIO(export(api, us_staff, "csv", "ja").decode())))
    label = by_event(rows, "fx_rate_set")[0]["event_label"]
    assert label and label != "FX rate set"
    assert all(row["event_label"] for row in rows)
    response = api(us_staff).get("/api/v1/decision-log/export/?format=csv&lang=fr")
    assert response.status_code == 400


def test_xlsx_has_dates_numbers_widths_a_frozen_header_and_a_filter(api, money_log, us_staff):
    body = export(api, us_staff, "xlsx")
    sheet = load_workbook(io.BytesIO(body)).active
    header = [cell.value for cell in sheet[1]]
    assert tuple(header) == COLUMNS
    assert "UTC" in sheet["B1"].comment.text
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:V{sheet.max_row}"
    assert sheet.column_dimensions["F"].width > 30
    rows = [dict(zip(header, (c.value for c in row), strict=True)) for row in sheet.iter_rows(2)]
    assert isinstance(rows[0]["at"], dt.datetime)
    assert isinstance(rows[0]["seq"], int)
    loan = by_event(rows, "instrument_committed")[0]
    assert loan["amount"] == 1000000 and not isinstance(loan["amount"], str)
    assert by_event(rows, "fx_rate_set")[0]["rate"] == pytest.approx(0.0066)
    assert all(row["proposal"] is None for row in by_event(rows, "fx_rate_set"))


def test_jsonl_keeps_exactly_the_eight_keys(api, money_log, us_staff):
    lines = export(api, us_staff, "jsonl").decode().splitlines()
    assert all(tuple(json.loads(line)) == EIGHT for line in lines)


def tamper(fmt: str, body: bytes, name: str) -> bytes:
    """Change the first entry's actor, the way a careless edit would."""
    if fmt == "xlsx":
        source = zipfile.ZipFile(io.BytesIO(body))
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as target:
            for item in source.infolist():
                data = source.read(item.filename)
                if item.filename == "xl/worksheets/sheet1.xml":
                    data = data.replace(f"<t>{name}</t>".encode(), b"<t>mallory</t>", 1)
                target.writestr(item, data)
        return out.getvalue()
    text = body.decode()
    old = f'"actor":"{name}"' if fmt == "jsonl" else f",{name},"
    new = '"actor":"mallory"' if fmt == "jsonl" else ",mallory,"
    assert old in text
    return text.replace(old, new, 1).encode()


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "jsonl"])
def test_the_verifier_passes_each_format_and_names_the_first_tampered_entry(
    api, money_log, us_staff, tmp_path, fmt
):
    body = export(api, us_staff, fmt)
    path = tmp_path / f"log.{fmt}"
    path.write_bytes(body)
    result = run_verifier(path)
    count = len(export(api, us_staff, "jsonl").decode().splitlines()) - 1  # less its own entry
    assert (result.returncode, result.stdout.strip()) == (0, f"OK {count} entries")

    bad = tmp_path / f"tampered.{fmt}"
    bad.write_bytes(tamper(fmt, body, us_staff.username))
    result = run_verifier(bad)
    assert result.returncode == 1
    assert result.stdout.startswith("FAIL ")
    assert "(seq " in result.stdout


def test_a_filtered_export_verifies_as_partial(api, money_log, us_staff, tmp_path):
    response = api(us_staff).get(
        f"/api/v1/decision-log/export/?format=csv&proposal={money_log.reference}"
    )
    path = tmp_path / "one.csv"
    path.write_bytes(b"".join(response.streaming_content))
    assert run_verifier(path).returncode == 1
    result = run_verifier(path, "--partial")
    assert result.returncode == 0, result.stdout
    assert result.stdout.startswith("OK ")


def test_the_verifier_uses_the_standard_library_only():
    import ast

    tree = ast.parse(VERIFIER.read_text())
    imported = {
        alias.name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    } | {
        node.module.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module
    }
    assert imported <= set(sys.stdlib_module_names) | {"__future__"}


def test_the_worked_example_in_the_docs_verifies(tmp_path):
    text = (ROOT / "docs" / "decision-log.md").read_text(encoding="utf-8")
    example = text.split("```jsonl\n", 1)[1].split("```", 1)[0]
    path = tmp_path / "example.jsonl"
    path.write_text(example, encoding="utf-8")
    result = run_verifier(path)
    assert (result.returncode, result.stdout.strip()) == (0, "OK 2 entries")


def test_a_formula_lookalike_stays_text_in_excel(api, make_proposal, us_staff, us_chair):
    from committee.services import conflict_declare

    proposal = make_proposal("in_review")
    conflict_declare(user=us_chair, proposal_id=proposal.pk, reason="=HYPERLINK(1)")
    sheet = load_workbook(io.BytesIO(export(api, us_staff, "xlsx"))).active
    header = [cell.value for cell in sheet[1]]
    comments = [row[header.index("comment")] for row in sheet.iter_rows(2)]
    cell = next(c for c in comments if c.value and "HYPERLINK" in c.value)
    assert cell.data_type == "s" and cell.value == "=HYPERLINK(1)"
