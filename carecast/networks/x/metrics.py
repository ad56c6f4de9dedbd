"""X's counts: public metrics of every Post, and for the account's own Posts of the last 30
days the non-public ones (impressions as X counts them for the author, link clicks).

References: https://docs.x.com/x-api/posts/post-lookup-by-post-ids (``GET /2/tweets``, up to
100 ids), https://docs.x.com/x-api/fundamentals/metrics (``public_metrics``,
``non_public_metrics``: own Posts, 30 days, user context), ``GET /2/users/me`` with
``user.fields=public_metrics`` (followers). A Post that is gone comes back in ``errors``
(resource-not-found); a refused non-public field (too old) too — those are read again with
public metrics only. Rate limit: 429 with ``x-rate-limit-reset``, read by ``lib.http``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from carecast.networks.metrics import MetricsReader, PostMetrics, RecentPage, RemotePost, count

BATCH = 100
NOT_FOUND = "https://api.twitter.com/2/problems/resource-not-found"
FIELD_REFUSED = "https://api.twitter.com/2/problems/not-authorized-for-field"


def metrics_of(tweet: dict[str, Any]) -> PostMetrics:
    public = tweet.get("public_metrics") or {}
    private = tweet.get("non_public_metrics") or {}
    retweets, quotes = count(public.get("retweet_count")), count(public.get("quote_count"))
    shares = None if retweets is None and quotes is None else (retweets or 0) + (quotes or 0)
    views = count(private.get("impression_count"))
    return PostMetrics(
        remote_id=str(tweet.get("id", "")),
        views=views if views is not None else count(public.get("impression_count")),
        likes=count(public.get("like_count")),
        comments=count(public.get("reply_count")),
        shares=shares,
        saves=count(public.get("bookmark_count")),
        link_clicks=count(private.get("url_link_clicks")),
    )


class XMetrics(MetricsReader):
    """Mixed into ``XConnector``: uses its ``_request`` (bearer, one refresh on 401)."""

    supports_metrics = True
    metrics_batch = BATCH

    def _lookup(self, ids: list[str], fields: str) -> dict[str, Any]:
        params = {"ids": ",".join(ids), "tweet.fields": fields}
        body = self._request("GET", "/2/tweets", "Could not read counts", params=params)  # type: ignore[attr-defined]
        return body if isinstance(body, dict) else {}

    def fetch_metrics(self, remote_ids: Sequence[str]) -> list[PostMetrics]:
        ids = list(remote_ids)[:BATCH]
        body = self._lookup(ids, "public_metrics,non_public_metrics")
        found = {str(t.get("id")): metrics_of(t) for t in body.get("data") or []}
        errors = [e for e in body.get("errors") or [] if isinstance(e, dict)]
        refused = [str(e.get("resource_id")) for e in errors if e.get("type") == FIELD_REFUSED]
        if refused:
            # Older than 30 days (or not ours): what everyone sees is still worth having.
            again = self._lookup(refused, "public_metrics")
            found.update({str(t.get("id")): metrics_of(t) for t in again.get("data") or []})
            errors += [e for e in again.get("errors") or [] if isinstance(e, dict)]
        gone = {str(e.get("resource_id")) for e in errors if e.get("type") == NOT_FOUND}
        return [found.get(i) or PostMetrics(i, gone=i in gone) for i in ids]

    def fetch_followers(self) -> int | None:
        body = self._request(  # type: ignore[attr-defined]
            "GET",
            "/2/users/me",
            "Could not read followers",
            params={"user.fields": "public_metrics"},
        )
        data = body.get("data") if isinstance(body, dict) else None
        return count((data or {}).get("public_metrics", {}).get("followers_count"))

    def fetch_recent_posts(self, cursor: str | None = None) -> RecentPage:
        """``GET /2/users/:id/tweets`` without replies and reposts, 100 a page, paged by
        ``meta.next_token`` (https://docs.x.com/x-api/posts/user-posts-timeline-by-user-id)."""
        user_id = self.remote_user_id or self._me().id  # type: ignore[attr-defined]
        params = {
            "max_results": BATCH,
            "tweet.fields": "created_at,public_metrics,attachments",
            "exclude": "replies,retweets",
        }
        if cursor:
            params["pagination_token"] = cursor
        body = self._request(  # type: ignore[attr-defined]
            "GET", f"/2/users/{user_id}/tweets", "Could not read posts", params=params
        )
        body = body if isinstance(body, dict) else {}
        posts = [
            RemotePost(
                remote_id=str(t["id"]),
                created_at=str(t.get("created_at", "")),
                url=self.post_url(str(t["id"])),  # type: ignore[attr-defined]
                text=str(t.get("text", "")),
                format="image" if (t.get("attachments") or {}).get("media_keys") else "text",
                metrics=metrics_of(t),
            )
            for t in body.get("data") or []
            if isinstance(t, dict) and t.get("id")
        ]
        following = (body.get("meta") or {}).get("next_token")
        return RecentPage(posts, str(following) if following else None)
