"""A decision-log entry's data in words, in the reader's language: amounts with their currency
and USD value, rates as yen per dollar, splits, tallies, votes and reasons.

What the log page shows under each entry. It reads the entry's ``data`` as stored and never
the database, so it costs nothing per row; the export keeps the exact values.
"""

from __future__ import annotations

from datetime import UTC
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from core.log_events import DATA_WORDS, QUIET_KEYS, USD_KEYS, data_label, register_data
from projects.models import Sector, Status

from .models import Vote

# The keys of the entries the committee and the apps below it write, named for readers in both
# languages (registered with the kernel in ``log_events.register``; higher apps add theirs).
DATA_KEYS = {
    "amount": gettext_lazy("Amount"),
    "amount_requested": gettext_lazy("Amount requested"),
    "amount_usd": gettext_lazy("In USD"),
    "ballot": gettext_lazy("Ballot"),
    "closes_at": gettext_lazy("Closes"),
    "co_sponsors": gettext_lazy("Co-sponsors"),
    "comment": gettext_lazy("Comment"),
    "committed": gettext_lazy("Committed"),
    "condition": gettext_lazy("Condition"),
    "currency": gettext_lazy("Currency"),
    "date": gettext_lazy("Date"),
    "delegation": gettext_lazy("Delegation"),
    "description": gettext_lazy("Description"),
    "distribution": gettext_lazy("Distribution"),
    "document": gettext_lazy("Document"),
    "due": gettext_lazy("Due"),
    "eligible": gettext_lazy("Eligible voters"),
    "event": gettext_lazy("Event"),
    "evidence": gettext_lazy("Evidence"),
    "format": gettext_lazy("Format"),
    "from": gettext_lazy("From"),
    "instrument": gettext_lazy("Instrument"),
    "japan": gettext_lazy("Japan's share"),
    "japan_investment": gettext_lazy("Japan's investment"),
    "japan_recovered": gettext_lazy("Japan's receipts so far"),
    "kind": gettext_lazy("Kind"),
    "lang": gettext_lazy("Language"),
    "outcome": gettext_lazy("Outcome"),
    "package_sha256": gettext_lazy("Package SHA-256"),
    "phase": gettext_lazy("Phase"),
    "previous": gettext_lazy("Previous rate"),
    "proposal": gettext_lazy("Proposal"),
    "provider": gettext_lazy("Provider"),
    "reason": gettext_lazy("Reason"),
    "rule": gettext_lazy("Rule"),
    "sector": gettext_lazy("Sector"),
    "sha256": gettext_lazy("SHA-256"),
    "since": gettext_lazy("Since"),
    "size": gettext_lazy("Size"),
    "source": gettext_lazy("Source"),
    "sponsor": gettext_lazy("Sponsor"),
    "status": gettext_lazy("Status"),
    "supersedes": gettext_lazy("Replaces document"),
    "tally": gettext_lazy("Tally"),
    "text": gettext_lazy("Text"),
    "title": gettext_lazy("Title"),
    "to": gettext_lazy("To"),
    "transaction": gettext_lazy("Transaction"),
    "type": gettext_lazy("Type"),
    "until": gettext_lazy("Until"),
    "us": gettext_lazy("US share"),
    "usd_per_unit": gettext_lazy("Rate"),
    "value_date": gettext_lazy("Value date"),
    "votes": gettext_lazy("Votes"),
    "was": gettext_lazy("Was"),
}
WORDS = {
    "approved": gettext_lazy("Approved"),
    "rejected": gettext_lazy("Rejected"),
    "no_quorum": gettext_lazy("No quorum"),
    "dual_majority": gettext_lazy("Dual majority (each delegation)"),
    "simple_majority": gettext_lazy("Simple majority (pooled)"),
    "equity": gettext_lazy("Equity"),
    "loan": gettext_lazy("Loan"),
    "guarantee": gettext_lazy("Guarantee"),
    "private": gettext_lazy("Private"),
    "disbursement": gettext_lazy("Disbursement"),
    "repayment": gettext_lazy("Repayment"),
    "write_off": gettext_lazy("Write-off"),
    "issue": gettext_lazy("Issue"),
    "release": gettext_lazy("Release"),
    "call": gettext_lazy("Call"),
    "recovery": gettext_lazy("Recovery"),
    "contribution": gettext_lazy("Contribution"),
    "return_of_capital": gettext_lazy("Return of capital"),
    "cancellation": gettext_lazy("Cancellation"),
    "pre_recovery": gettext_lazy("Before recovery (50/50)"),
    "crossing": gettext_lazy("Crossing recovery"),
    "post_recovery": gettext_lazy("After recovery (90/10)"),
    "open": gettext_lazy("Open"),
    "overdue": gettext_lazy("Overdue"),
    "satisfied": gettext_lazy("Satisfied"),
    "withdrawn": gettext_lazy("Withdrawn"),
    "conflict declared": gettext_lazy("Conflict declared"),
    "csv": "CSV",
    "jsonl": "JSON Lines",
    "xlsx": "Excel",
    "en": gettext_lazy("English"),
    "ja": gettext_lazy("Japanese"),
    **dict(Status.choices),
    **dict(Sector.choices),
    **dict(Vote.Choice.choices),
}
MONEY_KEYS = ("amount", "committed", "amount_requested")
# Shown by the money and split sentences, or not worth a reader's glance.
HANDLED = {
    *MONEY_KEYS,
    "amount_usd",
    "currency",
    "usd_per_unit",
    "previous",
    "japan",
    "us",
    "from",
    "to",
    "tally",
    "votes",
    "eligible",
    "outcome",
    "rule",
}
QUIET = {"instrument", "transaction", "distribution", "ballot", "condition", "document"}


