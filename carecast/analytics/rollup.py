"""Daily rollups: one row per channel and day (and per campaign, channel and day).

Pages read these instead of summing snapshots. A day is a day in the organisation's time
zone. Sums keep NULL when no post of the day reported a metric: missing stays missing.
Rebuilding a range replaces its rows, so running it twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Count, Sum
from django.db.models.functions import TruncDate

from carecast.analytics.models import (
    METRICS,
    CampaignDay,
    ChannelDay,
    FollowerCount,
    JobApplication,
    LinkClickDay,
    Post,
    VisitKind,
    WebsiteVisitDay,
)
from carecast.core.models import Organisation
from carecast.networks.models import Channel

Key = tuple[Any, ...]


def _start(organisation: Organisation, since: dt.date) -> dt.datetime:
    return dt.datetime.combine(since, dt.time.min, tzinfo=ZoneInfo(organisation.timezone))


def _post_counts(organisation: Organisation, since: dt.date, by: tuple[str, ...]) -> dict:
    zone = ZoneInfo(organisation.timezone)
    rows = (
        Post.objects.filter(
            organisation=organisation, published_at__gte=_start(organisation, since)
        )
        .annotate(day=TruncDate("published_at", tzinfo=zone))
        .values(*by, "day")
        .annotate(posts=Count("id"), **{m: Sum(f"latest_{m}") for m in METRICS})
    )
    return {tuple(r[k] for k in by) + (r["day"],): r for r in rows}


def _add(rows: dict[Key, dict], key: Key, column: str, value: int) -> None:
    rows.setdefault(key, {})[column] = rows.get(key, {}).get(column, 0) + value


def _clicks(organisation: Organisation, since: dt.date, rows: dict, campaign_rows: dict) -> None:
    found = (
        LinkClickDay.objects.filter(link__organisation=organisation, day__gte=since)
        .exclude(link__channel=None)
        .values("link__channel_id", "link__campaign_id", "day")
        .annotate(n=Sum("clicks"))
    )
    for r in found:
        _add(rows, (r["link__channel_id"], r["day"]), "tracked_clicks", r["n"])
        if r["link__campaign_id"]:
            key = (r["link__campaign_id"], r["link__channel_id"], r["day"])
            _add(campaign_rows, key, "tracked_clicks", r["n"])


def _applications(organisation, since, rows: dict, campaign_rows: dict) -> None:
    zone = ZoneInfo(organisation.timezone)
    found = (
        JobApplication.objects.filter(
            organisation=organisation, received_at__gte=_start(organisation, since)
        )
        .exclude(channel=None)
        .annotate(day=TruncDate("received_at", tzinfo=zone))
        .values("channel_id", "campaign_id", "day")
        .annotate(n=Count("id"))
    )
    for r in found:
        _add(rows, (r["channel_id"], r["day"]), "applications", r["n"])
        if r["campaign_id"]:
            _add(
                campaign_rows, (r["campaign_id"], r["channel_id"], r["day"]), "applications", r["n"]
            )


def _visits(organisation: Organisation, since: dt.date, rows: dict) -> None:
    """Visits from a network count for its channel when the network has only one."""
    channels: dict[str, list[int]] = defaultdict(list)
    for channel in Channel.objects.filter(organisation=organisation).exclude(status="archived"):
        channels[channel.network].append(channel.pk)
    found = (
        WebsiteVisitDay.objects.filter(
            organisation=organisation, day__gte=since, kind=VisitKind.SOCIAL
        )
        .exclude(network="")
        .values("network", "day")
        .annotate(n=Sum("visits"))
    )
    for r in found:
        if len(channels[r["network"]]) == 1:
            _add(rows, (channels[r["network"]][0], r["day"]), "visits", r["n"])


def _followers(organisation: Organisation, since: dt.date, rows: dict) -> None:
    zone = ZoneInfo(organisation.timezone)
    found = FollowerCount.objects.filter(
        channel__organisation=organisation, taken_at__gte=_start(organisation, since)
    ).order_by("taken_at")
    for count in found.values("channel_id", "taken_at", "followers").iterator():
        day = count["taken_at"].astimezone(zone).date()
        rows.setdefault((count["channel_id"], day), {})["followers"] = count["followers"]


def _merge(posts: dict, extra: dict) -> dict:
    merged: dict[Key, dict] = {key: dict(values) for key, values in posts.items()}
    for key, values in extra.items():
        merged.setdefault(key, {}).update(values)
    return merged


def _fields(values: dict) -> dict:
    names = ("posts", *METRICS, "tracked_clicks", "applications", "visits", "followers")
    return {name: values[name] for name in names if name in values}


def rebuild_days(organisation: Organisation, since: dt.date) -> int:
    """Recompute every rollup row of ``organisation`` from ``since`` on; returns rows written."""
    posts = _post_counts(organisation, since, ("channel_id",))
    campaign_posts = _post_counts(organisation, since, ("campaign_id", "channel_id"))
    campaign_posts = {k: v for k, v in campaign_posts.items() if k[0] is not None}
    extra: dict[Key, dict] = {}
    campaign_extra: dict[Key, dict] = {}
    _clicks(organisation, since, extra, campaign_extra)
    _applications(organisation, since, extra, campaign_extra)
    _visits(organisation, since, extra)
    _followers(organisation, since, extra)
    channel_rows = [
        ChannelDay(channel_id=key[0], day=key[1], **_fields(values))
        for key, values in _merge(posts, extra).items()
    ]
    campaign_rows = [
        CampaignDay(campaign_id=key[0], channel_id=key[1], day=key[2], **_fields(values))
        for key, values in _merge(campaign_posts, campaign_extra).items()
    ]
    with transaction.atomic():
        ChannelDay.objects.filter(channel__organisation=organisation, day__gte=since).delete()
        CampaignDay.objects.filter(campaign__organisation=organisation, day__gte=since).delete()
        ChannelDay.objects.bulk_create(channel_rows, batch_size=1000)
        CampaignDay.objects.bulk_create(campaign_rows, batch_size=1000)
    return len(channel_rows) + len(campaign_rows)
