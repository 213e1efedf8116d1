"""Reads for the restated waterfall: the rows ``rules.restate`` needs, a fixed number of
queries whatever the size of the project's ledger, and the recovery answer built from it."""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import OuterRef, Subquery, Sum
from django.utils.translation import gettext as _

from core.models import DecisionLogEntry
from financing import permissions
from projects import permissions as proposal_permissions
from projects.models import Proposal

from .. import rules
from ..models import Approval, Distribution, FxRate, Transaction, TrueUp
from .ledger import today

# The decision log says where a project's true-up stands: the latest of these entries.
TRUE_UP_EVENTS = ("true_up_arose", "true_up_cleared", "true_up_settled")


class Rates:
    """The JPY rates up to a day, read once: the rate in force on a date is the latest on or
    before it (None: no rate). One query instead of a correlated subquery per row, which
    would also split every group by its rate."""

    def __init__(self, on: dt.date) -> None:
        rows = list(
            FxRate.objects.filter(currency="JPY", date__lte=on)
            .order_by("date")
            .values_list("date", "usd_per_unit")
        )
        self.dates = [date for date, _rate in rows]
        self.rates = [rate for _date, rate in rows]

    def on(self, currency: str, date: dt.date) -> Decimal | None:
        if currency == "USD":
            return Decimal(1)
        index = bisect.bisect_right(self.dates, date)
        return self.rates[index - 1] if index else None


# Every transaction type belongs to one kind only (``tests/financing/test_rules_ledger``)
# and the write path refuses a type that does not fit the instrument, so the type alone
# narrows the rows: a plain filter the database answers from the type. Which of them count,
# and how, is ``rules.japan_investment``'s to say.
J_TYPES = sorted({type_ for _kind, type_ in (*rules.JAPAN_INVESTING, *rules.JAPAN_RETURNING)})


def japan_flows(*, proposal: Proposal, on: dt.date, rates: Rates) -> list[rules.Flow]:
    """Japan's investing and returning moves up to ``on``, per value date in USD: summed per
    provider, kind, type, currency and date in the database, each sum converted at its
    date's rate (cents, half-even), and J's one rule (``rules.japan_investment``) applied to
    each date's sums; a yen sum with no rate leaves its date without a value. Reversing
    entries net out in the sums."""
    rows = (
        Transaction.objects.filter(
            type__in=J_TYPES,
            instrument__proposal=proposal,
            instrument__provider__in=rules.JAPANESE_PROVIDERS,
            value_date__lte=on,
        )
        .values(
            "instrument__provider", "instrument__kind", "type", "instrument__currency", "value_date"
        )
        .annotate(total=Sum("amount"))
        .order_by()
    )
    moves: dict[dt.date, list[tuple[str, str, str, Decimal]]] = defaultdict(list)
    unvalued: set[dt.date] = set()
    for row in rows:
        currency, day = row["instrument__currency"], row["value_date"]
        usd = rules.to_usd(row["total"], currency, rates.on(currency, day))
        if usd is None:
            unvalued.add(day)
            continue
        kind_type = (row["instrument__kind"], row["type"])
        moves[day].append((row["instrument__provider"], *kind_type, rules.cents(usd)))
    flows = [rules.Flow(date=day, usd=None) for day in sorted(unvalued)]
    for day, day_moves in sorted(moves.items()):
        investment = rules.japan_investment(day_moves)
        flows.append(rules.Flow(date=day, usd=investment.gross))
        flows.append(rules.Flow(date=day, usd=investment.returned, returned=True))
    return flows


