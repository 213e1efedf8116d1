"""Who was told what: read-only in the admin (rows are written only by the mail tasks)."""

from django.contrib import admin

from .models import Notification, Preference


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("event", "object_key", "recipient", "language", "claimed_at", "sent_at")
    list_filter = ("event", "language")
    search_fields = ("object_key", "recipient__username", "subject")
    list_select_related = ("recipient",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Preference)
class PreferenceAdmin(admin.ModelAdmin):
    list_display = ("user", "language", "notification_language")
    list_filter = ("language", "notification_language")
    search_fields = ("user__username",)
    list_select_related = ("user",)
