"""A LinkedIn organisation post's numbers: impressions, reactions, comments, reposts, clicks.

References: organisation share statistics,
https://learn.microsoft.com/linkedin/marketing/community-management/organizations/share-statistics
— ``GET /rest/organizationalEntityShareStatistics?q=organizationalEntity&organizationalEntity=
<org URN>&shares=List(<share URNs>)`` (``ugcPosts=List(…)`` for ugcPost URNs), lifetime
``totalShareStatistics``; followers: ``GET /rest/networkSizes/<org URN>?edgeType=
COMPANY_FOLLOWED_BY_MEMBER`` (``firstDegreeSize``). ``clickCount`` counts clicks on the post's
content, the closest LinkedIn has to link clicks. A post it does not know is left out of the
answer: its counts stay missing. No saves: missing.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

from carecast.lib.http import json_object
from carecast.networks.metrics import MetricsReader, PostMetrics, count

BATCH = 20


def metrics_of(urn: str, stats: dict[str, Any]) -> PostMetrics:
    return PostMetrics(
        remote_id=urn,
        views=count(stats.get("impressionCount")),
        likes=count(stats.get("likeCount")),
        comments=count(stats.get("commentCount")),
        shares=count(stats.get("shareCount")),
        link_clicks=count(stats.get("clickCount")),
    )


class LinkedInMetrics(MetricsReader):
    """Mixed into ``LinkedInConnector``: uses its ``_send`` (version header, error mapping)."""

    supports_metrics = True
    metrics_batch = BATCH

    def fetch_metrics(self, remote_ids: Sequence[str]) -> list[PostMetrics]:
        urns = list(remote_ids)[:BATCH]
        found: dict[str, PostMetrics] = {}
        for kind, prefix in (("shares", "urn:li:share:"), ("ugcPosts", "urn:li:ugcPost:")):
            chosen = [u for u in urns if u.startswith(prefix)]
            if not chosen:
                continue
            listed = "List(" + ",".join(quote(u, safe="") for u in chosen) + ")"
            query = (
                f"q=organizationalEntity&organizationalEntity={quote(self.author, safe='')}"  # type: ignore[attr-defined]
                f"&{kind}={listed}"
            )
            response = self._send(  # type: ignore[attr-defined]
                "GET", f"/rest/organizationalEntityShareStatistics?{query}", "Could not read counts"
            )
            for element in json_object(response).get("elements") or []:
                urn = str(element.get(kind[:-1]) or element.get("share") or "")
                found[urn] = metrics_of(urn, element.get("totalShareStatistics") or {})
        return [found.get(u) or PostMetrics(u) for u in urns]

    def fetch_followers(self) -> int | None:
        path = f"/rest/networkSizes/{quote(self.author, safe='')}"  # type: ignore[attr-defined]
        response = self._send(  # type: ignore[attr-defined]
            "GET",
            path,
            "Could not read followers",
            params={"edgeType": "COMPANY_FOLLOWED_BY_MEMBER"},
        )
        return count(json_object(response).get("firstDegreeSize"))
