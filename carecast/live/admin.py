"""Live consultation hours in the Django admin, read-only (see core.admin)."""

from __future__ import annotations

from django.contrib import admin

from carecast.core.admin import ReadOnlyAdmin
from carecast.live.models import Alert, LiveSession, Question


@admin.register(LiveSession)
class LiveSessionAdmin(ReadOnlyAdmin):
    list_display = ["title", "starts_at", "ends_at", "department", "organisation"]
    date_hierarchy = "starts_at"


@admin.register(Question)
class QuestionAdmin(ReadOnlyAdmin):
    list_display = ["session", "nickname", "status", "votes", "source"]
    list_filter = ["status", "source"]
    list_select_related = ["session"]


@admin.register(Alert)
class AlertAdmin(ReadOnlyAdmin):
    list_display = [
        "question",
        "recipient",
        "nobody_on_duty",
        "created_at",
        "read_at",
        "emailed_at",
    ]
    list_select_related = ["question", "recipient__user"]
