"""The program's money: instruments (with the exposure job's figures), their transactions,
FX rates, the exposure job's days and profit distributions (docs/ledger.md,
docs/waterfall.md). Fields and constraints only; rules live in ``rules.py``, writes in
``services.py``."""

import datetime as dt
import zoneinfo

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

MONEY = {"max_digits": 20, "decimal_places": 2}


def business_today() -> dt.date:
    """The calendar day in ``ACCORD_BUSINESS_TZ`` (Tokyo by default): the program's "today"
    for value dates, signing dates and the nightly job."""
    return timezone.localdate(timezone=zoneinfo.ZoneInfo(settings.ACCORD_BUSINESS_TZ))


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
    # The day the instrument was signed: counted from it in every "as of" view. Given when it
    # is committed (``signed_on_given``: a transaction dated before it is refused), or else
    # the earliest of the day it was recorded and its transactions' value dates.
    signed_on = models.DateField(_("signed on"), default=business_today)
    signed_on_given = models.BooleanField(default=False, editable=False)
    # A JBIC or NEXI guarantee may cover a share of a private loan on the same project: its
    # exposure is then at most that share of the loan's, so the risk is counted once.
    covers = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="covered_by",
        verbose_name=_("covers"),
    )
    cover_ratio = models.DecimalField(
        _("cover ratio"), max_digits=5, decimal_places=4, null=True, blank=True
    )
    # Its figures as the exposure job last wrote them, in its own currency:
    # written only when one changes. A value date is never in the future, so only a recorded
    # transaction changes them, and each one re-runs the job for its instrument on commit
    # (the nightly run checks them all). Null until the job first reaches the instrument;
    # USD is converted when read, at the rate of the day read (docs/ledger.md).
    exposure = models.DecimalField(_("exposure"), **MONEY, null=True, editable=False)
    undrawn = models.DecimalField(_("undrawn"), **MONEY, null=True, editable=False)
    claims = models.DecimalField(_("claims"), **MONEY, null=True, editable=False)
    cancelled = models.DecimalField(_("cancelled"), **MONEY, null=True, editable=False)
    figures_as_of = models.DateField(_("figures as of"), null=True, editable=False)
    figures_computed_at = models.DateTimeField(_("figures computed at"), null=True, editable=False)

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
            models.CheckConstraint(
                condition=models.Q(covers__isnull=True, cover_ratio__isnull=True)
                | models.Q(covers__isnull=False, cover_ratio__gt=0, cover_ratio__lte=1),
                name="instrument_cover_ratio_in_range",
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
    # A correction is a reversing entry, never an edit: the same type and value date with the
    # amount negated, so every sum over the ledger nets the original out. One per original.
    reverses = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversed_by",
        verbose_name=_("reverses"),
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )

    class Meta:
        ordering = ["value_date", "id"]
        verbose_name = _("transaction")
        verbose_name_plural = _("transactions")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0, reverses__isnull=True)
                | models.Q(amount__lt=0, reverses__isnull=False),
                name="transaction_amount_signed",
            ),
        ]
        indexes = [
            models.Index(fields=["instrument", "value_date"]),
            # The limits net the few cancellations out of what is committed.
            models.Index(
                fields=["instrument"],
                condition=models.Q(type="cancellation"),
                name="transaction_cancellations",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.type} {self.amount} on {self.value_date}"


class FxRate(models.Model):
    """How many US dollars one unit of ``currency`` bought on ``date``."""

    date = models.DateField(_("date"))
    currency = models.CharField(_("currency"), max_length=3, default="JPY")
    usd_per_unit = models.DecimalField(_("USD per unit"), max_digits=20, decimal_places=10)
    # Where the figure came from (e.g. "JBIC TTM"): free text, optional.
    source = models.CharField(_("source"), max_length=100, blank=True, default="")
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


class ExposureDay(models.Model):
    """What the exposure job did for a day: when it last checked every instrument's figures
    as of it (``checked_at``: runs for today), and the program's USD totals as of it when it
    recorded them (``totals_at``: the month-end just closed, a day named to
    ``recompute_exposure --as-of``, a day whose rate changed). The exposure page's trend
    reads the totals; a figure without a rate is counted in ``missing``, never as zero."""

    as_of = models.DateField(unique=True)
    checked_at = models.DateTimeField(null=True)
    totals_at = models.DateTimeField(null=True)
    instruments = models.PositiveIntegerField(null=True)
    missing = models.PositiveIntegerField(null=True)  # JPY instruments without a rate
    exposure_usd = models.DecimalField(**MONEY, null=True)  # of those with a USD figure
    committed_usd = models.DecimalField(**MONEY, null=True)

    class Meta:
        ordering = ["as_of"]

    def __str__(self) -> str:
        return f"exposure as of {self.as_of}"


class Distribution(models.Model):
    """Cash a project distributed to the two countries, split by the waterfall."""

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
    # A reversing distribution negates every amount of the one it names (same date): what was
    # paid nets to zero, and the restated waterfall leaves both out.
    reverses = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversed_by"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )

    class Meta:
        ordering = ["date", "id"]
        verbose_name = _("distribution")
        verbose_name_plural = _("distributions")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0, reverses__isnull=True)
                | models.Q(amount__lt=0, reverses__isnull=False),
                name="distribution_amount_signed",
            ),
        ]

    def __str__(self) -> str:
        return f"Distribution {self.amount} {self.currency} on {self.date}"


class TrueUp(models.Model):
    """A settlement between the countries of what the restated waterfall says one owes the
    other (``japan`` to Japan, ``us`` = −``japan`` to the US): paid, never edited."""

    proposal = models.ForeignKey(
        "projects.Proposal", on_delete=models.PROTECT, related_name="true_ups"
    )
    date = models.DateField(_("date"))
    japan = models.DecimalField(**MONEY)
    us = models.DecimalField(**MONEY)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(japan=-models.F("us")), name="true_up_balances"
            ),
        ]

    def __str__(self) -> str:
        return f"True-up {self.japan} to Japan on {self.date}"


class Approval(models.Model):
    """An entry that waits for a second staff user (maker-checker): what it would record, in
    ``payload``, counts nowhere until another staff user approves it."""

    class What(models.TextChoices):
        TRANSACTION = "transaction", _("Transaction")
        DISTRIBUTION = "distribution", _("Distribution")
        TRANSACTION_REVERSAL = "transaction_reversal", _("Reversal of a transaction")
        DISTRIBUTION_REVERSAL = "distribution_reversal", _("Reversal of a distribution")
        TRUE_UP = "true_up", _("True-up")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", pgettext_lazy("approval", "Rejected")

    what = models.CharField(_("what"), max_length=32, choices=What.choices)
    proposal = models.ForeignKey(
        "projects.Proposal", on_delete=models.PROTECT, related_name="approvals"
    )
    payload = models.JSONField(default=dict)
    reason = models.TextField(_("reason"), blank=True, default="")
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    made_at = models.DateTimeField(_("made at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    decided_at = models.DateTimeField(null=True)
    comment = models.TextField(blank=True, default="")  # the checker's, when rejecting
    entry_id = models.PositiveBigIntegerField(null=True)  # the row it recorded once approved

    class Meta:
        ordering = ["-made_at", "-id"]
        indexes = [models.Index(fields=["status", "proposal"])]

    def __str__(self) -> str:
        return f"{self.get_what_display()} #{self.pk} ({self.status})"
