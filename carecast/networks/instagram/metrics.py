"""An Instagram post's numbers: likes, comments, shares, saves and views.

One Graph call reads up to 50 media: ``GET /?ids=…&fields=like_count,comments_count,
insights.metric(reach,saved,shares,views)`` (IG Media fields and media insights:
https://developers.facebook.com/docs/instagram-platform/reference/instagram-media/insights —
``views`` replaced ``impressions`` in 2025). A deleted media makes Meta refuse the whole read
(code 803): each is then read alone. Link clicks: Instagram posts carry no links — missing.
Followers: the account's ``followers_count``, ``GET /{ig-user-id}?fields=followers_count``
(https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-user).
"""

from __future__ import annotations

from typing import Any

from carecast.networks.base import ConnectorError
from carecast.networks.facebook.metrics import GraphMetrics, insight, list_page
from carecast.networks.metrics import PostMetrics, RecentPage, RemotePost, count

BATCH = 50
FIELDS = "like_count,comments_count,insights.metric(reach,saved,shares,views)"


def metrics_of(item: dict[str, Any]) -> PostMetrics:
    return PostMetrics(
        remote_id=str(item.get("id", "")),
        views=count(insight(item, "views")),
        likes=count(item.get("like_count")),
        comments=count(item.get("comments_count")),
        shares=count(insight(item, "shares")),
        saves=count(insight(item, "saved")),
    )


class InstagramMetrics(GraphMetrics):
    """Mixed into ``InstagramConnector``."""

    metrics_batch = BATCH
    fields = FIELDS

    def read(self, item: dict[str, Any]) -> PostMetrics:
        return metrics_of(item)

    def _one(self, remote_id: str) -> PostMetrics:
        try:
            body = self.request(  # type: ignore[attr-defined]
                "GET", "", "Could not read counts", params={"ids": remote_id, "fields": FIELDS}
            )
        except ConnectorError as exc:
            if "code 803" in exc.message:
                return PostMetrics(remote_id, gone=True)
            raise
        item = body.get(remote_id)
        return metrics_of(item) if isinstance(item, dict) else PostMetrics(remote_id, gone=True)

    def fetch_followers(self) -> int | None:
        body = self.request(  # type: ignore[attr-defined]
            "GET",
            self.object_id,  # type: ignore[attr-defined]
            "Could not read followers",
            params={"fields": "followers_count"},
        )
        return count(body.get("followers_count"))

    def fetch_recent_posts(self, cursor: str | None = None) -> RecentPage:
        """``GET /{ig-user-id}/media`` (https://developers.facebook.com/docs/instagram-platform/
        instagram-graph-api/reference/ig-user/media), 100 a page, paged by cursors. Views,
        saves and shares are insights the list does not carry: all counts are read after."""
        return list_page(
            self,
            "media",
            "id,caption,media_type,media_product_type,permalink,thumbnail_url,timestamp",
            cursor,
            lambda item: RemotePost(
                remote_id=str(item["id"]),
                created_at=str(item.get("timestamp", "")),
                url=str(item.get("permalink", "")),
                text=str(item.get("caption", "")),
                format="video" if item.get("media_type") == "VIDEO" else "image",
                thumbnail_url=str(item.get("thumbnail_url", "")),
            ),
        )
