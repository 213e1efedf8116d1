#!/usr/bin/env python3
"""Verify an Accord decision-log export: python tools/verify_log.py FILE [--partial]

FILE is a CSV, XLSX or JSON Lines export (judged by its extension, or by its first bytes).
Exit 0 printing ``OK <n> entries`` when every entry's hash is the SHA-256 of the other seven
fields and each entry names its predecessor's hash; exit 1 naming the first entry (its row
and seq) that fails; exit 2 when the file cannot be read. Python's standard library only, so
an auditor can read all of it: the recipe is in docs/decision-log.md.

A whole export starts at seq 1 with 64 zeros as prev_hash and has no gaps. An export filtered
by proposal or dates has gaps: ``--partial`` checks each entry's own hash and the links
between consecutive entries, and says how many it could not link.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import hashlib
import json
import sys
import zipfile
from fractions import Fraction
from xml.etree import ElementTree

FIELDS = ("seq", "at", "actor", "proposal", "event", "data", "prev_hash", "hash")
GENESIS = "0" * 64
EXCEL_EPOCH = dt.datetime(1899, 12, 30)
NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


class Unreadable(Exception):
    """The file is not an export this script knows."""


def entry_hash(entry: dict) -> str:
    """SHA-256 of the seven fields as compact, key-sorted UTF-8 JSON (non-ASCII as is)."""
    body = {key: entry[key] for key in FIELDS[:-1]}
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# --- readers: each yields (row label, entry with the eight fields) ---------------------


def read_jsonl(path: str):
    with open(path, encoding="utf-8") as file:
        for number, line in enumerate(file, start=1):
            if not line.strip():
                continue
            try:
                entry = json.loads(line)
            except json.JSONDecodeError as error:
                raise Unreadable(f"line {number} is not JSON: {error.msg}") from None
            yield f"line {number}", entry


def _from_cells(cells: dict) -> dict:
    """The eight fields from a spreadsheet row: seq a number, data JSON, empty proposal null."""
    entry = {key: cells.get(key) for key in FIELDS}
    entry["seq"] = int(entry["seq"]) if entry["seq"] not in (None, "") else None
    entry["proposal"] = entry["proposal"] or None
    try:
        entry["data"] = json.loads(entry["data"] or "null")
    except json.JSONDecodeError:
        entry["data"] = entry["data"]  # left as text: its hash will not match
    return entry


def read_csv(path: str):
    with open(path, encoding="utf-8-sig", newline="") as file:
        reader = csv.DictReader(file)
        if reader.fieldnames is None or list(reader.fieldnames[:8]) != list(FIELDS):
            raise Unreadable("the first eight columns are not " + ",".join(FIELDS))
        for number, row in enumerate(reader, start=2):
            try:
                yield f"row {number}", _from_cells(row)
            except ValueError:
                raise Unreadable(f"row {number}: seq is not a number") from None


def _excel_at(serial: str) -> str:
    """An Excel serial day back to the log's text: exact to the microsecond (see the docs).

    The export writes the double nearest the exact time; the cell holds that double's shortest
    decimal. Going back through the double (not the decimal) keeps the error under half a
    microsecond, so rounding finds the microsecond the hash covers.
    """
    micros = round(Fraction(float(serial)) * 86_400_000_000)
    moment = EXCEL_EPOCH + dt.timedelta(microseconds=micros)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _column(ref: str) -> int:
    index = 0
    for char in ref:
        if not char.isalpha():
            break
        index = index * 26 + ord(char.upper()) - 64
    return index


def read_xlsx(path: str):
    try:
        book = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise Unreadable("not an XLSX (zip) file") from None
    with book:
        names = set(book.namelist())
        shared: list[str] = []
        if "xl/sharedStrings.xml" in names:
            root = ElementTree.fromstring(book.read("xl/sharedStrings.xml"))
            for item in root.findall("m:si", NS):
                shared.append("".join(t.text or "" for t in item.iter(f"{{{NS['m']}}}t")))
        workbook = ElementTree.fromstring(book.read("xl/workbook.xml"))
        first = workbook.find("m:sheets/m:sheet", NS)
        rels = ElementTree.fromstring(book.read("xl/_rels/workbook.xml.rels"))
        target = next(
            rel.get("Target") for rel in rels if rel.get("Id") == first.get(f"{{{REL_NS}}}id")
        )
        target = target.lstrip("/")
        sheet_path = target if target.startswith("xl/") else "xl/" + target
        header: dict[int, str] = {}
        for _event, row in ElementTree.iterparse(book.open(sheet_path)):
            if row.tag != f"{{{NS['m']}}}row":
                continue
            values: dict[int, str | None] = {}
            for cell in row.findall("m:c", NS):
                kind = cell.get("t", "n")
                if kind == "inlineStr":
                    value = "".join(t.text or "" for t in cell.iter(f"{{{NS['m']}}}t"))
                else:
                    v = cell.find("m:v", NS)
                    value = None if v is None else (v.text or "")
                    if kind == "s" and value is not None:
                        value = shared[int(value)]
                values[_column(cell.get("r", ""))] = value
            number = int(row.get("r"))
            row.clear()
            if not header:
                header = {index: name for index, name in values.items() if name}
                if [header.get(i) for i in range(1, 9)] != list(FIELDS):
                    raise Unreadable("the first eight columns are not " + ",".join(FIELDS))
                continue
            cells = {header[i]: v for i, v in values.items() if i in header}
            at = cells.get("at")
            if at not in (None, "") and "T" not in at:
                # A time that cannot be read stays as it is: its hash will not match.
                with contextlib.suppress(ValueError):
                    cells["at"] = _excel_at(at)
            try:
                yield f"row {number}", _from_cells(cells)
            except ValueError:
                raise Unreadable(f"row {number}: seq is not a number") from None


def reader_for(path: str):
    lower = path.lower()
    if lower.endswith(".jsonl") or lower.endswith(".ndjson"):
        return read_jsonl
    if lower.endswith(".csv"):
        return read_csv
    if lower.endswith(".xlsx"):
        return read_xlsx
    with open(path, "rb") as file:
        start = file.read(4)
    if start.startswith(b"PK"):
        return read_xlsx
    return read_jsonl if start.lstrip()[:1] == b"{" else read_csv


# --- the check ---------------------------------------------------------------------------


def verify(path: str, *, partial: bool = False) -> tuple[bool, str]:
    """Return (ok, the line to print)."""
    count, unlinked = 0, 0
    prev_seq, prev_hash = 0, GENESIS
    for where, entry in reader_for(path)(path):
        if not isinstance(entry, dict) or set(FIELDS) - set(entry):
            return False, f"FAIL {where}: not the eight fields {', '.join(FIELDS)}"
        seq = entry["seq"]
        label = f"{where} (seq {seq})"
        if not isinstance(seq, int):
            return False, f"FAIL {where}: seq {seq!r} is not a whole number"
        if entry_hash(entry) != entry["hash"]:
            return False, f"FAIL {label}: hash does not match its fields"
        if seq == prev_seq + 1:
            if entry["prev_hash"] != prev_hash:
                return False, f"FAIL {label}: prev_hash is not the hash of seq {prev_seq}"
        elif not partial:
            expected = prev_seq + 1
            return False, f"FAIL {label}: expected seq {expected} (a gap or a reordering)"
        elif seq <= prev_seq:
            return False, f"FAIL {label}: seq goes backwards after {prev_seq}"
        else:
            unlinked += 1
        prev_seq, prev_hash = seq, entry["hash"]
        count += 1
    if count == 0:
        return False, "FAIL: no entries"
    note = f" ({unlinked} not linked to an entry in the file)" if partial and unlinked else ""
    return True, f"OK {count} entries{note}"


def main(argv: list[str]) -> int:
    args = [a for a in argv if a != "--partial"]
    if len(args) != 1 or args[0] in ("-h", "--help"):
        print(__doc__.strip().splitlines()[0], file=sys.stderr)
        return 2
    try:
        ok, message = verify(args[0], partial="--partial" in argv)
    except (OSError, Unreadable, UnicodeDecodeError, ElementTree.ParseError, KeyError) as error:
        print(f"FAIL cannot read {args[0]}: {error}")
        return 1
    print(message)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
