"""Sources, rules and what they posted, in the Django admin, read-only (see core.admin)."""

from __future__ import annotations

from django.contrib import admin

from carecast.automation.models import AutoPost, AwarenessDay, Item, Rule, Source
from carecast.core.admin import ReadOnlyAdmin


@admin.register(Source)
class SourceAdmin(ReadOnlyAdmin):
    list_display = ["name", "kind", "url", "is_active", "organisation"]
    list_filter = ["kind", "is_active"]


@admin.register(Item)
class ItemAdmin(ReadOnlyAdmin):
    list_display = ["title", "source", "published_at", "is_job"]
    list_filter = ["is_job"]
    search_fields = ["title"]
    list_select_related = ["source"]


@admin.register(Rule)
class RuleAdmin(ReadOnlyAdmin):
    list_display = ["name", "policy", "department", "organisation"]


@admin.register(AutoPost)
class AutoPostAdmin(ReadOnlyAdmin):
    list_display = ["channel", "kind", "status", "due_at", "created_at"]
    list_filter = ["kind", "status"]
    list_select_related = ["channel"]


@admin.register(AwarenessDay)
class AwarenessDayAdmin(ReadOnlyAdmin):
    list_display = ["name", "month", "day", "is_active"]
