"""Public counts of one profile, through APIs that need no sign-in.

* Mastodon: ``GET /api/v1/accounts/lookup?acct=`` (https://docs.joinmastodon.org/methods/accounts/#lookup)
  then ``GET /api/v1/accounts/:id/statuses`` with ``exclude_replies``/``exclude_reblogs``
  (https://docs.joinmastodon.org/methods/accounts/#statuses).
* Instagram: Business Discovery, asked on our own connected professional account
  (https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-user/business_discovery):
  ``GET /{ig-user-id}?fields=business_discovery.username(NAME){…}``.
* Bluesky: ``app.bsky.actor.getProfile`` (https://docs.bsky.app/docs/api/app-bsky-actor-get-profile)
  and ``app.bsky.feed.getAuthorFeed`` with ``filter=posts_no_replies``
  (https://docs.bsky.app/docs/api/app-bsky-feed-get-author-feed); reposts of others are skipped.

The server is user input, so every request goes through the SSRF-guarded client.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import httpx
from django.utils.translation import gettext as _
from pydantic import BaseModel, ValidationError

from carecast.lib.http import loopback_if_sandbox, make_client, parse_retry_after
from carecast.peers.profiles import ProfileRef

RECENT_POSTS = 40  # one page on Mastodon (its maximum), a page of 40 on Bluesky too


class PeerFetchError(Exception):
    """The profile could not be read; ``permanent``: asking again will not help."""

    def __init__(self, message: str, permanent: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.permanent = permanent


@dataclass
class RecentPost:
    created_at: datetime
    interactions: int


@dataclass
class ProfileCounts:
    remote_id: str
    name: str
    profile_url: str
    followers: int | None
    posts_total: int | None
    recent: list[RecentPost] = field(default_factory=list)


class _MastodonAccount(BaseModel):
    id: str
    display_name: str = ""
    url: str = ""
    followers_count: int | None = None
    statuses_count: int | None = None


class _MastodonStatus(BaseModel):
    created_at: datetime
    favourites_count: int = 0
    reblogs_count: int = 0
    replies_count: int = 0
    reblog: dict | None = None


class _BlueskyProfile(BaseModel):
    did: str
    handle: str
    displayName: str = ""  # noqa: N815 - the lexicon's name
    followersCount: int | None = None  # noqa: N815
    postsCount: int | None = None  # noqa: N815


class _BlueskyPost(BaseModel):
    indexedAt: datetime  # noqa: N815
    record: dict = {}
    likeCount: int = 0  # noqa: N815
    repostCount: int = 0  # noqa: N815
    replyCount: int = 0  # noqa: N815
    quoteCount: int = 0  # noqa: N815


@dataclass(frozen=True)
class Via:
    """Our own Instagram account that Business Discovery is asked through."""

    base_url: str
    ig_user_id: str
    token: str


def fetch(ref: ProfileRef, via: Via | None = None) -> ProfileCounts:
    """The profile's followers, post count and its recent posts' interactions."""
    if ref.network == "instagram":
        if via is None:
            raise PeerFetchError(_NO_INSTAGRAM(), permanent=True)
        return _guarded(lambda: _instagram(ref, via))
    return _guarded(lambda: _public(ref))


def _NO_INSTAGRAM() -> str:  # noqa: N802 - a message, translated when asked
    return _(
        "Connect an Instagram business account first: other accounts are read through it (Business Discovery)."
    )


def _public(ref: ProfileRef) -> ProfileCounts:
    with make_client(ref.api_url, timeout=15, guard=loopback_if_sandbox()) as http:
        if ref.network == "mastodon":
            return _mastodon(http, ref)
        return _bluesky(http, ref)


def _guarded(read) -> ProfileCounts:  # noqa: ANN001
    try:
        return read()
    except httpx.HTTPError as exc:
        raise PeerFetchError(
            _("The server could not be reached: %(error)s") % {"error": exc}
        ) from exc
    except ValidationError as exc:
        raise PeerFetchError(_("The server answered in an unexpected format.")) from exc


def _get(http: httpx.Client, path: str, params: dict) -> Any:
    response = http.get(path, params=params)
    if response.status_code in (400, 404):
        raise PeerFetchError(_("This profile was not found on the server."), permanent=True)
    if response.status_code == 429:
        wait = parse_retry_after(response)
        message = _("The server asks us to wait (rate limit).")
        if wait:
            message += " " + _("Next try in %(seconds)d s.") % {"seconds": int(wait)}
        raise PeerFetchError(message)
    if response.status_code >= 400:
        raise PeerFetchError(
            _("The server answered with an error (HTTP %(status)s).")
            % {"status": response.status_code}
        )
    return response.json()


def _mastodon(http: httpx.Client, ref: ProfileRef) -> ProfileCounts:
    account = _MastodonAccount.model_validate(
        _get(http, "/api/v1/accounts/lookup", {"acct": ref.account})
    )
    params = {"limit": RECENT_POSTS, "exclude_replies": "true", "exclude_reblogs": "true"}
    raw = _get(http, f"/api/v1/accounts/{account.id}/statuses", params)
    statuses = [_MastodonStatus.model_validate(s) for s in raw or []]
    recent = [
        RecentPost(s.created_at, s.favourites_count + s.reblogs_count + s.replies_count)
        for s in statuses
        if s.reblog is None
    ]
    return ProfileCounts(
        account.id,
        account.display_name,
        account.url,
        account.followers_count,
        account.statuses_count,
        recent,
    )


def _bluesky(http: httpx.Client, ref: ProfileRef) -> ProfileCounts:
    profile = _BlueskyProfile.model_validate(
        _get(http, "/xrpc/app.bsky.actor.getProfile", {"actor": ref.account})
    )
    params = {"actor": profile.did, "limit": RECENT_POSTS, "filter": "posts_no_replies"}
    raw = _get(http, "/xrpc/app.bsky.feed.getAuthorFeed", params)
    recent = []
    for item in (raw or {}).get("feed", []):
        if item.get("reason"):  # a repost of someone else's post
            continue
        post = _BlueskyPost.model_validate(item.get("post") or {})
        when = _created_at(post)
        recent.append(
            RecentPost(when, post.likeCount + post.repostCount + post.replyCount + post.quoteCount)
        )
    return ProfileCounts(
        profile.did,
        profile.displayName,
        f"https://bsky.app/profile/{profile.handle}",
        profile.followersCount,
        profile.postsCount,
        recent,
    )


def _created_at(post: _BlueskyPost) -> datetime:
    """The record's own time; the AppView's ``indexedAt`` when the record's is unreadable."""
    created = str(post.record.get("createdAt") or "")
    try:
        return datetime.fromisoformat(created.replace("Z", "+00:00"))
    except ValueError:
        return post.indexedAt


class _InstagramMedia(BaseModel):
    timestamp: datetime
    like_count: int = 0
    comments_count: int = 0


class _InstagramProfile(BaseModel):
    id: str
    username: str
    name: str = ""
    followers_count: int | None = None
    media_count: int | None = None
    media: dict = {}


INSTAGRAM_FIELDS = (
    "business_discovery.username({name}){{id,username,name,followers_count,media_count,"
    "media.limit({limit}){{like_count,comments_count,timestamp}}}}"
)


def _instagram(ref: ProfileRef, via: Via) -> ProfileCounts:
    from carecast.networks.facebook.graph import GRAPH_VERSION

    fields = INSTAGRAM_FIELDS.format(name=ref.account, limit=RECENT_POSTS)
    with make_client(via.base_url, timeout=15) as http:
        response = http.get(
            f"/{GRAPH_VERSION}/{via.ig_user_id}",
            params={"fields": fields, "access_token": via.token},
        )
    body = response.json() if response.content else {}
    error = body.get("error") if isinstance(body, dict) else None
    if response.status_code == 429 or (error and error.get("code") in (4, 17, 32, 613)):
        raise PeerFetchError(_("The server asks us to wait (rate limit)."))
    if error and error.get("code") == 110:
        raise PeerFetchError(_("This profile was not found on the server."), permanent=True)
    if response.status_code >= 400 or error:
        raise PeerFetchError(
            _("Instagram refused: %(message)s")
            % {"message": (error or {}).get("message", response.status_code)}
        )
    profile = _InstagramProfile.model_validate(body.get("business_discovery") or {})
    media = [_InstagramMedia.model_validate(m) for m in profile.media.get("data", [])]
    return ProfileCounts(
        profile.id,
        profile.name or profile.username,
        f"https://www.instagram.com/{profile.username}/",
        profile.followers_count,
        profile.media_count,
        [RecentPost(m.timestamp, m.like_count + m.comments_count) for m in media],
    )
