"""What each decision-log event is called, and which of its data fill the export's typed columns.

One table, read by the log page, the exports and the resolution. Each app names the events it
appends from its ``AppConfig.ready()`` (``register_events``, in its own ``log_events.py``), so
the kernel imports no app; an event appended anywhere without a row fails a test that walks
the source (tests/core/test_log_events.py). A row names the event in both languages (through
gettext) and, where an event keeps a typed column's value under another key, which keys to
read, in order of preference (``DEFAULT_SOURCES`` otherwise).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

# The typed columns of a CSV or Excel export, after the eight hashed ones (docs/decision-log.md).
TYPED_COLUMNS = (
    "event_label",
    "actor_name",
    "actor_role",
    "actor_delegation",
    "amount",
    "currency",
    "amount_usd",
    "rate",
    "kind",
    "provider",
    "japan",
    "us",
    "outcome",
    "comment",
)
# Columns that hold decimals: Excel gets numbers, CSV the exact decimal text.
NUMERIC_COLUMNS = frozenset({"amount", "amount_usd", "rate", "japan", "us"})

# Where each data-drawn column looks in an entry's data, unless the event says otherwise.
DEFAULT_SOURCES: dict[str, tuple[str, ...]] = {
    "amount": ("amount", "committed"),
    "currency": ("currency",),
    "amount_usd": ("amount_usd", "committed_usd"),
    "rate": ("usd_per_unit",),
    "kind": ("kind", "type"),
    "provider": ("provider",),
    "japan": ("japan",),
    "us": ("us",),
    "outcome": ("outcome",),
    "comment": ("comment", "reason", "evidence"),
}


@dataclass(frozen=True)
class EventSpec:
    code: str
    label: Any  # a lazily translated string
    sources: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def source(self, column: str) -> tuple[str, ...]:
        return self.sources.get(column, DEFAULT_SOURCES.get(column, ()))


EVENTS: dict[str, EventSpec] = {}


# What each key of an entry's data is called on the log page, named by the app that writes it
# (``register_data``); a key without a name is shown by its own words.
DATA_LABELS: dict[str, Any] = {}
# Keys whose value is an amount in US dollars, shown as money.
USD_KEYS: set[str] = set()
# Keys a reader need not see: internal ids, or a value another sentence already says.
QUIET_KEYS: set[str] = set()
# Codes stored as values (a kind, a type, a limit), named for readers.
DATA_WORDS: dict[str, Any] = {}


def register_data(
    labels: Mapping[str, Any],
    *,
    usd: Iterable[str] = (),
    quiet: Iterable[str] = (),
    words: Mapping[str, Any] | None = None,
) -> None:
    """Name the data keys an app writes into its entries and the codes it stores as values;
    say which keys hold USD amounts and which are not for readers."""
    DATA_LABELS.update(labels)
    USD_KEYS.update(usd)
    QUIET_KEYS.update(quiet)
    DATA_WORDS.update(words or {})


def is_named(key: str) -> bool:
    """Whether an app named ``key`` (or keeps it from readers)."""
    return key in DATA_LABELS or key in QUIET_KEYS


def data_label(key: str) -> str:
    label = DATA_LABELS.get(key)
    return str(label) if label is not None else key.replace("_", " ").capitalize()


def register_events(specs: Iterable[EventSpec]) -> None:
    """Add (or replace) events: apps above the committee call this from ``ready()``."""
    for spec in specs:
        EVENTS[spec.code] = spec


def spec_for(code: str) -> EventSpec:
    """The event's row; an unknown code gets its own words as the label, never an error."""
    return EVENTS.get(code) or EventSpec(code, str(code).replace("_", " ").capitalize())


def event_label(code: str) -> str:
    return str(spec_for(code).label)


def codes_matching(text: str) -> list[str]:
    """Codes whose code or label (in the active language, or English) contains ``text``."""
    from django.utils.translation import override

    needle = (text or "").strip().casefold()
    if not needle:
        return []
    found = []
    for code, spec in EVENTS.items():
        with override("en"):
            english = str(spec.label).casefold()
        names = (code, str(spec.label).casefold(), english)
        if any(needle in name for name in names) or needle.replace(" ", "_") in code:
            found.append(code)
    return sorted(found)


def typed_values(event: str, data: Any) -> dict[str, Any]:
    """The data-drawn typed columns of one entry (strings as stored; empty where absent)."""
    data = data if isinstance(data, dict) else {}
    spec = spec_for(event)
    values: dict[str, Any] = {}
    for column in DEFAULT_SOURCES:
        value = None
        for key in spec.source(column):
            if data.get(key) not in (None, ""):
                value = data[key]
                break
        values[column] = value
    if values["amount_usd"] is None and values["currency"] == "USD":
        values["amount_usd"] = values["amount"]
    return values
