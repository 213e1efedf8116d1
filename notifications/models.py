"""Who was told what (one row per event, object and recipient) and each user's language."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Preference(models.Model):
    """A user's own settings: the site's default language for them, and their mail's.

    ``notification_language`` empty (the default) means the mail follows ``language``.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="preference"
    )
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    notification_language = models.CharField(
        _("language of notifications"),
        max_length=8,
        choices=settings.LANGUAGES,
        blank=True,
        default="",
        help_text=_("Empty: the same as the language of the site."),
    )

    class Meta:
        verbose_name = _("preference")
        verbose_name_plural = _("preferences")

    def __str__(self) -> str:
        return f"{self.user} — {self.language}"


class Notification(models.Model):
    """One mail to one recipient about one event on one object.

    The row is claimed (inserted) before the mail goes out, under the unique constraint: a
    retried, duplicated or concurrent job finds the row taken and sends nothing.
    """

    event = models.CharField(max_length=32)
    object_key = models.CharField(max_length=64)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    language = models.CharField(max_length=8)
    subject = models.CharField(max_length=255, blank=True)
    claimed_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-claimed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "object_key", "recipient"], name="one_notification_per_recipient"
            )
        ]

    def __str__(self) -> str:
        return f"{self.event} {self.object_key} → {self.recipient_id}"


class DispatchCursor(models.Model):
    """How far the mail dispatcher has read the decision log: the last ``seq`` it handled.

    One row. Entries after it are read, and the mail each calls for sent, by
    ``notifications.dispatch``; the row is locked while it is read and moved on.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.PositiveBigIntegerField(default=0)
    moved_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="single_cursor")]

    def __str__(self) -> str:
        return f"mail sent up to entry {self.seq}"
