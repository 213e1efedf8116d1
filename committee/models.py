"""The committee's record: reviews, notes, conflicts, ballots, votes and conditions."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.models import Delegation, Visibility


class Review(models.Model):
    proposal = models.ForeignKey(
        "projects.Proposal", on_delete=models.CASCADE, related_name="reviews"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    delegation = models.CharField(max_length=2, choices=Delegation.choices)
    visibility = models.CharField(max_length=16, choices=Visibility.choices)
    strategic_fit = models.PositiveSmallIntegerField()
    financial_viability = models.PositiveSmallIntegerField()
    risk = models.PositiveSmallIntegerField()
    execution = models.PositiveSmallIntegerField()
    recommendation = models.CharField(max_length=32)
    comments = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "author"], name="one_review_per_member")
        ]

    def __str__(self) -> str:
        return f"Review by {self.author_id} of proposal {self.proposal_id}"


class Note(models.Model):
    proposal = models.ForeignKey(
        "projects.Proposal", on_delete=models.CASCADE, related_name="notes"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    delegation = models.CharField(max_length=2, choices=Delegation.choices)
    visibility = models.CharField(max_length=16, choices=Visibility.choices)
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Note by {self.author_id} on proposal {self.proposal_id}"


class Conflict(models.Model):
    proposal = models.ForeignKey(
        "projects.Proposal", on_delete=models.CASCADE, related_name="conflicts"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "user"], name="one_conflict_per_member")
        ]

    def __str__(self) -> str:
        return f"Conflict of {self.user_id} on proposal {self.proposal_id}"


class Ballot(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    class Outcome(models.TextChoices):
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        NO_QUORUM = "no_quorum", _("No quorum")

    proposal = models.ForeignKey(
        "projects.Proposal", on_delete=models.CASCADE, related_name="ballots"
    )
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    rule = models.CharField(max_length=32)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField()
    closes_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    eligible_us = models.PositiveIntegerField(default=0)
    eligible_jp = models.PositiveIntegerField(default=0)
    tally = models.JSONField(null=True, blank=True)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, blank=True)
    # The decision in words, recorded by a chair once the ballot has closed.
    decision_text = models.TextField(blank=True)
    decision_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decision_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-opened_at", "-id"]
        get_latest_by = "opened_at"
        constraints = [
            models.UniqueConstraint(
                fields=["proposal"],
                condition=models.Q(status="open"),
                name="one_open_ballot_per_proposal",
            )
        ]
        indexes = [models.Index(fields=["status", "closes_at"])]

    def __str__(self) -> str:
        return f"Ballot {self.pk} on proposal {self.proposal_id} ({self.status})"


class Vote(models.Model):
    class Choice(models.TextChoices):
        FOR = "for", _("For")
        AGAINST = "against", _("Against")
        ABSTAIN = "abstain", _("Abstain")

    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="votes")
    voter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    delegation = models.CharField(max_length=2, choices=Delegation.choices)
    choice = models.CharField(max_length=8, choices=Choice.choices)
    rationale = models.TextField(blank=True)
    voided = models.BooleanField(default=False)
    cast_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ballot", "voter"], name="one_vote_per_voter")
        ]

    def __str__(self) -> str:
        return f"Vote of {self.voter_id} on ballot {self.ballot_id}"


class Condition(models.Model):
    """A condition of approval: funding waits until every one is satisfied or withdrawn
    (docs/lifecycle.md).

    Until it is satisfied, a chair or staff member may correct its text and due date or
    withdraw it, each with a reason that goes into the decision log.
    """

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("condition", "Open")
        SATISFIED = "satisfied", _("Satisfied")
        OVERDUE = "overdue", _("Overdue")
        WITHDRAWN = "withdrawn", pgettext_lazy("condition", "Withdrawn")

    proposal = models.ForeignKey(
        "projects.Proposal", on_delete=models.CASCADE, related_name="conditions"
    )
    text = models.TextField(_("condition"))
    due = models.DateField(_("due"))
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    evidence = models.TextField(blank=True)
    satisfied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    satisfied_at = models.DateTimeField(null=True, blank=True)
    withdrawn_reason = models.TextField(blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due", "id"]
        verbose_name = _("condition of approval")
        verbose_name_plural = _("conditions of approval")
        indexes = [models.Index(fields=["status", "due"])]

    def __str__(self) -> str:
        return f"Condition {self.pk} on proposal {self.proposal_id} ({self.status})"
