"""Mastodon's public counts: favourites, boosts and replies of a status, and followers.

Mastodon shows no views, saves (bookmarks are private) or link clicks: those stay missing.
References: https://docs.joinmastodon.org/methods/statuses/#index (``GET /api/v1/statuses``
with ``id[]``, Mastodon 4.3+; older servers and other software answer 404, then each status
is read alone with ``GET /api/v1/statuses/:id``), https://docs.joinmastodon.org/entities/Status,
https://docs.joinmastodon.org/methods/accounts/#verify_credentials (``followers_count``),
https://docs.joinmastodon.org/methods/accounts/#statuses (the account's own posts, paged by
the ``Link`` header, https://docs.joinmastodon.org/api/guidelines/#pagination).
Rate limit: 300 requests per 5 minutes per account; a 429 carries ``X-RateLimit-Reset``,
which ``lib.http`` turns into ``retry_after``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import parse_qs, urlsplit

from carecast.networks.base import ConnectorError
from carecast.networks.mastodon.answers import html_to_text
from carecast.networks.metrics import MetricsReader, PostMetrics, RecentPage, RemotePost, count

BATCH = 20  # ids per GET /api/v1/statuses
PAGE = 40  # the most GET /api/v1/accounts/:id/statuses gives at once


def metrics_of(status: dict[str, Any]) -> PostMetrics:
    return PostMetrics(
        remote_id=str(status.get("id", "")),
        likes=count(status.get("favourites_count")),
        comments=count(status.get("replies_count")),
        shares=count(status.get("reblogs_count")),
    )


def format_of(status: dict[str, Any]) -> str:
    kinds = {
        str(m.get("type")) for m in status.get("media_attachments") or [] if isinstance(m, dict)
    }
    if kinds & {"video", "gifv"}:
        return "video"
    return "image" if "image" in kinds else "text"


class MastodonMetrics(MetricsReader):
    """Mixed into ``MastodonConnector``: uses its ``_request``/``_get_json``/``_own_id``."""

    supports_metrics = True
    metrics_batch = BATCH
    _batch_missing = False  # the server has no GET /api/v1/statuses (before 4.3)

    def fetch_metrics(self, remote_ids: Sequence[str]) -> list[PostMetrics]:
        ids = list(remote_ids)[:BATCH]
        if not self._batch_missing:
            try:
                body = self._get_json(  # type: ignore[attr-defined]
                    "/api/v1/statuses", {"id[]": ids}, "Could not read counts"
                )
            except ConnectorError as exc:
                if exc.status != 404:
                    raise
                self._batch_missing = True
            else:
                found = {str(s.get("id")): s for s in body if isinstance(s, dict)}
                # A deleted (or no longer visible) status is simply left out of the answer.
                return [metrics_of(found[i]) if i in found else _gone(i) for i in ids]
        return [self._one(i) for i in ids]

    def _one(self, remote_id: str) -> PostMetrics:
        try:
            body = self._get_json(  # type: ignore[attr-defined]
                f"/api/v1/statuses/{remote_id}", {}, "Could not read counts"
            )
        except ConnectorError as exc:
            if exc.status == 404:
                return _gone(remote_id)
            raise
        return metrics_of(body) if isinstance(body, dict) else PostMetrics(remote_id)

    def fetch_followers(self) -> int | None:
        body = self._get_json(  # type: ignore[attr-defined]
            "/api/v1/accounts/verify_credentials", {}, "Could not read followers"
        )
        return count(body.get("followers_count")) if isinstance(body, dict) else None

    def fetch_recent_posts(self, cursor: str | None = None) -> RecentPage:
        """``GET /api/v1/accounts/:id/statuses`` without boosts and replies, 40 a page; the
        next page is the ``Link`` header's ``rel="next"`` (its ``max_id``)."""
        path = f"/api/v1/accounts/{self._own_id()}/statuses"  # type: ignore[attr-defined]
        params = {"limit": PAGE, "exclude_reblogs": "true", "exclude_replies": "true"}
        if cursor:
            params["max_id"] = cursor
        response = self._request("GET", path, "Could not read posts", params=params)  # type: ignore[attr-defined]
        try:
            body = response.json()
        except ValueError:
            body = None
        posts = [
            RemotePost(
                remote_id=str(s.get("id", "")),
                created_at=str(s.get("created_at", "")),
                url=str(s.get("url") or s.get("uri") or ""),
                text=html_to_text(str(s.get("content", ""))),
                format=format_of(s),
                metrics=metrics_of(s),
            )
            for s in (body if isinstance(body, list) else [])
            if isinstance(s, dict) and s.get("id")
        ]
        following = response.links.get("next", {}).get("url", "")
        max_id = parse_qs(urlsplit(following).query).get("max_id", [""])[0]
        return RecentPage(posts, max_id if posts and max_id else None)


def _gone(remote_id: str) -> PostMetrics:
    return PostMetrics(remote_id, gone=True)
