"""A TikTok video's numbers: views, likes, comments, shares; the creator's followers.

References: https://developers.tiktok.com/doc/tiktok-api-v2-video-query (``POST
/v2/video/query/?fields=id,view_count,like_count,comment_count,share_count`` with
``filters.video_ids``, up to 20; a video it does not find is left out: gone) and
https://developers.tiktok.com/doc/tiktok-api-v2-get-user-info (``follower_count``, scope
``user.info.stats``). Saves and link clicks are not offered: missing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from carecast.lib.http import error_from_response, json_object
from carecast.networks.metrics import MetricsReader, PostMetrics, RecentPage, RemotePost, count

BATCH = 20
FIELDS = "id,view_count,like_count,comment_count,share_count"
LIST_FIELDS = "id,create_time,title,video_description,share_url,cover_image_url," + FIELDS[3:]


def metrics_of(video: dict[str, Any]) -> PostMetrics:
    return PostMetrics(
        remote_id=str(video.get("id", "")),
        views=count(video.get("view_count")),
        likes=count(video.get("like_count")),
        comments=count(video.get("comment_count")),
        shares=count(video.get("share_count")),
    )


class TikTokMetrics(MetricsReader):
    """Mixed into ``TikTokConnector``: uses its ``_api`` (TikTok's ``error.code`` decides)."""

    supports_metrics = True
    metrics_batch = BATCH

    def fetch_metrics(self, remote_ids: Sequence[str]) -> list[PostMetrics]:
        ids = list(remote_ids)[:BATCH]
        data = self._api(  # type: ignore[attr-defined]
            f"/v2/video/query/?fields={FIELDS}",
            "Could not read counts",
            {"filters": {"video_ids": ids}},
        )
        found = {str(v.get("id")): v for v in data.get("videos") or [] if isinstance(v, dict)}
        return [metrics_of(found[i]) if i in found else PostMetrics(i, gone=True) for i in ids]

    def fetch_followers(self) -> int | None:
        headers = {"Authorization": f"Bearer {self._token()}"}  # type: ignore[attr-defined]
        response = self.client.get(  # type: ignore[attr-defined]
            "/v2/user/info/", params={"fields": "open_id,follower_count"}, headers=headers
        )
        if response.status_code >= 400:
            raise error_from_response(response, "TikTok", "Could not read followers")
        user = (json_object(response).get("data") or {}).get("user") or {}
        return count(user.get("follower_count"))

    def fetch_recent_posts(self, cursor: str | None = None) -> RecentPage:
        """``POST /v2/video/list/`` (https://developers.tiktok.com/doc/tiktok-api-v2-video-list,
        scope ``video.list``), 20 a page with their counts, paged by ``cursor`` while
        ``has_more``."""
        body: dict[str, Any] = {"max_count": BATCH}
        if cursor:
            body["cursor"] = int(cursor)
        data = self._api(f"/v2/video/list/?fields={LIST_FIELDS}", "Could not read videos", body)  # type: ignore[attr-defined]
        posts = [
            RemotePost(
                remote_id=str(v["id"]),
                created_at=_iso(v.get("create_time")),
                url=str(v.get("share_url", "")),
                text=str(v.get("video_description") or v.get("title") or ""),
                format="video",
                thumbnail_url=str(v.get("cover_image_url", "")),
                metrics=metrics_of(v),
            )
            for v in data.get("videos") or []
            if isinstance(v, dict) and v.get("id")
        ]
        following = data.get("cursor") if data.get("has_more") else None
        return RecentPage(posts, str(following) if posts and following else None)


def _iso(create_time: Any) -> str:
    seconds = count(create_time)
    return dt.datetime.fromtimestamp(seconds, dt.UTC).isoformat() if seconds is not None else ""
