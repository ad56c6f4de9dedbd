from __future__ import annotations

import zoneinfo

from django.conf import settings
from django.shortcuts import redirect
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


class SetupRequiredMiddleware:
    """Until an organisation exists, every page leads to the first-start page.

    A fresh installation has nobody to sign in as, so the login page would be a dead end.
    Static files and the language switch stay reachable so the setup page itself works.
    Someone signed in with a place in an organisation proves one exists: no extra query
    (``user.person`` is loaded once per request and reused by the pages).
    """

    # The API answers in JSON (nobody can hold a token yet); a redirect to HTML helps no client.
    # Load balancers and Prometheus ask a fresh installation too.
    open_prefixes = ("/setup/", "/i18n/", "/api/", "/healthz", "/metrics")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not self._allowed(request) and _fresh_installation():
            return redirect("web:setup")
        return self.get_response(request)

    def _allowed(self, request) -> bool:
        static = "/" + settings.STATIC_URL.lstrip("/")
        if request.path.startswith(self.open_prefixes) or request.path.startswith(static):
            return True
        user = getattr(request, "user", None)
        return bool(user and user.is_authenticated and hasattr(user, "person"))


def _fresh_installation() -> bool:
    from carecast.core.setup import needs_setup

    return needs_setup()
