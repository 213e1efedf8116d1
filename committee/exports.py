"""Decision-log exports in CSV, JSON Lines and Excel, streamed so memory stays flat.

Every format carries the eight fields of an entry as stored (docs/decision-log.md), so an
auditor can recompute each ``hash`` from the other seven: in CSV and Excel ``data`` is the
entry's JSON text.
"""

from __future__ import annotations

import csv
import json
import os
import tempfile
from collections.abc import Iterator
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from core.decision_log import FIELDS, iter_entries

FORMATS = {
    "csv": ("text/csv; charset=utf-8", "csv"),
    "jsonl": ("application/x-ndjson; charset=utf-8", "jsonl"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
}


def data_text(data: Any) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


class _Line:
    """A file-like sink that hands back what csv.writer wrote."""

    def __init__(self) -> None:
        self.value = ""

    def write(self, text: str) -> None:
        self.value = text


def iter_csv(rows) -> Iterator[bytes]:
    line = _Line()
    writer = csv.writer(line, lineterminator="\r\n")
    writer.writerow(FIELDS)
    yield line.value.encode()
    for entry in iter_entries(rows):
        writer.writerow([data_text(entry[f]) if f == "data" else entry[f] for f in FIELDS])
        yield line.value.encode()


def iter_jsonl(rows) -> Iterator[bytes]:
    for entry in iter_entries(rows):
        yield (json.dumps(entry, ensure_ascii=False, separators=(",", ":")) + "\n").encode()


def write_xlsx(rows, path: str) -> int:
    """Write the rows to an Excel file at ``path`` in write-only mode; return the count."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Decision log")
    sheet.append(list(FIELDS))
    count = 0
    for entry in iter_entries(rows):
        cells = []
        for field in FIELDS:
            value = data_text(entry[field]) if field == "data" else entry[field]
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # text, never a formula, whatever the first character
            cells.append(cell)
        sheet.append(cells)
        count += 1
    workbook.save(path)
    return count


def iter_xlsx(rows, chunk_size: int = 64 * 1024) -> Iterator[bytes]:
    """Build the workbook in a temporary file, then stream it and remove it."""
    handle, path = tempfile.mkstemp(suffix=".xlsx")
    os.close(handle)
    try:
        write_xlsx(rows, path)
        with open(path, "rb") as file:
            while chunk := file.read(chunk_size):
                yield chunk
    finally:
        os.unlink(path)


def iter_export(rows, fmt: str) -> Iterator[bytes]:
    return {"csv": iter_csv, "jsonl": iter_jsonl, "xlsx": iter_xlsx}[fmt](rows)


def write_export(rows, fmt: str, path: str) -> None:
    """Write an export to ``path`` (the management command's way in)."""
    if fmt == "xlsx":
        write_xlsx(rows, path)
        return
    with open(path, "wb") as file:
        for chunk in iter_export(rows, fmt):
            file.write(chunk)
