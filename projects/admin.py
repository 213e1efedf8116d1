"""Admin: sponsors (each with its group) and proposals with their object permissions.

Proposals change state only through the lifecycle; here they are read, and django-guardian's
object-permission screens show who may see each one.
"""

from django.contrib import admin
from guardian.admin import GuardedModelAdmin

from .models import Proposal, Sponsor
from .services import sponsor_upsert


@admin.register(Sponsor)
class SponsorAdmin(admin.ModelAdmin):
    list_display = ("name", "country")
    search_fields = ("name",)
    fields = ("name", "country")

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        created = sponsor_upsert(name=obj.name, country=obj.country)
        obj.pk, obj.group = created.pk, created.group


@admin.register(Proposal)
class ProposalAdmin(GuardedModelAdmin):
    list_display = ("reference", "title", "sponsor", "sector", "status", "created_at")
    list_filter = ("status", "sector")
    list_select_related = ("sponsor",)
    search_fields = ("reference", "title")
    readonly_fields = [f.name for f in Proposal._meta.fields] + ["co_sponsors"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
