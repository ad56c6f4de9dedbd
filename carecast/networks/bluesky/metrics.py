"""Bluesky's public counts: likes, reposts (+ quotes), replies of a post, and followers.

Bluesky shows no views, saves or link clicks: those stay missing. References:
https://docs.bsky.app/docs/api/app-bsky-feed-get-posts (up to 25 at:// URIs; a deleted post
is left out), https://docs.bsky.app/docs/api/app-bsky-actor-get-profile (``followersCount``),
https://docs.bsky.app/docs/api/app-bsky-feed-get-author-feed (the account's own posts, paged
by ``cursor``). Rate limit: the AppView allows
3,000 requests per 5 minutes; a 429 carries ``ratelimit-reset``, mapped to ``retry_after``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from carecast.networks.metrics import MetricsReader, PostMetrics, RecentPage, RemotePost, count

BATCH = 25
PAGE = 100  # the most getAuthorFeed gives at once
DEFAULT_WEB = "https://bsky.app"  # as the connector's, unless the channel names another


def metrics_of(view: Any) -> PostMetrics:
    reposts, quotes = (
        count(getattr(view, "repost_count", None)),
        count(getattr(view, "quote_count", None)),
    )
    shares = None if reposts is None and quotes is None else (reposts or 0) + (quotes or 0)
    return PostMetrics(
        remote_id=str(view.uri),
        likes=count(getattr(view, "like_count", None)),
        comments=count(getattr(view, "reply_count", None)),
        shares=shares,
    )


def format_of(view: Any) -> str:
    kind = str(getattr(getattr(view, "embed", None), "py_type", "") or "")
    if "video" in kind:
        return "video"
    return "image" if "images" in kind else "text"


class BlueskyMetrics(MetricsReader):
    """Mixed into ``BlueskyConnector``: uses its ``_call`` (session renewed once) and ``_did``."""

    supports_metrics = True
    metrics_batch = BATCH

    def fetch_metrics(self, remote_ids: Sequence[str]) -> list[PostMetrics]:
        uris = list(remote_ids)[:BATCH]
        got = self._call(lambda c: c.app.bsky.feed.get_posts({"uris": uris}))  # type: ignore[attr-defined]
        found = {str(view.uri): metrics_of(view) for view in got.posts}
        return [found.get(uri) or PostMetrics(uri, gone=True) for uri in uris]

    def fetch_followers(self) -> int | None:
        did = self._did()  # type: ignore[attr-defined]
        got = self._call(lambda c: c.app.bsky.actor.get_profile({"actor": did}))  # type: ignore[attr-defined]
        return count(getattr(got, "followers_count", None))

    def fetch_recent_posts(self, cursor: str | None = None) -> RecentPage:
        """``app.bsky.feed.getAuthorFeed`` with ``filter=posts_no_replies``, 100 a page, paged
        by its ``cursor``; reposts of others' posts are left out."""
        did = self._did()  # type: ignore[attr-defined]
        params: dict[str, Any] = {"actor": did, "filter": "posts_no_replies", "limit": PAGE}
        if cursor:
            params["cursor"] = cursor
        got = self._call(lambda c: c.app.bsky.feed.get_author_feed(params))  # type: ignore[attr-defined]
        web = str(self.account.config.get("web_url", DEFAULT_WEB)).rstrip("/")  # type: ignore[attr-defined]
        posts = []
        for item in got.feed:
            view = item.post
            if str(view.author.did) != did:
                continue  # a repost of someone else's post
            posts.append(
                RemotePost(
                    remote_id=str(view.uri),
                    created_at=str(getattr(view.record, "created_at", "") or view.indexed_at),
                    url=f"{web}/profile/{view.author.handle}/post/{str(view.uri).rsplit('/', 1)[-1]}",
                    text=str(getattr(view.record, "text", "")),
                    format=format_of(view),
                    metrics=metrics_of(view),
                )
            )
        return RecentPage(posts, str(got.cursor) if got.feed and got.cursor else None)
