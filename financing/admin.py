"""Admin: FX rates entered by secretariat staff (through the service, so the decision log
records them); instruments and transactions read-only (they change only through the API and
the pages, which check the rules and the limits)."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from financing import permissions

from . import selectors, services
from .models import FxRate, Instrument, Transaction


class FxRateForm(forms.ModelForm):
    class Meta:
        model = FxRate
        fields = ("date", "currency", "usd_per_unit")

    def clean(self):
        data = super().clean()
        if data.get("currency") not in (None, "JPY"):
            self.add_error("currency", _("Rates are entered for JPY (USD is the unit)."))
        if data.get("date") and data["date"] > selectors.today():
            self.add_error("date", _("The date cannot be in the future."))
        if data.get("usd_per_unit") is not None and data["usd_per_unit"] <= 0:
            self.add_error("usd_per_unit", _("The amount must be above zero."))
        return data


@admin.register(FxRate)
class FxRateAdmin(admin.ModelAdmin):
    form = FxRateForm
    list_display = ("date", "currency", "usd_per_unit", "entered_by", "entered_at")
    list_filter = ("currency",)
    date_hierarchy = "date"
    list_select_related = ("entered_by",)

    def has_add_permission(self, request):
        return super().has_add_permission(request) and permissions.can_set_fx_rates(request.user)

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and permissions.can_set_fx_rates(request.user)

    def has_delete_permission(self, request, obj=None):
        # JPY instruments were checked against the limits at a rate: keep every rate.
        return False

    def save_model(self, request, obj, form, change):
        saved = services.fx_rate_set(
            user=request.user,
            date=obj.date,
            currency=obj.currency,
            usd_per_unit=obj.usd_per_unit,
            source=obj.source,
            confirm=True,  # the admin's own save is the confirmation of a large move
        )
        obj.pk = saved.pk


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Instrument)
class InstrumentAdmin(ReadOnlyAdmin):
    list_display = ("id", "proposal", "kind", "provider", "currency", "committed", "committed_at")
    list_filter = ("kind", "provider", "currency")
    list_select_related = ("proposal",)
    search_fields = ("proposal__reference",)


@admin.register(Transaction)
class TransactionAdmin(ReadOnlyAdmin):
    list_display = ("id", "instrument", "type", "amount", "value_date", "recorded_at")
    list_filter = ("type",)
    list_select_related = ("instrument",)
    date_hierarchy = "value_date"
