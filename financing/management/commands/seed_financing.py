"""Demo financing on top of ``seed_demo``: rates, instruments, transactions, distributions.

``projects`` must not import ``financing``, so this is a command of its own, run after
``seed_demo``. Idempotent: a project that already has instruments is left alone.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_DOWN, Decimal

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from core.errors import DomainError
from financing import rules, selectors, services
from financing.exposure_job import recompute_exposure
from financing.models import FxRate, Instrument
from projects.models import Proposal, Status
from projects.services import proposal_transition

STAFF = "us-staff"
# (kind, provider, currency, committed, [(type, amount, months ago)])
PLAN = [
    (
        "loan",
        "JBIC",
        "USD",
        "600000000",
        [
            ("disbursement", "250000000", 11),
            ("disbursement", "200000000", 7),
            ("repayment", "50000000", 2),
        ],
    ),
    (
        "loan",
        "NEXI",
        "JPY",
        "45000000000",
        [("disbursement", "20000000000", 9), ("disbursement", "10000000000", 4)],
    ),
    (
        "guarantee",
        "NEXI",
        "USD",
        "300000000",
        [("issue", "300000000", 10), ("call", "40000000", 3)],
    ),
    ("equity", "JBIC", "USD", "90000000", [("contribution", "60000000", 8)]),
    ("loan", "private", "USD", "400000000", [("disbursement", "300000000", 6)]),
]
DISTRIBUTIONS = [("120000000", "USD", 5), ("3000000000", "JPY", 1)]


def plan_for(proposal: Proposal, on: dt.date) -> list[tuple]:
    """``PLAN`` scaled down, in whole units, so that the project's JBIC and NEXI commitments
    stay within nine tenths of the amount approved for it."""
    rate = selectors.fx_rate_on("JPY", on)
    program = sum(
        rules.to_usd(Decimal(committed), currency, rate)
        for _kind, provider, currency, committed, _moves in PLAN
        if rules.is_program(provider)
    )
    approved = selectors.approved_amount(proposal.pk)
    approved_usd = approved and rules.to_usd(approved[0], approved[1], rate)
    factor = min(Decimal(1), approved_usd * Decimal("0.9") / program) if approved_usd else 1

    def scaled(amount: str) -> Decimal:
        return (Decimal(amount) * factor).quantize(Decimal(1), rounding=ROUND_DOWN)

    return [
        (kind, provider, currency, scaled(committed), [(t, scaled(a), ago) for t, a, ago in moves])
        for kind, provider, currency, committed, moves in PLAN
    ]


def months_ago(today: dt.date, months: int) -> dt.date:
    year, month = divmod(today.year * 12 + today.month - 1 - months, 12)
    return dt.date(year, month + 1, min(today.day, 28))


class Command(BaseCommand):
    help = "Add demo FX rates, instruments, transactions and distributions (after seed_demo)."

    def handle(self, *args, **options):
        staff = get_user_model().objects.filter(username=STAFF).first()
        if staff is None:
            raise CommandError("Run seed_demo first: the demo secretariat user is missing.")
        today = selectors.today()
        with transaction.atomic():
            for months in range(15, -1, -1):
                day = months_ago(today, months).replace(day=1)
                if not FxRate.objects.filter(currency="JPY", date=day).exists():
                    rate = Decimal("0.0072") - Decimal("0.00005") * (15 - months)
                    services.fx_rate_set(user=staff, date=day, currency="JPY", usd_per_unit=rate)
            for proposal in Proposal.objects.filter(status=Status.APPROVED):
                try:  # an approved project whose conditions are open stays where it is
                    with transaction.atomic():
                        proposal_transition(
                            user=staff, proposal_id=proposal.pk, action="start_funding"
                        )
                except DomainError:
                    pass
        funded = 0
        for proposal in Proposal.objects.filter(status__in=[Status.FUNDING, Status.ACTIVE]):
            if Instrument.objects.filter(proposal=proposal).exists():
                continue
            with transaction.atomic():
                for kind, provider, currency, committed, moves in plan_for(proposal, today):
                    instrument = services.instrument_commit(
                        user=staff,
                        proposal_id=proposal.pk,
                        kind=kind,
                        provider=provider,
                        currency=currency,
                        committed=committed,
                    )
                    for type_, amount, ago in moves:
                        services.transaction_record(
                            user=staff,
                            instrument_id=instrument.pk,
                            type=type_,
                            amount=amount,
                            value_date=months_ago(today, ago),
                        )
                for amount, currency, ago in DISTRIBUTIONS:
                    services.distribution_record(
                        user=staff,
                        proposal_id=proposal.pk,
                        amount=amount,
                        currency=currency,
                        date=months_ago(today, ago),
                    )
            funded += 1
        # Month-end totals, as the nightly job would have recorded them, for the trend chart.
        for months in range(12, 0, -1):
            end = months_ago(today, months - 1).replace(day=1) - dt.timedelta(days=1)
            recompute_exposure(as_of=end)
        recompute_exposure(as_of=today)
        self.stdout.write(f"Financing added to {funded} project(s).")
