from __future__ import annotations

import zoneinfo

from django.conf import settings
from django.utils import timezone


class OrganisationTimezoneMiddleware:
    """Show every time in the signed-in person's organisation zone (Europe/Berlin by default)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        zone = settings.CARECAST_DEFAULT_TIMEZONE
        person = getattr(getattr(request, "user", None), "person", None) if request.user.is_authenticated else None
        if person is not None:
            zone = person.organisation.timezone
        timezone.activate(zoneinfo.ZoneInfo(zone))
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
