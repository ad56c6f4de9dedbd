"""Live consultation hours in the Django admin, read-only (see core.admin)."""

from __future__ import annotations

from django.contrib import admin

from carecast.core.admin import ReadOnlyAdmin
from carecast.live.models import LiveSession, Question


@admin.register(LiveSession)
class LiveSessionAdmin(ReadOnlyAdmin):
    list_display = ["title", "starts_at", "ends_at", "department", "organisation"]
    date_hierarchy = "starts_at"


@admin.register(Question)
class QuestionAdmin(ReadOnlyAdmin):
    list_display = ["session", "nickname", "status", "votes", "source"]
    list_filter = ["status", "source"]
    list_select_related = ["session"]
