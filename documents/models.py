"""Documents attached to proposals, and the decision package frozen when a ballot opens.

Both are insert-only: a document is never edited or deleted (a new version points at the one
it ``supersedes``, which is how the old one reads as superseded), and a package is written
once, in the transaction that opens its ballot.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    TERM_SHEET = "term_sheet", _("Term sheet")
    FEASIBILITY_STUDY = "feasibility_study", _("Feasibility study")
    FINANCIAL_MODEL = "financial_model", _("Financial model")
    PERMIT = "permit", _("Permit")
    MEMO = "memo", _("Memo")
    OTHER = "other", _("Other")


class Party(models.TextChoices):
    """Who attached a document: only the same party may upload a new version of it."""

    SPONSOR = "sponsor", _("Sponsor")
    SECRETARIAT = "secretariat", _("Secretariat")
    COMMITTEE = "committee", _("Committee")


def document_path(instance: Document, filename: str) -> str:
    """Storage names never carry the uploader's file name: proposal id and a random key."""
    return f"documents/{instance.proposal_id}/{uuid.uuid4().hex}{instance.extension}"


class Document(models.Model):
    proposal = models.ForeignKey(
        "projects.Proposal", on_delete=models.CASCADE, related_name="documents"
    )
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=300)
    filename = models.CharField(_("file name"), max_length=255)
    file = models.FileField(_("file"), upload_to=document_path, max_length=300)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    content_type = models.CharField(_("content type"), max_length=100)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    party = models.CharField(max_length=16, choices=Party.choices)
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    supersedes = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
        verbose_name=_("supersedes"),
    )

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        indexes = [models.Index(fields=["proposal", "uploaded_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=Kind.values), name="document_kind_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.filename})"

    @property
    def extension(self) -> str:
        return "." + self.filename.rsplit(".", 1)[-1].lower() if "." in self.filename else ""


class DecisionPackage(models.Model):
    """What was put to the vote: the canonical JSON of the package and its SHA-256."""

    ballot = models.OneToOneField(
        "committee.Ballot", on_delete=models.CASCADE, related_name="package"
    )
    proposal = models.ForeignKey(
        "projects.Proposal", on_delete=models.CASCADE, related_name="packages"
    )
    canonical = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Package {self.sha256[:12]} of ballot {self.ballot_id}"
