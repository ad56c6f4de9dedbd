"""The Django admin: for operators to look, not to work.

Changes that have rules or must be audited (roles, the last lead, departments, channels,
publications) go through the pages and their services; here those models are read-only.
Secrets (network tokens, invitation hashes) are never shown.
"""

from __future__ import annotations

from django.contrib import admin

from carecast.core.models import AuditLog, Department, Invitation, Organisation, Person

HIDDEN_WORDS = ("encrypted", "secret", "token", "password")


class ReadOnlyAdmin(admin.ModelAdmin):
    """Lists and shows every field except secrets; no adding, changing or deleting."""

    list_per_page = 50

    def get_exclude(self, request, obj=None):
        hidden = [f.name for f in self.model._meta.fields if _is_secret(f.name)]
        return [*(super().get_exclude(request, obj) or []), *hidden]

    def get_readonly_fields(self, request, obj=None):
        return [
            f.name
            for f in self.model._meta.get_fields()
            if f.concrete and not _is_secret(f.name) and not f.auto_created
        ]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def _is_secret(name: str) -> bool:
    return any(word in name for word in HIDDEN_WORDS)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    # No service sets these; the retention period is the duty page's (it is audited there).
    list_display = ["name", "timezone", "public_url"]
    readonly_fields = ["slug", "comment_retention_days"]

    def has_add_permission(self, request):
        return False  # the first start makes the one organisation

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Department)
class DepartmentAdmin(ReadOnlyAdmin):
    list_display = ["name", "organisation", "slug", "archived"]
    list_filter = ["archived", "organisation"]
    search_fields = ["name", "topics"]


@admin.register(Person)
class PersonAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "user", "role", "department", "organisation"]
    list_filter = ["role", "organisation"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "user__email"]
    list_select_related = ["user", "department", "organisation"]


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdmin):
    list_display = ["person", "created_by", "created_at", "expires_at", "used_at"]
    list_select_related = ["person__user", "created_by"]


@admin.register(AuditLog)
class AuditLogAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "action", "subject", "actor", "organisation"]
    list_filter = ["action", "organisation"]
    search_fields = ["action", "subject"]
    date_hierarchy = "created_at"
    list_select_related = ["actor", "organisation"]
