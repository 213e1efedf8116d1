"""Who is who, and the decision log: the vocabulary and records every app builds on.

The tables keep the names they were created with (``committee_*``).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Delegation(models.TextChoices):
    US = "US", _("US delegation")
    JP = "JP", _("Japanese delegation")


class Role(models.TextChoices):
    SPONSOR = "sponsor", _("Sponsor")
    MEMBER = "member", _("Member")
    CHAIR = "chair", _("Chair")
    STAFF = "staff", _("Secretariat staff")
    OBSERVER = "observer", _("Observer")


class Visibility(models.TextChoices):
    COMMITTEE = "committee", _("Committee (both delegations)")
    DELEGATION = "delegation", _("My delegation only")


class Membership(models.Model):
    """The one role a user holds: in a delegation, or for a sponsor organisation."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership"
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    delegation = models.CharField(
        _("delegation"), max_length=2, choices=Delegation.choices, blank=True
    )
    sponsor = models.ForeignKey(
        "projects.Sponsor",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("sponsor"),
    )

    class Meta:
        db_table = "committee_membership"
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.CheckConstraint(
                name="membership_sponsor_xor_delegation",
                condition=(
                    models.Q(role="sponsor", sponsor__isnull=False, delegation="")
                    | (
                        ~models.Q(role="sponsor")
                        & models.Q(sponsor__isnull=True, delegation__in=["US", "JP"])
                    )
                ),
            )
        ]

    def __str__(self) -> str:
        where = self.sponsor.name if self.sponsor_id else self.delegation
        return f"{self.user} — {self.get_role_display()} ({where})"


class AppendOnlyError(Exception):
    """Raised by the application on any attempt to change or remove a logged entry."""


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("the decision log is append-only")

    def delete(self):
        raise AppendOnlyError("the decision log is append-only")


class DecisionLogEntry(models.Model):
    """One link of the tamper-evident chain. Rows are only ever inserted (see ``decision_log``);
    the application refuses updates and deletes here, the database by triggers (``db.py``)."""

    seq = models.PositiveBigIntegerField(primary_key=True)
    at = models.DateTimeField()
    actor = models.CharField(max_length=150)
    # null, not "": `proposal` is a reference or null, and the hash covers it.
    proposal = models.CharField(max_length=20, null=True, blank=True, db_index=True)  # noqa: DJ001
    event = models.CharField(max_length=64, db_index=True)
    data = models.JSONField(default=dict)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        db_table = "committee_decisionlogentry"
        ordering = ["seq"]
        verbose_name = _("decision log entry")
        verbose_name_plural = _("decision log entries")
        indexes = [models.Index(fields=["at"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.event}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("the decision log is append-only")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("the decision log is append-only")


class DecisionLogHead(models.Model):
    """The chain's single head row: locked by every append so that appends are serialised."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        db_table = "committee_decisionloghead"
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="single_head")]

    def __str__(self) -> str:
        return f"head at {self.seq}"
