"""The API's operations. Same rules as the web pages: a session or a personal access token
stands for one person, organisation and department scoping come from ``carecast.rights``,
the work is done by the apps' services (the composer's checks included)."""

from __future__ import annotations

import base64
import binascii
import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Query, Status
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer, SessionAuth

from carecast.api import tokens
from carecast.api.models import Scope
from carecast.api.schemas import (
    ApiErrorOut,
    ChannelPage,
    CountIn,
    CountOut,
    InboxPage,
    PostOut,
    PostPage,
    ProblemOut,
    PublicationOut,
    StoryIn,
    StoryOut,
)
from carecast.rights import (
    can_publish,
    channels_for,
    inbox_items_for,
    is_department_scoped,
    media_for,
    person_of,
    publications_for,
    publishable_channels_for,
)
from carecast.stories.services import draft_for, report

MAX_RANGE = dt.timedelta(days=62)
PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


class ApiError(Exception):
    """An answer in the one error shape: ``{"code", "detail", "fields"}``."""

    def __init__(self, status: int, code: str, detail: str, fields: list | None = None) -> None:
        super().__init__(detail)
        self.status, self.code, self.detail, self.fields = status, code, detail, fields or []


class PersonSessionAuth(SessionAuth):
    """Django's session, and a Person in an organisation behind it (``request.auth``)."""

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        return person_of(user) if user is not None else None


class TokenAuth(HttpBearer):
    """``Authorization: Bearer cc_…``: a personal access token, acting as its user's Person."""

    def authenticate(self, request, token):
        found = tokens.find(token)
        person = person_of(found.user) if found is not None else None
        if person is not None:
            request.api_token = found
        return person


api = NinjaAPI(
    title="carecast API",
    version="1",
    urls_namespace="api-v1",
    auth=[TokenAuth(), PersonSessionAuth()],
    # The docs are for the hospital's own people: signed in, assets served from here.
    docs_decorator=login_required,
    description=(
        "For scripts and the hospital's other systems. Sign in with a personal access token "
        "(`Authorization: Bearer cc_…`, made on your own page under API tokens) or the web "
        "session. A token never does more than its person may, and only within its scopes "
        "(read, write, inbox). Lists are paged with `cursor`; every error has the shape "
        '`{"code", "detail", "fields"}`.'
    ),
)


# --- one error shape ----------------------------------------------------------------------


def _error(request, status: int, code: str, detail: str, fields: list | None = None):
    return api.create_response(
        request, {"code": code, "detail": detail, "fields": fields or []}, status=status
    )


@api.exception_handler(ApiError)
def _api_error(request, exc: ApiError):
    return _error(request, exc.status, exc.code, exc.detail, exc.fields)


@api.exception_handler(ValidationError)
def _invalid(request, exc: ValidationError):
    fields = [
        {
            "field": ".".join(str(p) for p in e.get("loc", ())[1:] if p != "payload") or "body",
            "message": str(e.get("msg", "")),
        }
        for e in exc.errors
    ]
    return _error(request, 422, "invalid", _("The request is not valid."), fields)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    return _error(request, 401, "unauthenticated", _("Sign in or send a valid access token."))


@api.exception_handler(PermissionDenied)
def _forbidden(request, exc):
    return _error(request, 403, "forbidden", _("You may not do this."))


@api.exception_handler(Http404)
def _not_found(request, exc):
    return _error(request, 404, "not_found", _("Not found."))


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    return _error(request, exc.status_code, "error", str(exc))


ERRORS = {400: ApiErrorOut, 401: ApiErrorOut, 403: ApiErrorOut, 404: ApiErrorOut}
ERRORS_WRITE = {**ERRORS, 409: ApiErrorOut, 422: ApiErrorOut}


def _person(request, scope: str):
    """The person asking; a token must carry ``scope`` (a session may do what its person may)."""
    token = getattr(request, "api_token", None)
    if token is not None and scope not in token.scopes:
        raise ApiError(
            403,
            "scope",
            _("This access token lacks the scope “%(scope)s”.") % {"scope": scope},
        )
    return request.auth


# --- cursor pagination ----------------------------------------------------------------------


