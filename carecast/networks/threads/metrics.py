"""A Threads post's numbers: views, likes, replies, reposts + quotes, shares; followers.

References: https://developers.facebook.com/docs/threads/insights — ``GET
/{threads-media-id}/insights?metric=views,likes,replies,reposts,quotes,shares`` (one post per
call) and ``GET /{threads-user-id}/threads_insights?metric=followers_count``. A deleted post
answers code 100: gone. No saves or link clicks on Threads: missing.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from carecast.networks.base import ConnectorError
from carecast.networks.facebook.metrics import list_page
from carecast.networks.metrics import MetricsReader, PostMetrics, RecentPage, RemotePost, count

METRICS = "views,likes,replies,reposts,quotes,shares"
# A thread's media_type as carecast's format (carousels count as images).
FORMATS = {"TEXT_POST": "text", "VIDEO": "video"}


def _values(body: dict[str, Any]) -> dict[str, Any]:
    found = {}
    for item in body.get("data") or []:
        if not isinstance(item, dict):
            continue
        total = item.get("total_value")
        values = item.get("values") or [{}]
        value = total.get("value") if isinstance(total, dict) else values[-1].get("value")
        found[str(item.get("name"))] = value
    return found


class ThreadsMetrics(MetricsReader):
    """Mixed into ``ThreadsConnector``: uses ``GraphConnector.request``."""

    supports_metrics = True
    metrics_batch = 1

    def fetch_metrics(self, remote_ids: Sequence[str]) -> list[PostMetrics]:
        return [self._one(remote_id) for remote_id in list(remote_ids)[:1]]

    def _one(self, remote_id: str) -> PostMetrics:
        try:
            body = self.request(  # type: ignore[attr-defined]
                "GET", f"{remote_id}/insights", "Could not read counts", params={"metric": METRICS}
            )
        except ConnectorError as exc:
            if "code 100" in exc.message and "does not exist" in exc.message:
                return PostMetrics(remote_id, gone=True)
            raise
        values = _values(body)
        reposts, quotes = count(values.get("reposts")), count(values.get("quotes"))
        reshared = None if reposts is None and quotes is None else (reposts or 0) + (quotes or 0)
        return PostMetrics(
            remote_id=remote_id,
            views=count(values.get("views")),
            likes=count(values.get("likes")),
            comments=count(values.get("replies")),
            shares=reshared,
        )

    def fetch_followers(self) -> int | None:
        body = self.request(  # type: ignore[attr-defined]
            "GET",
            f"{self.object_id}/threads_insights",  # type: ignore[attr-defined]
            "Could not read followers",
            params={"metric": "followers_count"},
        )
        return count(_values(body).get("followers_count"))

    def fetch_recent_posts(self, cursor: str | None = None) -> RecentPage:
        """``GET /{threads-user-id}/threads`` (https://developers.facebook.com/docs/threads/
        threads-media#retrieve-a-list-of-all-a-user-s-threads), 100 a page, paged by cursors;
        the account's replies are not in it. Counts are insights: read after."""
        return list_page(
            self,
            "threads",
            "id,media_type,permalink,text,thumbnail_url,timestamp",
            cursor,
            lambda item: RemotePost(
                remote_id=str(item["id"]),
                created_at=str(item.get("timestamp", "")),
                url=str(item.get("permalink", "")),
                text=str(item.get("text", "")),
                format=FORMATS.get(str(item.get("media_type")), "image"),
                thumbnail_url=str(item.get("thumbnail_url", "")),
            ),
            # A REPOST_FACADE is someone else's post the account reposted.
            keep=lambda item: item.get("media_type") != "REPOST_FACADE",
        )
