"""Admin: documents and decision packages, read-only. Documents come in only through the
upload service (which checks the type, stores the file and logs its hash); a package is
written once, when its ballot opens. Neither is ever edited or deleted here."""

from django.contrib import admin

from .models import DecisionPackage, Document


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Document)
class DocumentAdmin(ReadOnlyAdmin):
    list_display = ("title", "proposal", "kind", "filename", "size", "uploaded_by", "uploaded_at")
    list_filter = ("kind", "party")
    search_fields = ("title", "filename", "sha256", "proposal__reference")
    list_select_related = ("proposal", "uploaded_by")
    exclude = ("file",)  # the bytes go out only through the download view, which asks the policy


@admin.register(DecisionPackage)
class DecisionPackageAdmin(ReadOnlyAdmin):
    list_display = ("proposal", "ballot", "sha256", "created_at")
    search_fields = ("sha256", "proposal__reference")
    list_select_related = ("proposal", "ballot")
    exclude = ("canonical",)
