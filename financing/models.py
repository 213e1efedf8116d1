"""The program's money: instruments, their transactions, FX rates, exposure snapshots and
profit distributions (CONTRACT §6, §7). Fields and constraints only; rules live in
``rules.py``, writes in ``services.py``."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

MONEY = {"max_digits": 20, "decimal_places": 2}


class Kind(models.TextChoices):
    EQUITY = "equity", _("Equity")
    LOAN = "loan", _("Loan")
    GUARANTEE = "guarantee", _("Guarantee")


class Provider(models.TextChoices):
    JBIC = "JBIC", "JBIC"
    NEXI = "NEXI", "NEXI"
    PRIVATE = "private", _("Private")


class Instrument(models.Model):
    """Money committed to an approved project: equity, a loan or a guarantee."""

    proposal = models.ForeignKey(
        "projects.Proposal",
        on_delete=models.PROTECT,
        related_name="instruments",
        verbose_name=_("proposal"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    provider = models.CharField(_("provider"), max_length=16, choices=Provider.choices)
    currency = models.CharField(_("currency"), max_length=3)
    committed = models.DecimalField(_("committed"), **MONEY)
    committed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    committed_at = models.DateTimeField(_("committed at"), auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("instrument")
        verbose_name_plural = _("instruments")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(committed__gt=0), name="instrument_committed_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=["equity", "loan", "guarantee"]),
                name="instrument_kind_known",
            ),
            models.CheckConstraint(
                condition=models.Q(currency__in=["USD", "JPY"]), name="instrument_currency_known"
            ),
        ]
        indexes = [models.Index(fields=["kind", "provider"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.provider} {self.committed} {self.currency}"


class Transaction(models.Model):
    """Money that moved on an instrument on ``value_date`` (booked at ``recorded_at``)."""

    instrument = models.ForeignKey(
        Instrument, on_delete=models.PROTECT, related_name="transactions"
    )
    type = models.CharField(_("type"), max_length=32)
    amount = models.DecimalField(_("amount"), **MONEY)
    value_date = models.DateField(_("value date"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["value_date", "id"]
        verbose_name = _("transaction")
        verbose_name_plural = _("transactions")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="transaction_amount_positive"
            ),
        ]
        indexes = [models.Index(fields=["instrument", "value_date"])]

    def __str__(self) -> str:
        return f"{self.type} {self.amount} on {self.value_date}"


class FxRate(models.Model):
    """How many US dollars one unit of ``currency`` bought on ``date``."""

    date = models.DateField(_("date"))
    currency = models.CharField(_("currency"), max_length=3, default="JPY")
    usd_per_unit = models.DecimalField(_("USD per unit"), max_digits=20, decimal_places=10)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    entered_at = models.DateTimeField(_("entered at"), auto_now_add=True)

    class Meta:
        ordering = ["-date", "currency"]
        verbose_name = _("FX rate")
        verbose_name_plural = _("FX rates")
        constraints = [
            models.UniqueConstraint(fields=["currency", "date"], name="one_rate_per_day"),
            models.CheckConstraint(condition=models.Q(usd_per_unit__gt=0), name="fx_rate_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.currency} {self.date}: {self.usd_per_unit} USD"


class ExposureSnapshot(models.Model):
    """One instrument's figures as of a day, written by the exposure job (idempotent upsert).

    ``exposure_usd`` is null when the instrument is in JPY and no rate exists on or before
    ``as_of``: the row is flagged, never counted as zero.
    """

    # Derived rows, written only by the exposure job from existing instruments: no database
    # foreign key or index of their own, which made writing 100,000 of them twice as slow
    # (bench/exposure.py); the unique (as_of, instrument) index serves every read.
    instrument = models.ForeignKey(
        Instrument,
        on_delete=models.CASCADE,
        related_name="snapshots",
        db_constraint=False,
        db_index=False,
    )
    as_of = models.DateField()
    committed = models.DecimalField(**MONEY)
    exposure = models.DecimalField(**MONEY)
    undrawn = models.DecimalField(**MONEY)
    claims = models.DecimalField(**MONEY, default=Decimal("0"))
    usd_per_unit = models.DecimalField(max_digits=20, decimal_places=10, null=True)
    exposure_usd = models.DecimalField(**MONEY, null=True)
    committed_usd = models.DecimalField(**MONEY, null=True)
    computed_at = models.DateTimeField()

    class Meta:
        ordering = ["instrument_id"]
        constraints = [
            models.UniqueConstraint(fields=["as_of", "instrument"], name="one_snapshot_per_day")
        ]

    def __str__(self) -> str:
        return f"instrument {self.instrument_id} as of {self.as_of}"


class Distribution(models.Model):
    """Cash a project distributed to the two countries, split by the waterfall (CONTRACT §7)."""

    class Phase(models.TextChoices):
        PRE_RECOVERY = "pre_recovery", _("Before recovery")
        CROSSING = "crossing", _("Crossing recovery")
        POST_RECOVERY = "post_recovery", _("After recovery")

    proposal = models.ForeignKey(
        "projects.Proposal", on_delete=models.PROTECT, related_name="distributions"
    )
    date = models.DateField(_("date"))
    amount = models.DecimalField(_("amount"), **MONEY)
    currency = models.CharField(_("currency"), max_length=3)
    usd_per_unit = models.DecimalField(max_digits=20, decimal_places=10, null=True)
    amount_usd = models.DecimalField(**MONEY)
    japan = models.DecimalField(**MONEY)
    us = models.DecimalField(**MONEY)
    japan_investment = models.DecimalField(**MONEY)
    japan_recovered = models.DecimalField(**MONEY)
    phase = models.CharField(max_length=16, choices=Phase.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date", "id"]
        verbose_name = _("distribution")
        verbose_name_plural = _("distributions")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="distribution_amount_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"Distribution {self.amount} {self.currency} on {self.date}"
