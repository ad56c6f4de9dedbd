"""Publications and their attempts in the Django admin, read-only: the state machine alone
moves a publication (conditional UPDATEs), never a form (see core.admin)."""

from __future__ import annotations

from django.contrib import admin

from carecast.core.admin import ReadOnlyAdmin
from carecast.publishing.models import Attempt, Publication


class AttemptInline(admin.TabularInline):
    model = Attempt
    extra = 0
    can_delete = False
    fields = ("number", "started_at", "finished_at", "outcome", "http_status", "message")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Publication)
class PublicationAdmin(ReadOnlyAdmin):
    list_display = ["pk", "channel", "state", "due_at", "attempt_count", "remote_id"]
    list_filter = ["state", "channel__network"]
    search_fields = ["text", "remote_id", "last_error"]
    date_hierarchy = "due_at"
    list_select_related = ["channel"]
    inlines = [AttemptInline]


@admin.register(Attempt)
class AttemptAdmin(ReadOnlyAdmin):
    list_display = ["publication", "number", "outcome", "http_status", "started_at"]
    list_filter = ["outcome"]
    list_select_related = ["publication__channel"]
