"""Admin: memberships managed on the user page (groups follow the role), ballots read-only."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from core.models import Membership

from .models import Ballot
from .services import membership_assign

User = get_user_model()


class MembershipInline(admin.StackedInline):
    model = Membership
    can_delete = False
    extra = 0
    max_num = 1
    fields = ("role", "delegation", "sponsor")
    verbose_name_plural = _("Role in Accord")


class AccordUserAdmin(UserAdmin):
    inlines = [MembershipInline]
    list_display = ("username", "email", "first_name", "last_name", "role", "is_active")
    list_select_related = ("membership", "membership__sponsor")
    list_filter = ("membership__role", "membership__delegation", "is_active")

    @admin.display(description=_("role"))
    def role(self, user):
        membership = getattr(user, "membership", None)
        return str(membership) if membership else "—"

    def save_formset(self, request, form, formset, change):
        if formset.model is not Membership:
            return super().save_formset(request, form, formset, change)
        # Route through the service so that the user's groups always follow the role.
        for membership in formset.save(commit=False):
            membership_assign(
                user=form.instance,
                role=membership.role,
                delegation=membership.delegation,
                sponsor=membership.sponsor,
            )
        return None


admin.site.unregister(User)
admin.site.register(User, AccordUserAdmin)


@admin.register(Ballot)
class BallotAdmin(admin.ModelAdmin):
    list_display = ("proposal", "status", "opened_at", "closes_at", "closed_at", "outcome")
    readonly_fields = [f.name for f in Ballot._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
