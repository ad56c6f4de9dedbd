"""After the password: a person with two-factor sign-in must give a code before anything
else, and a lead without it is led to set it up first."""

from __future__ import annotations

from urllib.parse import urlencode

from django.shortcuts import redirect
from django.urls import reverse

from carecast.twofactor import service

# Reachable in between: the two-factor pages themselves, signing out, the language switch.
PASSED = "carecast_two_factor_passed"
OPEN_PREFIXES = ("/account/two-factor/", "/logout/", "/i18n/", "/static/")


class TwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is None
            or not user.is_authenticated
            or request.path.startswith(OPEN_PREFIXES)
            # A script's access token is its own sign-in (carecast.api), not this session's.
            or request.headers.get("Authorization", "").startswith("Bearer ")
        ):
            return self.get_response(request)
        # Checked once per sign-in: a session that passed keeps a mark, so a page view costs
        # no device queries (the session is new after every sign-in, so the mark is too).
        if request.session.get(PASSED) != user.pk:
            if service.is_enabled(user):
                if not user.is_verified():
                    return _to("twofactor:verify", request)
            elif service.required_for(user):
                return _to("twofactor:setup", request)
            request.session[PASSED] = user.pk
        return self.get_response(request)


def _to(name: str, request):
    url = reverse(name)
    if request.method == "GET":
        url += "?" + urlencode({"next": request.get_full_path()})
    return redirect(url)
