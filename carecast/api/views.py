"""The API's operations. Same rules as the web pages: session sign-in, organisation and
department scoping through ``carecast.rights``, work done by the apps' services."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.urls import reverse
from django.utils import timezone
from ninja import NinjaAPI, Query, Status
from ninja.security import SessionAuth

from carecast.api.schemas import CountIn, CountOut, ErrorOut, ProblemOut, PublicationOut
from carecast.rights import channels_for, media_for, person_of, publications_for
from carecast.stories.services import report

MAX_RANGE = dt.timedelta(days=62)


class PersonSessionAuth(SessionAuth):
    """Django's session, and a Person in an organisation behind it (``request.auth``)."""

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        return person_of(user) if user is not None else None


api = NinjaAPI(
    title="carecast API",
    version="1",
    urls_namespace="api-v1",
    auth=PersonSessionAuth(),
    # The docs are for the hospital's own people: signed in, assets served from here.
    docs_decorator=login_required,
    description="Counting posts the networks' way and reading the calendar. Sign in through the web UI.",
)


@api.post("/count", response=list[CountOut], summary="Count a text for channels, the networks' way")
def count(request, payload: CountIn):
    person = request.auth
    channels = channels_for(person).filter(pk__in=payload.channels).order_by("name")
    media = list(media_for(person).filter(pk__in=payload.media))
    results = []
    for channel in channels:
        result = report(channel, payload.text, media)
        item = {
            "channel": channel.pk,
            "name": channel.name,
            "network": channel.network,
            "used": result.used,
            "limit": result.limit,
            "remaining": result.remaining,
            "fits": result.fits,
            "problems": [
                ProblemOut(code=p.code, message=str(p.message), blocking=p.blocking)
                for p in result.problems
            ],
        }
        if channel.network == "bluesky":
            # Handles are not resolved here (no network call while typing); mentions get no facet.
            item["facets"] = channel.rules.facets(payload.text, lambda handle: None)
        results.append(item)
    return results


@api.get(
    "/publications",
    response={200: list[PublicationOut], 400: ErrorOut},
    summary="Publications due in [start, end), for the calendar",
)
def publications(request, start: dt.datetime, end: dt.datetime, channel: int | None = Query(None)):
    start, end = _aware(start), _aware(end)
    if end <= start or end - start > MAX_RANGE:
        return Status(400, {"detail": "end must be after start, at most 62 days later"})
    rows = (
        publications_for(request.auth)
        .filter(due_at__gte=start, due_at__lt=end)
        .select_related("channel", "variant__story")
        .order_by("due_at", "id")
    )
    if channel is not None:
        rows = rows.filter(channel_id=channel)
    return Status(200, [_publication_out(p) for p in rows])


def _aware(value: dt.datetime) -> dt.datetime:
    """A time without offset is read in the organisation's zone (active for this request)."""
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def _publication_out(publication) -> dict:
    return {
        "id": publication.pk,
        "url": reverse("web:publication", args=[publication.pk]),
        "story": publication.variant.story.title,
        "channel": publication.channel_id,
        "channel_name": publication.channel.name,
        "network": publication.channel.network,
        "sandbox": publication.channel.is_sandbox,
        "state": publication.state,
        "state_label": str(publication.get_state_display()),
        "due_at": timezone.localtime(publication.due_at) if publication.due_at else None,
        "due_note": publication.due_note,
        "remote_url": publication.remote_url,
    }
