"""A TikTok video's numbers: views, likes, comments, shares; the creator's followers.

References: https://developers.tiktok.com/doc/tiktok-api-v2-video-query (``POST
/v2/video/query/?fields=id,view_count,like_count,comment_count,share_count`` with
``filters.video_ids``, up to 20; a video it does not find is left out: gone) and
https://developers.tiktok.com/doc/tiktok-api-v2-get-user-info (``follower_count``, scope
``user.info.stats``). Saves and link clicks are not offered: missing.
"""

from __future__ import annotations

from collections.abc import Sequence

from carecast.lib.http import error_from_response, json_object
from carecast.networks.metrics import MetricsReader, PostMetrics, count

BATCH = 20
FIELDS = "id,view_count,like_count,comment_count,share_count"


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
        return [
            PostMetrics(
                remote_id=i,
                views=count(found[i].get("view_count")),
                likes=count(found[i].get("like_count")),
                comments=count(found[i].get("comment_count")),
                shares=count(found[i].get("share_count")),
            )
            if i in found
            else PostMetrics(i, gone=True)
            for i in ids
        ]

    def fetch_followers(self) -> int | None:
        headers = {"Authorization": f"Bearer {self._token()}"}  # type: ignore[attr-defined]
        response = self.client.get(  # type: ignore[attr-defined]
            "/v2/user/info/", params={"fields": "open_id,follower_count"}, headers=headers
        )
        if response.status_code >= 400:
            raise error_from_response(response, "TikTok", "Could not read followers")
        user = (json_object(response).get("data") or {}).get("user") or {}
        return count(user.get("follower_count"))
