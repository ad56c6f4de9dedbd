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

import datetime as dt
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

from carecast.lib.http import json_object
from carecast.networks.metrics import MetricsReader, PostMetrics, RecentPage, RemotePost, count

BATCH = 20
PAGE = 100  # the most Find Posts by Authors gives at once


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

    def fetch_recent_posts(self, cursor: str | None = None) -> RecentPage:
        """Find Posts by Authors, ``GET /rest/posts?q=author&author=<org URN>&sortBy=CREATED``
        (https://learn.microsoft.com/linkedin/marketing/community-management/shares/posts-api),
        100 a page from ``start`` while ``paging`` names a next page. Reshares of others' posts
        (``reshareContext``) are left out; the counts are read after."""
        start = int(cursor or 0)
        params = {"q": "author", "author": self.author, "count": PAGE, "start": start,  # type: ignore[attr-defined]
                  "sortBy": "CREATED"}  # fmt: skip
        response = self._send(  # type: ignore[attr-defined]
            "GET", "/rest/posts", "Could not read posts", params=params,
            headers={"X-RestLi-Method": "FINDER"},
        )  # fmt: skip
        body = json_object(response)
        elements = [e for e in body.get("elements") or [] if isinstance(e, dict) and e.get("id")]
        posts = [_remote(e) for e in elements if not e.get("reshareContext")]
        paging = body.get("paging")
        paging = paging if isinstance(paging, dict) else {}
        more = any(
            isinstance(k, dict) and k.get("rel") == "next" for k in paging.get("links") or []
        )
        return RecentPage(posts, str(start + len(elements)) if more and elements else None)


def _remote(element: dict[str, Any]) -> RemotePost:
    created = count(element.get("publishedAt") or element.get("createdAt"))
    when = dt.datetime.fromtimestamp(created / 1000, dt.UTC).isoformat() if created else ""
    urn = str(element["id"])
    media = str(((element.get("content") or {}).get("media") or {}).get("id") or "")
    many = bool((element.get("content") or {}).get("multiImage"))
    return RemotePost(
        remote_id=urn,
        created_at=when,
        url=f"https://www.linkedin.com/feed/update/{urn}/",
        text=str(element.get("commentary", "")),
        format=_format(media, many),
    )


def _format(media: str, many_images: bool) -> str:
    if media.startswith("urn:li:video:"):
        return "video"
    return "image" if media or many_images else "text"
