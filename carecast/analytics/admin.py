"""The analytics tables in the Django admin, read-only: the sync, the imports and the
redirect write them (see core.admin). The webhook secret and Matomo token are not shown."""

from __future__ import annotations

from django.contrib import admin

from carecast.analytics.models import (
    ChannelSync,
    JobApplication,
    LinkClickDay,
    Post,
    TrackedLink,
    WebsiteVisitDay,
)
from carecast.core.admin import ReadOnlyAdmin


@admin.register(Post)
class PostAdmin(ReadOnlyAdmin):
    list_display = ["pk", "channel", "published_at", "imported", "latest_likes", "next_sync_at"]
    list_filter = ["channel__network", "imported", "gone"]
    search_fields = ["text", "remote_id"]
    list_select_related = ["channel"]


@admin.register(TrackedLink)
class TrackedLinkAdmin(ReadOnlyAdmin):
    list_display = ["code", "target_url", "channel", "utm_campaign", "created_at"]
    search_fields = ["code", "target_url"]
    list_select_related = ["channel"]


@admin.register(LinkClickDay)
class LinkClickDayAdmin(ReadOnlyAdmin):
    list_display = ["link", "day", "network", "clicks"]
    list_filter = ["network"]


@admin.register(JobApplication)
class JobApplicationAdmin(ReadOnlyAdmin):
    list_display = ["external_id", "received_at", "job_title", "network", "campaign", "source"]
    list_filter = ["source", "network"]
    search_fields = ["external_id", "job_title"]


@admin.register(WebsiteVisitDay)
class WebsiteVisitDayAdmin(ReadOnlyAdmin):
    list_display = ["day", "kind", "label", "network", "visits"]
    list_filter = ["kind", "source"]


@admin.register(ChannelSync)
class ChannelSyncAdmin(ReadOnlyAdmin):
    list_display = ["channel", "blocked_until", "last_followers_at", "last_error_at"]
