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
        person = (
            getattr(getattr(request, "user", None), "person", None)
            if request.user.is_authenticated
            else None
        )
        if person is not None:
            zone = person.organisation.timezone
        timezone.activate(zoneinfo.ZoneInfo(zone))
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


class GermanFirstMiddleware:
    """German until someone picks another language, whatever the browser prefers.

    Hospital desks run on shared PCs with English browsers as often as not; the
    team's language is German. Runs before LocaleMiddleware; the language switch
    sets Django's language cookie, which still wins.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
            request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)
