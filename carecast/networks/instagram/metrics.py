"""An Instagram post's numbers: likes, comments, shares, saves and views.

One Graph call reads up to 50 media: ``GET /?ids=…&fields=like_count,comments_count,
insights.metric(reach,saved,shares,views)`` (IG Media fields and media insights:
https://developers.facebook.com/docs/instagram-platform/reference/instagram-media/insights —
``views`` replaced ``impressions`` in 2025). A deleted media makes Meta refuse the whole read
(code 803): each is then read alone. Link clicks: Instagram posts carry no links — missing.
Followers: the account's ``followers_count``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from carecast.networks.base import ConnectorError
from carecast.networks.metrics import MetricsReader, PostMetrics, count

BATCH = 50
FIELDS = "like_count,comments_count,insights.metric(reach,saved,shares,views)"


def _insight(item: dict[str, Any], name: str) -> Any:
    for metric in (item.get("insights") or {}).get("data") or []:
        if isinstance(metric, dict) and metric.get("name") == name:
            values = metric.get("values") or [{}]
            return values[-1].get("value") if isinstance(values[-1], dict) else None
    return None


def metrics_of(item: dict[str, Any]) -> PostMetrics:
    return PostMetrics(
        remote_id=str(item.get("id", "")),
        views=count(_insight(item, "views")),
        likes=count(item.get("like_count")),
        comments=count(item.get("comments_count")),
        shares=count(_insight(item, "shares")),
        saves=count(_insight(item, "saved")),
    )


class InstagramMetrics(MetricsReader):
    """Mixed into ``InstagramConnector``: uses ``GraphConnector.request``."""

    supports_metrics = True
    metrics_batch = BATCH

    def fetch_metrics(self, remote_ids: Sequence[str]) -> list[PostMetrics]:
        ids = list(remote_ids)[:BATCH]
        try:
            body = self.request(  # type: ignore[attr-defined]
                "GET", "", "Could not read counts", params={"ids": ",".join(ids), "fields": FIELDS}
            )
        except ConnectorError as exc:
            if "code 803" not in exc.message or len(ids) == 1:
                raise
            return [self._one(i) for i in ids]
        return [
            metrics_of(body[i]) if isinstance(body.get(i), dict) else PostMetrics(i, gone=True)
            for i in ids
        ]

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
