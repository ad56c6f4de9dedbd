"""Stories and the media library in the Django admin, read-only (see core.admin)."""

from __future__ import annotations

from django.contrib import admin

from carecast.core.admin import ReadOnlyAdmin
from carecast.stories.models import Campaign, MediaAsset, PersonShown, Story, Variant


@admin.register(Story)
class StoryAdmin(ReadOnlyAdmin):
    list_display = ["title", "department", "created_by", "updated_at"]
    search_fields = ["title", "text"]
    list_select_related = ["department", "created_by"]


@admin.register(Variant)
class VariantAdmin(ReadOnlyAdmin):
    list_display = ["story", "channel", "updated_at"]
    list_select_related = ["story", "channel"]


@admin.register(Campaign)
class CampaignAdmin(ReadOnlyAdmin):
    list_display = ["name", "starts_on", "ends_on"]


@admin.register(MediaAsset)
class MediaAssetAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "kind", "mime_type", "uploaded_by"]
    list_filter = ["kind"]


@admin.register(PersonShown)
class PersonShownAdmin(ReadOnlyAdmin):
    list_display = ["name", "asset", "consent", "consent_until", "withdrawn_at"]
    list_filter = ["consent"]
