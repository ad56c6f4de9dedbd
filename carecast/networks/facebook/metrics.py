"""A Facebook Page post's numbers: reactions, comments, shares, reach and link clicks.

One Graph call reads up to 50 posts: ``GET /?ids=…&fields=reactions.summary(total_count)
.limit(0),comments.summary(total_count).limit(0),shares,insights.metric(…)`` (multiple-ID
read requests, https://developers.facebook.com/docs/graph-api/guides/field-expansion,
post insights https://developers.facebook.com/docs/graph-api/reference/insights#page-posts:
``post_impressions_unique`` — people reached, shown as views — and ``post_clicks_by_type``
with its ``link clicks``). If any id is gone Meta refuses the whole call (code 803): each is
then read alone, and the one answering code 100 is gone. Pages keep no saves: missing.
Followers: the Page's ``followers_count``. Usage limits: ``GraphConnector`` waits them out.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, ClassVar

from carecast.networks.base import ConnectorError
from carecast.networks.metrics import MetricsReader, PostMetrics, RecentPage, RemotePost, count

BATCH = 50
FIELDS = (
    "reactions.summary(total_count).limit(0),comments.summary(total_count).limit(0),shares,"
    "insights.metric(post_impressions_unique,post_clicks_by_type)"
)


def insight(item: dict[str, Any], name: str) -> Any:
    """The latest value of the insight ``name`` read along with a post or media (Facebook and
    Instagram answer alike); None if Meta left it out."""
    for metric in (item.get("insights") or {}).get("data") or []:
        if isinstance(metric, dict) and metric.get("name") == name:
            values = metric.get("values") or [{}]
            return values[-1].get("value") if isinstance(values[-1], dict) else None
    return None


def metrics_of(item: dict[str, Any]) -> PostMetrics:
    clicks = insight(item, "post_clicks_by_type")
    shares = item.get("shares")
    return PostMetrics(
        remote_id=str(item.get("id", "")),
        views=count(insight(item, "post_impressions_unique")),
        likes=count(((item.get("reactions") or {}).get("summary") or {}).get("total_count")),
        comments=count(((item.get("comments") or {}).get("summary") or {}).get("total_count")),
        # Meta leaves ``shares`` out of a post nobody shared: that is a 0 it reports.
        shares=count(shares.get("count")) if isinstance(shares, dict) else 0,
        link_clicks=count(clicks.get("link clicks")) if isinstance(clicks, dict) else None,
    )


class GraphMetrics(MetricsReader):
    """Counts in one multiple-ID Graph read per batch (Facebook and Instagram).

    If one id is gone Meta refuses the whole read (code 803): then ``_one`` reads each alone.
    Uses ``GraphConnector.request``.
    """

    supports_metrics = True
    metrics_batch = BATCH
    fields: ClassVar[str]

    def read(self, item: dict[str, Any]) -> PostMetrics:
        raise NotImplementedError

    def fetch_metrics(self, remote_ids: Sequence[str]) -> list[PostMetrics]:
        ids = list(remote_ids)[: self.metrics_batch]
        params = {"ids": ",".join(ids), "fields": self.fields}
        try:
            body = self.request("GET", "", "Could not read counts", params=params)  # type: ignore[attr-defined]
        except ConnectorError as exc:
            if "code 803" not in exc.message or len(ids) == 1:
                raise
            return [self._one(i) for i in ids]
        return [
            self.read(body[i]) if isinstance(body.get(i), dict) else PostMetrics(i, gone=True)
            for i in ids
        ]

    def _one(self, remote_id: str) -> PostMetrics:
        raise NotImplementedError


class FacebookMetrics(GraphMetrics):
    """Mixed into ``FacebookConnector``."""

    fields = FIELDS

    def read(self, item: dict[str, Any]) -> PostMetrics:
        return metrics_of(item)

    def _one(self, remote_id: str) -> PostMetrics:
        try:
            body = self.request(  # type: ignore[attr-defined]
                "GET", remote_id, "Could not read counts", params={"fields": FIELDS}
            )
        except ConnectorError as exc:
            if "code 100" in exc.message:
                return PostMetrics(remote_id, gone=True)
            raise
        return metrics_of(body)

    def fetch_followers(self) -> int | None:
        body = self.request(  # type: ignore[attr-defined]
            "GET",
            self.object_id,  # type: ignore[attr-defined]
            "Could not read followers",
            params={"fields": "followers_count"},
        )
        return count(body.get("followers_count"))

    def fetch_recent_posts(self, cursor: str | None = None) -> RecentPage:
        """``GET /{page-id}/published_posts`` (https://developers.facebook.com/docs/graph-api/
        reference/page/published_posts), 100 a page, paged by ``paging.cursors.after`` while
        ``paging.next`` says more follow. The list carries no counts: they are read after."""
        return list_page(
            self,
            "published_posts",
            "id,message,created_time,permalink_url",
            cursor,
            lambda item: RemotePost(
                remote_id=str(item["id"]),
                created_at=str(item.get("created_time", "")),
                url=str(item.get("permalink_url", "")),
                text=str(item.get("message", "")),
            ),
        )


def list_page(
    reader,
    edge: str,
    fields: str,
    cursor: str | None,
    to_post: Callable[[dict], RemotePost],
    keep: Callable[[dict], bool] = lambda item: True,
) -> RecentPage:
    """One page of an account's own posts from its Graph edge ``/{id}/{edge}`` (Facebook,
    Instagram and Threads list alike), 100 a page, paged by ``next_cursor``; ``keep`` leaves
    out what is listed but not the account's own."""
    params: dict[str, Any] = {"fields": fields, "limit": 100}
    if cursor:
        params["after"] = cursor
    body = reader.request(
        "GET", f"{reader.object_id}/{edge}", "Could not read posts", params=params
    )
    posts = [
        to_post(item)
        for item in body.get("data") or []
        if isinstance(item, dict) and item.get("id") and keep(item)
    ]
    return RecentPage(posts, next_cursor(body))


def next_cursor(body: dict[str, Any]) -> str | None:
    """Meta's cursor-based paging: the ``after`` cursor, if ``paging.next`` says more follow
    (https://developers.facebook.com/docs/graph-api/results)."""
    paging = body.get("paging")
    paging = paging if isinstance(paging, dict) else {}
    cursors = paging.get("cursors")
    cursors = cursors if isinstance(cursors, dict) else {}
    return str(cursors["after"]) if paging.get("next") and cursors.get("after") else None
