"""The decision log's hash chain as pure functions: what is hashed, and how.

The recipe is written out, with a worked example, in docs/decision-log.md.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

GENESIS_HASH = "0" * 64


def format_at(moment: dt.datetime) -> str:
    """Render a moment as the log's UTC timestamp, ``YYYY-MM-DDTHH:MM:SS.ffffffZ``."""
    if moment.tzinfo is None:
        raise ValueError("decision log timestamps must be timezone-aware")
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def jsonable(value: Any) -> Any:
    """Turn a value into plain JSON: decimals, dates and floats as strings, keys as strings."""
    if isinstance(value, Mapping):
        return {str(key): jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [jsonable(item) for item in value]
        return sorted(items, key=str) if isinstance(value, set | frozenset) else items
    if isinstance(value, bool) or value is None or isinstance(value, int | str):
        return value
    if isinstance(value, Decimal | float):
        return str(value)
    if isinstance(value, dt.datetime):
        return format_at(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def canonical_json(value: Any) -> bytes:
    """UTF-8 JSON with sorted keys, compact separators and non-ASCII kept (docs/decision-log.md)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def canonical_bytes(entry: Mapping[str, Any]) -> bytes:
    """Serialise the seven hashed fields the way docs/decision-log.md fixes."""
    body = {
        key: entry[key] for key in ("seq", "at", "actor", "proposal", "event", "data", "prev_hash")
    }
    return canonical_json(body)


def entry_hash(entry: Mapping[str, Any]) -> str:
    """Return the SHA-256 hex digest that chains ``entry`` to its predecessor."""
    return hashlib.sha256(canonical_bytes(entry)).hexdigest()


def first_broken_seq(entries: Iterable[Mapping[str, Any]]) -> int | None:
    """Walk the chain in order; return the seq of the first entry that does not verify."""
    expected_seq, prev = 1, GENESIS_HASH
    for entry in entries:
        if entry["seq"] != expected_seq or entry["prev_hash"] != prev:
            return entry["seq"]
        if entry_hash(entry) != entry["hash"]:
            return entry["seq"]
        prev = entry["hash"]
        expected_seq += 1
    return None
