"""Reads of profit sharing and recovery (docs/waterfall.md): Japan's investment, distributions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import (
    DecimalField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from financing import permissions
from projects import permissions as proposal_permissions
from projects.models import Proposal

from .. import rules
from ..models import Distribution, FxRate, Transaction
from .ledger import today
from .restatement import announced_true_ups

# --- Profit sharing, recovery and yen stress (docs/waterfall.md, docs/ledger.md) -----


def _rate_on(date_ref: Any) -> Subquery:
    """The JPY rate in force on ``date_ref``: the latest on or before it (a scalar subquery)."""
    return Subquery(
        FxRate.objects.filter(currency="JPY", date__lte=date_ref)
        .order_by("-date")
        .values("usd_per_unit")[:1]
    )


@dataclass(frozen=True)
class JapanInvestment:
    """J in USD up to a date (``usd``: net; ``investment``: gross, returned and net);
    ``missing`` lists JPY value dates with no rate to convert at."""

    investment: rules.Investment
    missing: tuple[dt.date, ...]

    @property
    def usd(self) -> Decimal:
        return self.investment.net


def japan_investment(*, proposal_ids: list[int], on: dt.date) -> dict[int, JapanInvestment]:
    """J per proposal up to ``on``, each JPY amount at its value date's rate: one query, the
    arithmetic in ``rules.japan_investment``.

    The caller has asked the policy: this reads figures, not rows a user browses. Rows are
    grouped by proposal, kind, type, currency and value date in the database, so a project's
    thousand disbursements on a dozen dates come back as a dozen rows.
    """
    kinds = Q()
    for kind, type_ in (*rules.JAPAN_INVESTING, *rules.JAPAN_RETURNING):
        kinds |= Q(instrument__kind=kind, type=type_)
    rows = (
        Transaction.objects.filter(
            kinds,
            instrument__proposal_id__in=proposal_ids,
            instrument__provider__in=rules.JAPANESE_PROVIDERS,
            value_date__lte=on,
        )
        .values(
            "instrument__proposal_id",
            "instrument__provider",
            "instrument__kind",
            "type",
            "instrument__currency",
            "value_date",
        )
        .annotate(total=Sum("amount"))
        .annotate(rate=_rate_on(OuterRef("value_date")))
        .order_by()
    )
    moves: dict[int, list[tuple]] = {pk: [] for pk in proposal_ids}
    missing: dict[int, list[dt.date]] = {pk: [] for pk in proposal_ids}
    for row in rows:
        pk = row["instrument__proposal_id"]
        amount = rules.to_usd(row["total"], row["instrument__currency"], row["rate"])
        if amount is None:  # a yen amount with no rate: flagged, never counted as zero
            missing[pk].append(row["value_date"])
            continue
        kind_type = (row["instrument__kind"], row["type"])
        moves[pk].append((row["instrument__provider"], *kind_type, rules.cents(amount)))
    return {
        pk: JapanInvestment(rules.japan_investment(moves[pk]), tuple(sorted(set(missing[pk]))))
        for pk in proposal_ids
    }


def distributions_for(*, user: Any, proposal: Proposal) -> list[Distribution]:
    """The proposal's distributions in waterfall order, if the user may read its financing."""
    if not permissions.can_read_financing(user, proposal):
        return []
    return list(Distribution.objects.filter(proposal=proposal).order_by("date", "id"))


def recovery_position(*, user: Any, proposal: Proposal, on: dt.date | None = None) -> dict:
    """J, R, what remains to recovery, the phase and the history with each split (§7)."""
    proposal_permissions.require(
        permissions.can_read_financing(user, proposal),
        _("You may not read this project's financing."),
    )
    on = on or today()
    history = list(Distribution.objects.filter(proposal=proposal).order_by("date", "id"))
    investment = japan_investment(proposal_ids=[proposal.pk], on=on)[proposal.pk]
    recovered = sum((d.japan for d in history), Decimal("0"))
    return {
        "as_of": on,
        "japan_investment": investment.usd,
        "investment": investment.investment.as_dict(),
        "complete": not investment.missing,
        "japan_recovered": recovered,
        "us_received": sum((d.us for d in history), Decimal("0")),
        "remaining": rules.remaining_to_recovery(investment=investment.usd, recovered=recovered),
        "phase": rules.recovery_phase(investment=investment.usd, recovered=recovered),
        "distributions": history,
    }


RECOVERY_PAGE = 25
# Money is committed and distributed in funding and active, and a closed
# project keeps its record: these are the projects with a recovery position.
FUNDED_STATES = (*permissions.FUNDING_STATES, "closed")


def recovery_table(*, user: Any, on: dt.date, page: Any = 1) -> Page:
    """One page of the program's funded projects (funding, active, closed): J, R, phase.

    By reference; a fixed number of queries whatever the program's size (R is a subquery of
    the page's query, J one grouped query over the page's projects).
    """
    proposal_permissions.require(
        permissions.can_read_exposure(user), _("Your role may not read the program's exposure.")
    )
    projects = (
        Proposal.objects.filter(status__in=FUNDED_STATES)
        .select_related("sponsor")
        .order_by("reference", "pk")
        .annotate(
            recovered=Coalesce(
                Subquery(
                    Distribution.objects.filter(proposal=OuterRef("pk"), date__lte=on)
                    .values("proposal")
                    .annotate(total=Sum("japan"))
                    .values("total")[:1]
                ),
                Value(Decimal("0")),
                output_field=DecimalField(max_digits=20, decimal_places=2),
            ),
            true_up_event=announced_true_ups(),
        )
    )
    result = Paginator(projects, RECOVERY_PAGE).get_page(page)
    rows = list(result.object_list)
    investments = japan_investment(proposal_ids=[p.pk for p in rows], on=on)
    result.object_list = [
        {
            "proposal": p,
            "japan_investment": investments[p.pk].usd,
            "investment": investments[p.pk].investment.as_dict(),
            "complete": not investments[p.pk].missing,
            "japan_recovered": p.recovered,
            "remaining": rules.remaining_to_recovery(
                investment=investments[p.pk].usd, recovered=p.recovered
            ),
            # A yen amount without a rate: the position cannot be valued, never "recovered".
            "phase": None
            if investments[p.pk].missing
            else rules.recovery_phase(investment=investments[p.pk].usd, recovered=p.recovered),
            "true_up_owed": p.true_up_event == "true_up_arose",
        }
        for p in rows
    ]
    return result


def proposal_transactions(*, user: Any, proposal: Proposal) -> QuerySet:
    """Every transaction on the proposal's instruments, by value date: one query."""
    proposal_permissions.require(
        permissions.can_read_financing(user, proposal),
        _("Your role may not read this project's financing."),
    )
    return (
        Transaction.objects.filter(instrument__proposal=proposal)
        .select_related("instrument")
        .order_by("value_date", "id")
    )
