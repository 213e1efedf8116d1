"""Ledger JSON (docs/ledger.md): input parsing and output rendering kept apart."""

from __future__ import annotations

from decimal import Decimal

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from financing import rules
from financing.models import FxRate, Transaction

MONEY = {"max_digits": 20, "decimal_places": 2}
RATE = {"max_digits": 20, "decimal_places": 10}


class InstrumentIn(serializers.Serializer):
    kind = serializers.ChoiceField(choices=list(rules.KINDS))
    provider = serializers.ChoiceField(choices=list(rules.PROVIDERS))
    currency = serializers.ChoiceField(choices=list(rules.CURRENCIES))
    committed = serializers.DecimalField(
        **MONEY,
        min_value=Decimal("0.01"),
        help_text="Amount committed, in `currency` (JPY: whole yen; at most 15 digits).",
    )
    signed_on = serializers.DateField(
        required=False,
        allow_null=True,
        help_text="The day it was signed, up to today. Omitted: the earliest of today and "
        "its transactions' value dates; given: a transaction dated before it is refused.",
    )
    covers = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        help_text="A JBIC or NEXI guarantee: the id of the private loan on the project it covers.",
    )
    cover_ratio = serializers.DecimalField(
        max_digits=5,
        decimal_places=4,
        required=False,
        allow_null=True,
        help_text="The share of the covered loan guaranteed: 0 < r ≤ 1.",
    )


class InstrumentOut(serializers.Serializer):
    """An instrument with its figures from every transaction recorded so far."""

    id = serializers.IntegerField()
    proposal = serializers.CharField(source="proposal.reference")
    kind = serializers.CharField()
    provider = serializers.CharField()
    currency = serializers.CharField()
    committed = serializers.DecimalField(
        **MONEY, source="f_committed", help_text="As committed, less cancellations."
    )
    signed_on = serializers.DateField()
    covers = serializers.IntegerField(source="covers_id", allow_null=True)
    cover_ratio = serializers.DecimalField(max_digits=5, decimal_places=4, allow_null=True)
    exposure = serializers.DecimalField(**MONEY, source="f_exposure")
    undrawn = serializers.DecimalField(**MONEY, source="f_undrawn")
    claims = serializers.DecimalField(**MONEY, source="f_claims")
    committed_by = serializers.CharField(source="committed_by.username")
    committed_at = serializers.DateTimeField()


class TransactionIn(serializers.Serializer):
    type = serializers.ChoiceField(
        choices=list(rules.TRANSACTION_TYPES),
        help_text="One of the types that fit the instrument's kind (the table in docs/ledger.md).",
    )
    amount = serializers.DecimalField(**MONEY, min_value=Decimal("0.01"))
    value_date = serializers.DateField(
        help_text="The day the money moved: any day up to today (entries are booked late)."
    )


class TransactionOut(serializers.ModelSerializer):
    instrument = serializers.IntegerField(source="instrument_id")
    currency = serializers.CharField(source="instrument.currency")
    recorded_by = serializers.CharField(source="recorded_by.username")
    reverses = serializers.IntegerField(
        source="reverses_id", allow_null=True, help_text="The entry this one reverses."
    )

    class Meta:
        model = Transaction
        fields = [
            "id",
            "instrument",
            "type",
            "amount",
            "currency",
            "value_date",
            "recorded_by",
            "recorded_at",
            "reverses",
        ]


class FxRateIn(serializers.Serializer):
    """A day's rate, as USD per yen or as the market quotes it (yen per dollar): one of the two."""

    date = serializers.DateField(help_text="The day of the rate: any day up to today.")
    currency = serializers.ChoiceField(choices=["JPY"], default="JPY")
    usd_per_unit = serializers.DecimalField(
        **RATE, min_value=Decimal("0.0000000001"), required=False
    )
    jpy_per_usd = serializers.DecimalField(
        **RATE, min_value=Decimal("0.0000000001"), required=False, help_text="e.g. 151.50"
    )
    source = serializers.CharField(
        max_length=100, required=False, allow_blank=True, default="", help_text="e.g. JBIC TTM"
    )
    confirm = serializers.BooleanField(
        default=False, help_text="Record a rate more than 10% from the nearest one anyway."
    )


