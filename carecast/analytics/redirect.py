"""``/l/<code>``: send the visitor on, with UTM parameters, and count the click."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils import timezone

from carecast.analytics import clicks
from carecast.analytics.links import redirect_target
from carecast.analytics.models import TrackedLink


def follow(request: HttpRequest, code: str) -> HttpResponse:
    link = TrackedLink.objects.select_related("organisation").filter(code=code).first()
    if link is None:
        raise Http404
    # HEAD is what many preview fetchers send first; only a person's GET is a click.
    if request.method == "GET" and not clicks.is_bot(request.headers.get("User-Agent", "")):
        day = timezone.now().astimezone(ZoneInfo(link.organisation.timezone)).date()
        clicks.count(link, day, clicks.network_of(link, request.headers.get("Referer", "")))
    response = HttpResponseRedirect(redirect_target(link))
    # Every click must reach us, so no cache may answer in our place.
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer-when-downgrade"
    return response
