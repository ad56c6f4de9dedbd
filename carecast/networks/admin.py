"""Channels in the Django admin: read-only, without their credentials (see core.admin)."""

from __future__ import annotations

from django.contrib import admin

from carecast.core.admin import ReadOnlyAdmin
from carecast.networks.models import Channel


@admin.register(Channel)
class ChannelAdmin(ReadOnlyAdmin):
    list_display = ["name", "network", "handle", "status", "department", "organisation"]
    list_filter = ["network", "status", "organisation"]
    search_fields = ["name", "handle"]
    list_select_related = ["department", "organisation"]
