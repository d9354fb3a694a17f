from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from guardian.admin import GuardedModelAdmin

from core.models import AuditEntry, ImportJob, OrgUnit, UnitChange, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (*BaseUserAdmin.fieldsets, ("Công vụ", {"fields": ("full_name", "account_type")}))
    list_display = ("username", "full_name", "account_type", "is_active", "is_superuser")
    list_filter = ("account_type", "is_active", "groups")


@admin.register(OrgUnit)
class OrgUnitAdmin(GuardedModelAdmin):
    list_display = ("code", "name", "kind", "sector", "valid_from", "valid_to")
    list_filter = ("kind", "sector")
    search_fields = ("code", "name", "search_text")
    readonly_fields = ("path", "depth", "parent", "valid_to")

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(UnitChange)
class UnitChangeAdmin(admin.ModelAdmin):
    list_display = ("kind", "effective_date", "decision_number")

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("timestamp", "actor_name", "source", "action", "object_repr")
    list_filter = ("source", "action")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = ("original_name", "kind", "status", "created_by", "created_at")
