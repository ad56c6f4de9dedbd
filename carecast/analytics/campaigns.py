"""A campaign in numbers: totals over its days, and each channel's share of them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Q, Sum

from carecast.analytics.models import METRICS, CampaignDay, JobApplication, WebsiteVisitDay
from carecast.networks.models import Channel
from carecast.stories.models import Campaign

# What the campaign page shows, in order; each a column of ``CampaignDay``.
COLUMNS = ("posts", *METRICS, "tracked_clicks", "applications")
# The rollups change hourly; an application or a visit import shows within five minutes.
CACHE_SECONDS = 300


def engagement(values: dict) -> int | None:
    """Likes, comments, shares and saves together; None when none of them was reported."""
    parts = [values.get(m) for m in ("likes", "comments", "shares", "saves")]
    known = [p for p in parts if p is not None]
    return sum(known) if known else None


@dataclass
class ChannelShare:
    channel: Channel
    values: dict
    # Each column's share of the campaign's total, 0..100; None where either is missing.
    shares: dict = field(default_factory=dict)


@dataclass
class CampaignReport:
    campaign: Campaign
    totals: dict
    channels: list[ChannelShare]
    applications_unassigned: int = 0
    visits: int | None = None


def _total(rows: list[dict[str, Any]], column: str) -> int | None:
    """The channels' sums added up; None when no channel reported the column (as SQL's SUM)."""
    known = [r[column] for r in rows if r.get(column) is not None]
    return sum(known) if known else None


def _share(part: int | None, whole: int | None) -> float | None:
    if part is None or not whole:
        return None
    return round(100 * part / whole, 1)


def _by_posts(row: dict[str, Any]) -> int:
    return -(row.get("posts") or 0)


def _cache_key(campaign: Campaign) -> str:
    return f"analytics:campaign:{campaign.organisation_id}:{campaign.pk}"


def forget(campaign: Campaign) -> None:
    """Drop the cached figures, e.g. after a story joined the campaign."""
    cache.delete(_cache_key(campaign))


def cached_report(campaign: Campaign) -> CampaignReport:
    """``report`` kept for ``CACHE_SECONDS`` per campaign: the page is asked far more often
    than its rollups change."""
    key = _cache_key(campaign)
    found = cache.get(key)
    if found is None:
        found = report(campaign)
        cache.set(key, found, CACHE_SECONDS)
    found.campaign = campaign
    return found


def report(campaign: Campaign) -> CampaignReport:
    """Totals from the campaign's daily rollups; applications and visits read directly.

    Applications matched to the campaign but to no channel (an applicant system that drops
    ``utm_content``) count in the total, shown as "channel unknown".
    """
    days = CampaignDay.objects.filter(campaign=campaign).order_by()
    table: list[dict[str, Any]] = [
        dict(r) for r in days.values("channel_id").annotate(**{c: Sum(c) for c in COLUMNS})
    ]
    # The totals from the channels' sums: one aggregate over the rollups instead of two.
    totals: dict[str, Any] = {c: _total(table, c) for c in COLUMNS}
    totals["posts"] = totals["posts"] or 0
    channels = Channel.objects.only("id", "name", "network").in_bulk(
        [r["channel_id"] for r in table]
    )
    applications = JobApplication.objects.filter(campaign=campaign).aggregate(
        total=Count("id"), unassigned=Count("id", filter=Q(channel=None))
    )
    totals["applications"] = applications["total"]
    totals["engagement"] = engagement(totals)
    shares = []
    for row in sorted(table, key=_by_posts):
        row["engagement"] = engagement(row)
        share = {c: _share(row.get(c), totals.get(c)) for c in (*COLUMNS, "engagement")}
        shares.append(ChannelShare(channels[row["channel_id"]], row, share))
    visits = WebsiteVisitDay.objects.filter(campaign=campaign).aggregate(n=Sum("visits"))["n"]
    return CampaignReport(campaign, totals, shares, applications["unassigned"], visits)