def _page(rows, cursor: str | None, limit: int, newest_first: bool = True):
    """One page of ``rows`` after ``cursor`` (an opaque id mark), and the next cursor or None.

    Keyed on the id, not an offset: new rows arriving between pages shift nothing.
    """
    limit = max(1, min(limit, MAX_PAGE_SIZE))
    if cursor:
        try:
            after = int(base64.urlsafe_b64decode(cursor.encode() + b"==").decode())
        except (ValueError, binascii.Error, UnicodeDecodeError):
            raise ApiError(400, "invalid_cursor", _("This cursor is not valid.")) from None
        rows = rows.filter(id__lt=after) if newest_first else rows.filter(id__gt=after)
    rows = list(rows.order_by("-id" if newest_first else "id")[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    if not more:
        return rows, None
    return rows, base64.urlsafe_b64encode(str(rows[-1].pk).encode()).decode().rstrip("=")


# --- operations -------------------------------------------------------------------------------


@api.post(
    "/count",
    response={200: list[CountOut], **ERRORS},
    summary="Count a text for channels and run the composer's checks",
)
def count(request, payload: CountIn):
    from carecast.publishing.compliance import findings_for

    person = _person(request, Scope.READ)
    channels = channels_for(person).filter(pk__in=payload.channels).order_by("name")
    media = list(media_for(person).filter(pk__in=payload.media))
    results = []
    for channel in channels:
        result = report(channel, payload.text, media)
        problems = [
            ProblemOut(code=p.code, message=str(p.message), blocking=p.blocking)
            for p in result.problems
        ]
        # The composer's compliance checks too (consent of people shown, licences, …).
        problems += [
            ProblemOut(code=f.id, message=str(f.message), blocking=f.blocks)
            for f in findings_for(channel, payload.text, media)
        ]
        item = {
            "channel": channel.pk,
            "name": channel.name,
            "network": channel.network,
            "used": result.used,
            "limit": result.limit,
            "remaining": result.remaining,
            "fits": result.fits,
            "problems": problems,
        }
        if channel.network == "bluesky":
            # Handles are not resolved here (no network call while typing); mentions get no facet.
            item["facets"] = channel.rules.facets(payload.text, lambda handle: None)
        results.append(item)
    return results


@api.get(
    "/publications",
    response={200: list[PublicationOut], **ERRORS},
    summary="Publications due in [start, end), for the calendar",
)
def publications(request, start: dt.datetime, end: dt.datetime, channel: int | None = Query(None)):
    person = _person(request, Scope.READ)
    start, end = _aware(start), _aware(end)
    if end <= start or end - start > MAX_RANGE:
        raise ApiError(400, "invalid_range", "end must be after start, at most 62 days later")
    rows = (
        publications_for(person)
        .filter(due_at__gte=start, due_at__lt=end)
        .select_related("channel", "variant__story")
        .order_by("due_at", "id")
    )
    if channel is not None:
        rows = rows.filter(channel_id=channel)
    return Status(200, [_publication_out(p) for p in rows])


@api.get("/channels", response={200: ChannelPage, **ERRORS}, summary="Channels you can see")
def channels(request, cursor: str | None = None, limit: int = PAGE_SIZE):
    person = _person(request, Scope.READ)
    rows, nxt = _page(channels_for(person), cursor, limit, newest_first=False)
    items = [
        {
            "id": c.pk,
            "name": c.name,
            "network": c.network,
            "handle": c.handle,
            "status": c.status,
            "sandbox": c.is_sandbox,
            "department": c.department_id,
        }
        for c in rows
    ]
    return {"items": items, "next": nxt}


@api.get(
    "/posts",
    response={200: PostPage, **ERRORS},
    summary="Posts (publications) with their states, newest first",
)
def posts(
    request,
    cursor: str | None = None,
    limit: int = PAGE_SIZE,
    state: str | None = None,
    story: int | None = None,
):
    person = _person(request, Scope.READ)
    rows = publications_for(person).select_related("channel", "variant__story")
    if state:
        rows = rows.filter(state=state)
    if story is not None:
        rows = rows.filter(variant__story_id=story)
    page, nxt = _page(rows, cursor, limit)
    return {"items": [_post_out(p) for p in page], "next": nxt}


@api.post(
    "/stories",
    response={201: StoryOut, **ERRORS_WRITE},
    summary="Create a story with one post per channel, and schedule it if due_at is given",
)
def create_story(request, payload: StoryIn):
    from carecast.publishing.compliance import findings_for
    from carecast.publishing.services import PublishingError, schedule
    from carecast.stories.services import save_story

    person = _person(request, Scope.WRITE)
    if not can_publish(person):
        raise PermissionDenied
    chosen = list(publishable_channels_for(person).filter(pk__in=payload.channels))
    unknown = sorted(set(payload.channels) - {c.pk for c in chosen})
    media = list(media_for(person).filter(pk__in=payload.media))
    unknown_media = sorted(set(payload.media) - {m.pk for m in media})
    fields = [
        {"field": "channels", "message": _("No channel with id %(id)s for you.") % {"id": pk}}
        for pk in unknown
    ] + [
        {"field": "media", "message": _("No media file with id %(id)s for you.") % {"id": pk}}
        for pk in unknown_media
    ]
    if fields:
        raise ApiError(422, "invalid", _("The request is not valid."), fields)
    due_at = _aware(payload.due_at) if payload.due_at else None
    if due_at is not None and due_at < timezone.now() - dt.timedelta(minutes=1):
        raise ApiError(
            422,
            "invalid",
            _("The request is not valid."),
            [{"field": "due_at", "message": _("This time is in the past.")}],
        )
    if due_at is not None:
        # The composer's checks before anything is saved: what the network refuses, what
        # compliance blocks (no override through the API: that is the lead's, in the UI).
        hashtags = [t for t in payload.hashtags.replace(",", " ").split() if t]
        for channel in chosen:
            text = payload.texts.get(channel.pk) or draft_for(
                channel, payload.text, payload.link, hashtags
            )
            blocking = [p.message for p in report(channel, text, media).problems if p.blocking]
            blocking += [f.message for f in findings_for(channel, text, media) if f.blocks]
            fields += [{"field": f"channels.{channel.pk}", "message": str(m)} for m in blocking]
        if fields:
            raise ApiError(422, "blocked", _("A post cannot go out as it is."), fields)
    try:
        with transaction.atomic():
            story = save_story(
                person.organisation,
                title=payload.title,
                text=payload.text,
                channels=chosen,
                link=payload.link,
                hashtags=payload.hashtags,
                department=person.department if is_department_scoped(person) else None,
                media=media,
                variant_texts={int(k): v for k, v in payload.texts.items()},
                actor=person.user,
            )
            if due_at is not None:
                for variant in story.variants.select_related("channel"):
                    schedule(variant, due_at, actor=person.user)
    except PublishingError as exc:  # approval missing, or a check the service runs last
        raise ApiError(422, "blocked", str(exc)) from None
    rows = (
        publications_for(person)
        .filter(variant__story=story)
        .select_related("channel", "variant__story")
    )
    return Status(
        201, {"id": story.pk, "title": story.title, "posts": [_post_out(p) for p in rows]}
    )


@api.post(
    "/posts/{post_id}/cancel",
    response={200: PostOut, **ERRORS_WRITE},
    summary="Cancel a draft, scheduled or failed post",
)
def cancel_post(request, post_id: int):
    from carecast.publishing.services import PublishingError, cancel

    person = _person(request, Scope.WRITE)
    publication = (
        publications_for(person).select_related("channel", "variant__story").filter(pk=post_id)
    ).first()
    if publication is None:
        raise Http404
    if not can_publish(person):
        raise PermissionDenied
    try:
        cancel(publication, actor=person.user)
    except PublishingError as exc:
        raise ApiError(409, "conflict", str(exc)) from None
    publication.refresh_from_db()
    return _post_out(publication)


@api.get("/inbox", response={200: InboxPage, **ERRORS}, summary="Comments and mentions")
def inbox(
    request,
    cursor: str | None = None,
    limit: int = PAGE_SIZE,
    status: str | None = None,
    emergency: bool | None = None,
):
    person = _person(request, Scope.INBOX)
    rows = inbox_items_for(person).filter(erased_at__isnull=True, hidden_at__isnull=True)
    if status:
        rows = rows.filter(status=status)
    if emergency is not None:
        rows = rows.filter(is_emergency=emergency)
    page, nxt = _page(rows, cursor, limit)
    items = [
        {
            "id": i.pk,
            "channel": i.channel_id,
            "kind": i.kind,
            "author": i.author,
            "text": i.text,
            "url": i.url,
            "received_at": i.received_at,
            "status": i.status,
            "emergency": i.is_emergency,
        }
        for i in page
    ]
    return {"items": items, "next": nxt}


def _aware(value: dt.datetime) -> dt.datetime:
    """A time without offset is read in the organisation's zone (active for this request)."""
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def _post_out(publication) -> dict:
    return {
        "id": publication.pk,
        "story": publication.variant.story_id,
        "story_title": publication.variant.story.title,
        "channel": publication.channel_id,
        "network": publication.channel.network,
        "state": publication.state,
        "state_label": str(publication.get_state_display()),
        "due_at": publication.due_at,
        "published_at": publication.published_at,
        "remote_url": publication.remote_url,
        "error": publication.last_error,
    }


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