def paid_rows(*, proposal: Proposal, on: dt.date, rates: Rates) -> list[rules.Paid]:
    """The project's recorded distributions up to ``on``, each valued at today's rate for its
    date, with what each country was paid of it (``rules.paid_valued``)."""
    rows = (
        Distribution.objects.filter(proposal=proposal, date__lte=on)
        .values(
            "id",
            "date",
            "amount",
            "currency",
            "amount_usd",
            "japan",
            "reverses",
            "reversed_by",
        )
        .order_by("date", "id")
    )
    out = []
    for row in rows:
        rate = rates.on(row["currency"], row["date"])
        value = rules.cents(rules.to_usd(row["amount"], row["currency"], rate))
        japan, us = rules.paid_valued(
            recorded_usd=row["amount_usd"], japan=row["japan"], amount_usd=value
        )
        reversed_ = row["reversed_by"] is not None
        out.append(rules.Paid(row["id"], row["date"], value, japan, us, row["reverses"], reversed_))
    return out


def restatement(*, proposal: Proposal, on: dt.date | None = None) -> rules.Restatement:
    """The waterfall recomputed over today's ledger and rates, as of ``on`` (default today):
    four queries. The caller has asked the policy."""
    on = on or today()
    settled = TrueUp.objects.filter(proposal=proposal, date__lte=on).aggregate(
        total=Sum("japan", default=Decimal("0"))
    )["total"]
    rates = Rates(on)
    return rules.restate(
        distributions=paid_rows(proposal=proposal, on=on, rates=rates),
        flows=japan_flows(proposal=proposal, on=on, rates=rates),
        settled=settled,
        as_of=on,
    )


def _money(value: Decimal | None) -> str | None:
    return None if value is None else str(rules.cents(value))


def recovery_report(*, user: Any, proposal: Proposal, on: dt.date | None = None) -> dict:
    """The recovery answer (docs/waterfall.md): J gross, returned and net, R, the phase, every
    distribution paid and restated, and the true-up one country owes the other."""
    proposal_permissions.require(
        permissions.can_read_recovery(user, proposal),
        _("Only the committee and staff read the restated recovery position."),
    )
    on = on or today()
    result = restatement(proposal=proposal, on=on)
    investment = result.investment
    true_up = result.true_up
    return {
        "as_of": on.isoformat(),
        "complete": result.complete,
        "japan_investment": {
            "gross": _money(investment and investment.gross),
            "returned": _money(investment and investment.returned),
            "net": _money(investment and investment.net),
        },
        "japan_recovered": _money(result.recovered),
        "remaining": _money(result.remaining),
        "phase": result.phase,
        "distributions": [_restated_row(row) for row in result.rows],
        "true_up": {"japan": _money(true_up), "us": _money(None if true_up is None else -true_up)},
        "pending_approvals": Approval.objects.filter(
            proposal=proposal, status=Approval.Status.PENDING
        ).count(),
    }


def _restated_row(row: rules.Restated) -> dict:
    return {
        "id": row.paid.id,
        "date": row.paid.date.isoformat(),
        "amount_usd": _money(row.paid.amount_usd),
        "japan": _money(row.paid.japan),
        "us": _money(row.paid.us),
        "restated_japan": _money(row.japan),
        "restated_us": _money(row.us),
        "reverses": row.paid.reverses,
        "reversed": row.paid.reversed,
    }


def announced_true_up(reference: str) -> Decimal:
    """The true-up the decision log last announced for a project (zero once settled or
    cleared, or if none ever was)."""
    entry = (
        DecisionLogEntry.objects.filter(proposal=reference, event__in=TRUE_UP_EVENTS)
        .order_by("-seq")
        .values("event", "data")
        .first()
    )
    if entry is None or entry["event"] != "true_up_arose":
        return Decimal("0")
    return Decimal(entry["data"]["japan"])


def announced_true_ups() -> Subquery:
    """For a proposal queryset: the latest true-up entry's event (``true_up_arose`` means
    one is outstanding), as one correlated subquery (no query per project)."""
    return Subquery(
        DecisionLogEntry.objects.filter(proposal=OuterRef("reference"), event__in=TRUE_UP_EVENTS)
        .order_by("-seq")
        .values("event")[:1]
    )
