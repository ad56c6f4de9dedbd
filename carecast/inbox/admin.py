"""The inbox in the Django admin, read-only: erasure and replies have their own rules
(retention, exactly-once sending) that a form would bypass (see core.admin)."""

from __future__ import annotations

from django.contrib import admin

from carecast.core.admin import ReadOnlyAdmin
from carecast.inbox.models import DutyShift, InboxItem, InboxReply, Notification


@admin.register(InboxItem)
class InboxItemAdmin(ReadOnlyAdmin):
    list_display = ["received_at", "channel", "kind", "author", "status"]
    list_filter = ["kind", "status"]
    date_hierarchy = "received_at"
    list_select_related = ["channel"]


@admin.register(InboxReply)
class InboxReplyAdmin(ReadOnlyAdmin):
    list_display = ["item", "state", "author", "created_at"]
    list_filter = ["state"]


@admin.register(DutyShift)
class DutyShiftAdmin(ReadOnlyAdmin):
    list_display = ["person", "starts_at", "ends_at"]


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["recipient", "item", "created_at", "emailed_at", "read_at"]
