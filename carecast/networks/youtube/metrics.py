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
from carecast.networks.metrics import MetricsReader, PostMetrics, count

BATCH = 50


class YouTubeMetrics(MetricsReader):
    """Mixed into ``YouTubeConnector``: uses its ``_request`` and token refresh."""

    supports_metrics = True
    metrics_batch = BATCH

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
        self._refresh_if_due()  # type: ignore[attr-defined]
        response = self._request(  # type: ignore[attr-defined]
            "GET", "/youtube/v3/channels", "Could not read subscribers",
            params={"part": "statistics", "mine": "true"},
        )  # fmt: skip
        items = json_object(response).get("items") or [{}]
        return count((items[0].get("statistics") or {}).get("subscriberCount"))