def register() -> None:
    """Hand the committee's names of keys and codes to the kernel's table."""
    register_data(DATA_KEYS, quiet=QUIET, words=WORDS)


def key_label(key: str) -> str:
    return data_label(key)


def word(value: Any) -> str:
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    label = DATA_WORDS.get(value) if isinstance(value, str) else None
    return str(label) if label is not None else str(value)


def _fact(label: str, value: str) -> str:
    return pgettext("a fact of a log entry", "%(label)s: %(value)s") % {
        "label": label,
        "value": value,
    }


def _separator() -> str:
    return pgettext("between the parts of one fact", "; ")


def _decimal(value: Any) -> Decimal | None:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def money(value: Any, currency: str | None) -> str:
    number = _decimal(value)
    if number is None:
        return str(value)
    places = 0 if currency == "JPY" and number == number.to_integral_value() else 2
    text = f"{number:,.{places}f}"
    return f"{currency} {text}" if currency else text


def yen_per_dollar(usd_per_unit: Any) -> str | None:
    number = _decimal(usd_per_unit)
    if not number:
        return None
    return f"{(Decimal(1) / number).quantize(Decimal('0.01')):,}"


def _short(value: Any, limit: int = 120) -> str:
    text = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def prose(event: str, data: Any) -> list[str]:
    """The entry's key facts as short sentences in the active language."""
    if not isinstance(data, dict) or not data:
        return []
    return [
        *_transition(data),
        *_money(data),
        *_rate(data),
        *_split(data),
        *_tally(data),
        *_votes(data),
        *_rest(data),
    ]


def _transition(data: dict) -> list[str]:
    lines = []
    if "from" in data and "to" in data:
        lines.append(f"{word(data['from'])} → {word(data['to'])}")
    if data.get("outcome"):
        rule = f" ({word(data['rule'])})" if data.get("rule") else ""
        lines.append(_("Outcome: %(outcome)s") % {"outcome": word(data["outcome"])} + rule)
    return lines


def _money(data: dict) -> list[str]:
    currency = data.get("currency")
    lines = []
    for key in MONEY_KEYS:
        if data.get(key) in (None, ""):
            continue
        line = _fact(key_label(key), money(data[key], currency))
        if data.get("amount_usd") not in (None, "") and currency != "USD":
            line += " " + _("(USD %(usd)s)") % {"usd": money(data["amount_usd"], None)}
        lines.append(line)
    for key in sorted(USD_KEYS):
        if data.get(key) not in (None, ""):
            lines.append(_fact(key_label(key), money(data[key], "USD")))
    return lines


def _rate(data: dict) -> list[str]:
    if data.get("usd_per_unit") in (None, ""):
        return []
    line = _("Rate: %(yen)s yen per dollar (%(usd)s USD per yen)") % {
        "yen": yen_per_dollar(data["usd_per_unit"]),
        "usd": data["usd_per_unit"],
    }
    previous = yen_per_dollar(data.get("previous"))
    if previous:
        line += _separator() + _("was %(yen)s yen per dollar") % {"yen": previous}
    return [line]


def _split(data: dict) -> list[str]:
    if data.get("japan") in (None, "") or data.get("us") in (None, ""):
        return []
    return [
        _("Split: Japan USD %(japan)s, US USD %(us)s")
        % {"japan": money(data["japan"], None), "us": money(data["us"], None)}
    ]


def _tally(data: dict) -> list[str]:
    if not isinstance(data.get("tally"), dict):
        return []
    parts = [
        _("%(delegation)s %(for)s for, %(against)s against, %(abstain)s abstaining")
        % {
            "delegation": delegation,
            "for": counts.get("for", 0),
            "against": counts.get("against", 0),
            "abstain": counts.get("abstain", 0),
        }
        for delegation, counts in sorted(data["tally"].items(), reverse=True)
        if isinstance(counts, dict)
    ]
    return [_("Tally: %(parts)s") % {"parts": _separator().join(parts)}]


def _votes(data: dict) -> list[str]:
    if not isinstance(data.get("votes"), list):
        return []
    lines = []
    for vote in data["votes"]:
        if not isinstance(vote, dict):
            continue
        who = vote.get("name") or vote.get("voter", "")
        line = f"{who} ({vote.get('delegation', '')}): {word(vote.get('choice', ''))}"
        if vote.get("rationale"):
            line += f" — {_short(vote['rationale'])}"
        lines.append(line)
    return lines


def _rest(data: dict) -> list[str]:
    """Every other fact, by its label, so a new key is shown rather than lost."""
    lines = []
    for key, value in data.items():
        if key in HANDLED or key in QUIET_KEYS or key in USD_KEYS or value in (None, "", [], {}):
            continue
        lines.append(_fact(key_label(key), _short(_value(key, value))))
    return lines


def _value(key: str, value: Any) -> str:
    if key in ("sha256", "package_sha256") and isinstance(value, str):
        return value[:12] + "…"
    if key.endswith("_at") and isinstance(value, str) and (moment := _moment(value)):
        return moment.strftime("%Y-%m-%d %H:%M UTC")
    if isinstance(value, dict):  # e.g. what an edited condition was
        return _separator().join(
            _fact(key_label(k), word(v)) for k, v in value.items() if v not in (None, "")
        )
    if isinstance(value, list):
        return ", ".join(word(item) for item in value)
    return word(value)


def _moment(text: str):
    """A stored ISO time in UTC; None for text that is not one (then shown as written)."""
    try:
        moment = parse_datetime(text)
    except ValueError:  # well-formed but impossible, e.g. a 13th month
        return None
    if moment is not None and moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment
