"""Public counts of one profile, through APIs that need no sign-in.

* Mastodon: ``GET /api/v1/accounts/lookup?acct=`` (https://docs.joinmastodon.org/methods/accounts/#lookup)
  then ``GET /api/v1/accounts/:id/statuses`` with ``exclude_replies``/``exclude_reblogs``
  (https://docs.joinmastodon.org/methods/accounts/#statuses).
* Bluesky: ``app.bsky.actor.getProfile`` (https://docs.bsky.app/docs/api/app-bsky-actor-get-profile)
  and ``app.bsky.feed.getAuthorFeed`` with ``filter=posts_no_replies``
  (https://docs.bsky.app/docs/api/app-bsky-feed-get-author-feed); reposts of others are skipped.

The server is user input, so every request goes through the SSRF-guarded client.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

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


def fetch(ref: ProfileRef) -> ProfileCounts:
    """The profile's followers, post count and its recent posts' interactions."""
    try:
        with make_client(ref.api_url, timeout=15, guard=loopback_if_sandbox()) as http:
            if ref.network == "mastodon":
                return _mastodon(http, ref)
            return _bluesky(http, ref)
    except httpx.HTTPError as exc:
        raise PeerFetchError(
            _("The server could not be reached: %(error)s") % {"error": exc}
        ) from exc
    except ValidationError as exc:
        raise PeerFetchError(_("The server answered in an unexpected format.")) from exc


def _get(http: httpx.Client, path: str, params: dict) -> object:
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
    statuses = [_MastodonStatus.model_validate(s) for s in raw or []]  # type: ignore[union-attr]
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
    for item in (raw or {}).get("feed", []):  # type: ignore[union-attr]
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
