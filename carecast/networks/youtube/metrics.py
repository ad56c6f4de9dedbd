"""A YouTube video's numbers: views, likes, comments; the channel's subscribers.

References: https://developers.google.com/youtube/v3/docs/videos/list (``part=statistics``,
``id`` up to 50; counts are strings; a deleted video is left out of ``items``; 1 quota unit
per call) and https://developers.google.com/youtube/v3/docs/channels/list
(``statistics.subscriberCount``, absent when the channel hides it). Dislikes, shares, saves
and link clicks are not public: missing.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from carecast.lib.http import json_object
from carecast.networks.metrics import MetricsReader, PostMetrics, RecentPage, RemotePost, count

BATCH = 50


class YouTubeMetrics(MetricsReader):
    """Mixed into ``YouTubeConnector``: uses its ``_request`` and token refresh."""

    supports_metrics = True
    metrics_batch = BATCH
    _uploads = ""  # the uploads playlist's id, read with the subscribers

    def fetch_metrics(self, remote_ids: Sequence[str]) -> list[PostMetrics]:
        ids = list(remote_ids)[:BATCH]
        self._refresh_if_due()  # type: ignore[attr-defined]
        response = self._request(  # type: ignore[attr-defined]
            "GET", "/youtube/v3/videos", "Could not read counts",
            params={"part": "statistics", "id": ",".join(ids)},
        )  # fmt: skip
        found: dict[str, dict[str, Any]] = {
            str(item.get("id")): item.get("statistics") or {}
            for item in json_object(response).get("items") or []
            if isinstance(item, dict)
        }
        return [
            PostMetrics(
                remote_id=i,
                views=count(found[i].get("viewCount")),
                likes=count(found[i].get("likeCount")),
                comments=count(found[i].get("commentCount")),
            )
            if i in found
            else PostMetrics(i, gone=True)
            for i in ids
        ]

    def fetch_followers(self) -> int | None:
        channel = self._channel()
        return count((channel.get("statistics") or {}).get("subscriberCount"))

    def _channel(self) -> dict[str, Any]:
        """``channels.list?mine=true`` with statistics and the uploads playlist (kept)."""
        self._refresh_if_due()  # type: ignore[attr-defined]
        response = self._request(  # type: ignore[attr-defined]
            "GET", "/youtube/v3/channels", "Could not read subscribers",
            params={"part": "statistics,contentDetails", "mine": "true"},
        )  # fmt: skip
        items = json_object(response).get("items") or [{}]
        channel = items[0] if isinstance(items[0], dict) else {}
        playlists = (channel.get("contentDetails") or {}).get("relatedPlaylists") or {}
        self._uploads = str(playlists.get("uploads") or "")
        return channel

    def fetch_recent_posts(self, cursor: str | None = None) -> RecentPage:
        """The channel's uploads playlist through ``playlistItems.list``
        (https://developers.google.com/youtube/v3/docs/playlistItems/list; 1 quota unit, where
        ``search.list?forMine`` costs 100), 50 a page, paged by ``nextPageToken``. Its id comes
        with the subscribers (``contentDetails.relatedPlaylists.uploads``); the counts after."""
        if not self._uploads:
            self._channel()
        if not self._uploads:
            return RecentPage([])
        self._refresh_if_due()  # type: ignore[attr-defined]
        params = {
            "part": "snippet,contentDetails",
            "playlistId": self._uploads,
            "maxResults": BATCH,
        }
        if cursor:
            params["pageToken"] = cursor
        response = self._request(  # type: ignore[attr-defined]
            "GET", "/youtube/v3/playlistItems", "Could not read videos", params=params
        )
        body = json_object(response)
        posts = [_video(item) for item in body.get("items") or [] if isinstance(item, dict)]
        following = body.get("nextPageToken")
        return RecentPage([p for p in posts if p.remote_id], str(following) if following else None)


def _video(item: dict[str, Any]) -> RemotePost:
    snippet, details = item.get("snippet") or {}, item.get("contentDetails") or {}
    video_id = str(details.get("videoId") or (snippet.get("resourceId") or {}).get("videoId") or "")
    title, description = str(snippet.get("title", "")), str(snippet.get("description", ""))
    return RemotePost(
        remote_id=video_id,
        created_at=str(details.get("videoPublishedAt") or snippet.get("publishedAt") or ""),
        url=f"https://www.youtube.com/watch?v={video_id}",
        text=f"{title}\n\n{description}".strip(),
        format="video",
        thumbnail_url=str(((snippet.get("thumbnails") or {}).get("default") or {}).get("url", "")),
    )
