"""Decision-log exports in CSV, JSON Lines and Excel, streamed so memory stays flat.

JSON Lines carries exactly the eight hashed fields. CSV and Excel start with the same eight
(``data`` as the entry's JSON text, an absent proposal as an empty cell) so an auditor can
recompute each ``hash`` (docs/decision-log.md), then add typed columns drawn from ``data`` and
from the actor's account, for filtering and summing in a spreadsheet. The typed columns are
not hashed: they are a reading aid, the eight first columns are the record.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import tempfile
from collections.abc import Callable, Iterator
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES
from openpyxl.comments import Comment
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from core.decision_log import FIELDS, iter_entries
from core.log_events import NUMERIC_COLUMNS, TYPED_COLUMNS, event_label, typed_values
from core.models import Membership, Role

FORMATS = {
    "csv": ("text/csv; charset=utf-8", "csv"),
    "jsonl": ("application/x-ndjson; charset=utf-8", "jsonl"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
}
LANGUAGES = ("en", "ja")
COLUMNS = (*FIELDS, *TYPED_COLUMNS)
# Excel counts days from 1899-12-30 (the 1900 leap-year bug included).
EXCEL_EPOCH = dt.datetime(1899, 12, 30, tzinfo=dt.UTC)
AT_FORMAT = 'yyyy-mm-dd hh:mm:ss.000 "UTC"'
WIDTHS = {
    "seq": 8,
    "at": 26,
    "actor": 14,
    "proposal": 13,
    "event": 22,
    "data": 48,
    "prev_hash": 18,
    "hash": 18,
    "event_label": 30,
    "actor_name": 22,
    "comment": 40,
}


def data_text(data: Any) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def excel_serial(at: str) -> float:
    """The log's UTC time as an Excel serial day, the nearest double to the exact value, so
    the microseconds the hash covers come back exactly (docs/decision-log.md)."""
    moment = dt.datetime.strptime(at, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=dt.UTC)
    delta = moment - EXCEL_EPOCH
    micros = (delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds
    return float(Fraction(micros, 86_400_000_000))


def _number(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _actors() -> dict[str, tuple[str, str, str]]:
    """Username -> (full name, role, delegation) for every account: one query, dozens of rows."""
    roles = dict(Role.choices)
    people: dict[str, tuple[str, str, str]] = {}
    users = get_user_model().objects.all()
    for user in users.only("username", "first_name", "last_name"):
        people[user.get_username()] = (user.get_full_name() or user.get_username(), "", "")
    for username, role, delegation, sponsor in Membership.objects.values_list(
        "user__username", "role", "delegation", "sponsor__name"
    ):
        name = people.get(username, (username, "", ""))[0]
        people[username] = (name, str(roles.get(role, role)), delegation or sponsor or "")
    return people


def typed_rows(rows, lang: str) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    """Each entry with its typed columns, labels in ``lang``; memory flat in the entries."""
    with translation.override(lang if lang in LANGUAGES else "en"):
        people = _actors()
        people["system"] = (_("System (scheduled job)"), "", "")
        labels: dict[str, str] = {}
    for entry in iter_entries(rows):
        event = entry["event"]
        if event not in labels:
            with translation.override(lang if lang in LANGUAGES else "en"):
                labels[event] = event_label(event)
        name, role, delegation = people.get(entry["actor"], (entry["actor"], "", ""))
        typed = {
            "event_label": labels[event],
            "actor_name": name,
            "actor_role": role,
            "actor_delegation": delegation,
            **typed_values(event, entry["data"]),
        }
        yield entry, typed


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    return data_text(value) if isinstance(value, dict | list) else str(value)


class _Line:
    """A file-like sink that hands back what csv.writer wrote."""

    def __init__(self) -> None:
        self.value = ""

    def write(self, text: str) -> None:
        self.value = text


def iter_csv(rows, lang: str = "en") -> Iterator[bytes]:
    line = _Line()
    writer = csv.writer(line, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    yield line.value.encode()
    for entry, typed in typed_rows(rows, lang):
        writer.writerow(
            [
                *(data_text(entry[f]) if f == "data" else _cell_text(entry[f]) for f in FIELDS),
                *(_cell_text(typed[c]) for c in TYPED_COLUMNS),
            ]
        )
        yield line.value.encode()


def iter_jsonl(rows, lang: str = "en") -> Iterator[bytes]:
    for entry in iter_entries(rows):
        yield (json.dumps(entry, ensure_ascii=False, separators=(",", ":")) + "\n").encode()


def _text_cell(sheet, value: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"  # text, never a formula, whatever the first character
    return cell


def _text(sheet, value: str) -> Any:
    """A string as it is, or a cell forced to text where Excel would read it as a formula or
    an error code (a bare value writes faster than a cell of its own)."""
    if value.startswith("=") or value in ERROR_CODES:
        return _text_cell(sheet, value)
    return value


def write_xlsx(rows, path: str, lang: str = "en") -> int:
    """Write the rows to an Excel file at ``path`` in write-only mode; return the count."""
    workbook = Workbook(write_only=True)
    with translation.override(lang if lang in LANGUAGES else "en"):
        sheet = workbook.create_sheet(_("Decision log"))
    for index, column in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = WIDTHS.get(column, 15)
    sheet.freeze_panes = "A2"
    header = []
    bold = Font(bold=True)
    for column in COLUMNS:
        cell = _text_cell(sheet, column)
        cell.font = bold
        if column == "at":
            cell.comment = Comment("UTC (Coordinated Universal Time)", "Accord")
        header.append(cell)
    sheet.append(header)
    count = 0
    for entry, typed in typed_rows(rows, lang):
        cells = []
        for field in FIELDS:
            value = entry[field]
            if field == "seq":
                cells.append(value)
            elif field == "at":
                cell = WriteOnlyCell(sheet, value=excel_serial(value))
                # openpyxl writes numbers with 16 significant digits, a microsecond short of
                # what the hash covers; the shortest exact text of the double goes in instead.
                cell._value = repr(cell.value)
                cell.number_format = AT_FORMAT
                cells.append(cell)
            elif value is None:
                cells.append(None)
            else:
                cells.append(_text(sheet, data_text(value) if field == "data" else str(value)))
        for column in TYPED_COLUMNS:
            value = typed[column]
            number = _number(value) if column in NUMERIC_COLUMNS else None
            if number is not None:
                cells.append(number)
            elif value in (None, ""):
                cells.append(None)
            else:
                cells.append(_text(sheet, _cell_text(value)))
        sheet.append(cells)
        count += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{count + 1}"
    workbook.save(path)
    return count


def iter_xlsx(rows, lang: str = "en", chunk_size: int = 64 * 1024) -> Iterator[bytes]:
    """Build the workbook in a temporary file, then stream it and remove it."""
    handle, path = tempfile.mkstemp(suffix=".xlsx")
    os.close(handle)
    try:
        write_xlsx(rows, path, lang)
        with open(path, "rb") as file:
            while chunk := file.read(chunk_size):
                yield chunk
    finally:
        os.unlink(path)


WRITERS: dict[str, Callable[..., Iterator[bytes]]] = {
    "csv": iter_csv,
    "jsonl": iter_jsonl,
    "xlsx": iter_xlsx,
}


def iter_export(rows, fmt: str, lang: str = "en") -> Iterator[bytes]:
    return WRITERS[fmt](rows, lang)


def write_export(rows, fmt: str, path: str, lang: str = "en") -> None:
    """Write an export to ``path`` (the management command's way in)."""
    if fmt == "xlsx":
        write_xlsx(rows, path, lang)
        return
    with open(path, "wb") as file:
        for chunk in iter_export(rows, fmt, lang):
            file.write(chunk)