class FxRateOut(serializers.ModelSerializer):
    entered_by = serializers.CharField(source="entered_by.username", allow_null=True)
    jpy_per_usd = serializers.SerializerMethodField(help_text="Yen per dollar, as quoted.")

    class Meta:
        model = FxRate
        fields = [
            "id",
            "date",
            "currency",
            "usd_per_unit",
            "jpy_per_usd",
            "source",
            "entered_by",
            "entered_at",
        ]

    @extend_schema_field({"type": "string", "format": "decimal"})
    def get_jpy_per_usd(self, row: FxRate) -> str:
        return str(rules.quote_from_usd_per_unit(row.usd_per_unit))


class ExposureRowOut(serializers.Serializer):
    id = serializers.IntegerField()
    proposal = serializers.CharField(help_text="The proposal's reference.")
    proposal_id = serializers.IntegerField()
    sponsor = serializers.CharField()
    sector = serializers.CharField()
    kind = serializers.CharField()
    provider = serializers.CharField()
    currency = serializers.CharField()
    committed = serializers.DecimalField(**MONEY)
    exposure = serializers.DecimalField(**MONEY)
    undrawn = serializers.DecimalField(**MONEY)
    claims = serializers.DecimalField(**MONEY)
    usd_per_unit = serializers.DecimalField(**RATE, allow_null=True)
    exposure_usd = serializers.DecimalField(
        **MONEY, allow_null=True, help_text="Null when no JPY rate exists on or before as_of."
    )
    committed_usd = serializers.DecimalField(**MONEY, allow_null=True)
    rate_missing = serializers.BooleanField(help_text="No rate to convert at: not counted.")


class TotalsOut(serializers.Serializer):
    by_kind = serializers.DictField(child=serializers.DecimalField(**MONEY))
    by_provider = serializers.DictField(child=serializers.DecimalField(**MONEY))
    by_sector = serializers.DictField(child=serializers.DecimalField(**MONEY))
    by_sponsor = serializers.DictField(child=serializers.DecimalField(**MONEY))
    by_currency = serializers.DictField(child=serializers.DecimalField(**MONEY))
    all = serializers.DecimalField(**MONEY)


class LimitOut(serializers.Serializer):
    limit_usd = serializers.DecimalField(**MONEY)
    committed_usd = serializers.DecimalField(**MONEY)
    headroom_usd = serializers.DecimalField(**MONEY)
    utilisation_percent = serializers.DecimalField(max_digits=30, decimal_places=2)
    breached = serializers.BooleanField(help_text="Committed stands above the limit.")


class LimitsOut(serializers.Serializer):
    program = LimitOut()
    equity = LimitOut()


class CoFinancingOut(serializers.Serializer):
    instruments = serializers.IntegerField()
    committed_usd = serializers.DecimalField(**MONEY)
    exposure_usd = serializers.DecimalField(**MONEY)


class ExposureOut(serializers.Serializer):
    """The exposure (docs/ledger.md), plus the committed totals and the program limits."""

    as_of = serializers.DateField()
    computed_at = serializers.DateTimeField(help_text="When the oldest figure was computed.")
    complete = serializers.BooleanField(help_text="False when a row lacks an FX rate.")
    instruments = ExposureRowOut(many=True)
    totals = TotalsOut(help_text="Exposure in USD (rows without a rate left out).")
    committed_totals = TotalsOut(
        help_text="JBIC and NEXI commitments in USD, grouped the same way: what the limits count."
    )
    co_financing = CoFinancingOut(help_text="Private instruments: beside the program, not in it.")
    limits = LimitsOut()
