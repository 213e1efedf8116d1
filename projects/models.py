"""Sponsors and proposals: fields, constraints and small derived properties only."""

from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.validators import MaxLengthValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from core.roles import SPONSOR_NAME_MAX


class Country(models.TextChoices):
    US = "US", _("United States")
    JP = "JP", _("Japan")


class Sector(models.TextChoices):
    NUCLEAR = "nuclear", _("Nuclear")
    GRID = "grid", _("Grid")
    ENERGY_STORAGE = "energy_storage", _("Energy storage")
    ADVANCED_MANUFACTURING = "advanced_manufacturing", _("Advanced manufacturing")
    SEMICONDUCTORS = "semiconductors", _("Semiconductors")
    PHARMACEUTICALS = "pharmaceuticals", _("Pharmaceuticals")
    CRITICAL_MINERALS = "critical_minerals", _("Critical minerals")
    SHIPBUILDING = "shipbuilding", _("Shipbuilding")
    AI_INFRASTRUCTURE = "ai_infrastructure", _("AI infrastructure")
    OTHER = "other", _("Other")


class Currency(models.TextChoices):
    USD = "USD", "USD"
    JPY = "JPY", "JPY"


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    IN_REVIEW = "in_review", _("In review")
    VOTING = "voting", _("Voting")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    FUNDING = "funding", _("Funding")
    ACTIVE = "active", _("Active")
    CLOSED = "closed", _("Closed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Sponsor(models.Model):
    """A company that submits proposals; its users act through ``group``."""

    name = models.CharField(
        _("name"),
        max_length=200,
        unique=True,
        # Whole in its access group's name (core.roles.sponsor_group_name).
        validators=[MaxLengthValidator(SPONSOR_NAME_MAX)],
    )
    country = models.CharField(_("country"), max_length=2)
    group = models.OneToOneField(Group, on_delete=models.PROTECT, related_name="sponsor")

    class Meta:
        ordering = ["name"]
        verbose_name = _("sponsor")
        verbose_name_plural = _("sponsors")

    def __str__(self) -> str:
        return self.name


class Proposal(models.Model):
    reference = models.CharField(_("reference"), max_length=20, unique=True)
    title = models.CharField(_("title"), max_length=300, blank=True)
    sponsor = models.ForeignKey(
        Sponsor, on_delete=models.PROTECT, related_name="proposals", verbose_name=_("sponsor")
    )
    co_sponsors = models.ManyToManyField(
        Sponsor, blank=True, related_name="co_sponsored", verbose_name=_("co-sponsors")
    )
    sector = models.CharField(_("sector"), max_length=32, choices=Sector.choices, blank=True)
    description = models.TextField(_("description"), blank=True)
    amount_requested = models.DecimalField(
        _("amount requested"),
        max_digits=20,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    currency = models.CharField(
        _("currency"), max_length=3, choices=Currency.choices, default=Currency.USD
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        permissions = [("vote_proposal", "Can vote on the proposal's open ballot")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount_requested__gte=0), name="proposal_amount_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=Status.values), name="proposal_status_known"
            ),
        ]
        indexes = [models.Index(fields=["sector"]), models.Index(fields=["-created_at", "-id"])]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}".strip()


class ReferenceCounter(models.Model):
    """The last reference number handed out per year (locked while a draft is created)."""

    year = models.PositiveIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


# Direct foreign keys for django-guardian: indexed joins instead of generic varchar keys.
class ProposalUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Proposal, on_delete=models.CASCADE)


class ProposalGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Proposal, on_delete=models.CASCADE)
