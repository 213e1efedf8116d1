"""Admin: the decision log, read-only."""

from django.contrib import admin

from .models import DecisionLogEntry


@admin.register(DecisionLogEntry)
class DecisionLogEntryAdmin(admin.ModelAdmin):
    list_display = ("seq", "at", "actor", "proposal", "event")
    list_filter = ("event",)
    search_fields = ("proposal", "actor")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
