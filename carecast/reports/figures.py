"""The numbers behind the dashboard and the monthly report, from the daily rollups and the
posts' latest counts (never from raw snapshots: those are for the sync, not for pages).

``channel_ids=None`` means the whole organisation; a department editor's dashboard passes
their department's channels. NULL sums stay ``None`` (missing), never 0.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db.models import Avg, Count, F, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, ExtractHour, ExtractIsoWeekDay, TruncWeek

from carecast.analytics.models import ChannelDay, JobApplication, Post, WebsiteVisitDay

ENGAGEMENT = ("likes", "comments", "shares", "saves")
_HAS_ENGAGEMENT = (
    Q(latest_likes__isnull=False)
    | Q(latest_comments__isnull=False)
    | Q(latest_shares__isnull=False)
    | Q(latest_saves__isnull=False)
)
_ENGAGEMENT_SUM = sum(
    (Coalesce(F(f"latest_{m}"), 0) for m in ENGAGEMENT[1:]), Coalesce(F("latest_likes"), 0)
)


@dataclass(frozen=True)
class Month:
    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> Month:
        """ "2026-11" → Month(2026, 11); ``ValueError`` for anything else."""
        year, _sep, month = text.partition("-")
        value = cls(int(year), int(month))
        if not (1 <= value.month <= 12 and 2000 <= value.year <= 2100) or len(text) != 7:
            raise ValueError(text)
        return value

    @classmethod
    def of(cls, day: dt.date) -> Month:
        return cls(day.year, day.month)

    @property
    def first(self) -> dt.date:
        return dt.date(self.year, self.month, 1)

    @property
    def end(self) -> dt.date:
        """The first day of the next month (exclusive)."""
        return self.plus(1).first

    def plus(self, months: int) -> Month:
        index = self.year * 12 + self.month - 1 + months
        return Month(index // 12, index % 12 + 1)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


def channel_days(organisation, channel_ids: list[int] | None) -> QuerySet:
    days = ChannelDay.objects.filter(channel__organisation=organisation)
    return days if channel_ids is None else days.filter(channel_id__in=channel_ids)


def posts(organisation, channel_ids: list[int] | None) -> QuerySet:
    found = Post.objects.filter(organisation=organisation)
    return found if channel_ids is None else found.filter(channel_id__in=channel_ids)


def _engagement(row: dict) -> int | None:
    values: list[int] = [row[m] for m in ENGAGEMENT if row.get(m) is not None]
    return sum(values) if values else None


def totals(organisation, channel_ids, start: dt.date, end: dt.date) -> dict[str, int | None]:
    """Sums over [start, end): posts, views, engagement, link clicks, applications, visits."""
    row = (
        channel_days(organisation, channel_ids)
        .filter(day__gte=start, day__lt=end)
        .aggregate(
            posts=Sum("posts"),
            views=Sum("views"),
            likes=Sum("likes"),
            comments=Sum("comments"),
            shares=Sum("shares"),
            saves=Sum("saves"),
            link_clicks=Sum("link_clicks"),
            tracked_clicks=Sum("tracked_clicks"),
            applications=Sum("applications"),
            visits=Sum("visits"),
        )
    )
    clicks: list[int] = [v for v in (row["link_clicks"], row["tracked_clicks"]) if v is not None]
    return {
        "posts": row["posts"],
        "views": row["views"],
        "engagement": _engagement(row),
        "clicks": sum(clicks) if clicks else None,
        "applications": row["applications"],
        "visits": row["visits"],
        "followers": followers_at(organisation, channel_ids, end),
    }


def followers_at(organisation, channel_ids, before: dt.date) -> int | None:
    """All channels' followers on the last day before ``before`` that has a count."""
    found = (
        channel_days(organisation, channel_ids)
        .filter(day__lt=before, day__gte=before - dt.timedelta(days=31), followers__isnull=False)
        .order_by("channel_id", "day")
        .values_list("channel_id", "followers")
    )
    latest = dict(found)  # the newest row per channel wins
    return sum(latest.values()) if latest else None


def over_time(organisation, channel_ids, start: dt.date, end: dt.date) -> list[dict]:
    """Week by week: reach (views) and engagement of the posts published in that week."""
    rows = (
        channel_days(organisation, channel_ids)
        .filter(day__gte=start, day__lt=end)
        .annotate(week=TruncWeek("day"))
        .values("week")
        .annotate(
            views=Sum("views"),
            likes=Sum("likes"),
            comments=Sum("comments"),
            shares=Sum("shares"),
            saves=Sum("saves"),
            posts=Sum("posts"),
        )
        .order_by("week")
    )
    by_week = {r["week"]: r for r in rows}
    monday = start - dt.timedelta(days=start.weekday())
    weeks = []
    while monday < end:
        row = by_week.get(monday, {})
        weeks.append({"week": monday, "views": row.get("views"), "engagement": _engagement(row)})
        monday += dt.timedelta(days=7)
    return weeks


def _window(organisation, channel_ids, start: dt.date, end: dt.date) -> QuerySet:
    zone = ZoneInfo(organisation.timezone)
    since = dt.datetime.combine(start, dt.time.min, tzinfo=zone)
    until = dt.datetime.combine(end, dt.time.min, tzinfo=zone)
    return posts(organisation, channel_ids).filter(published_at__gte=since, published_at__lt=until)


def top_posts(organisation, channel_ids, start, end, limit: int = 5) -> list[Post]:
    return list(
        _window(organisation, channel_ids, start, end)
        .filter(_HAS_ENGAGEMENT)
        .annotate(engagement=_ENGAGEMENT_SUM)
        .select_related("channel", "department")
        .order_by("-engagement", "-published_at")[:limit]
    )


def compared(organisation, channel_ids, start, end, by: str) -> list[dict]:
    """Per format or department: posts, average reach and average engagement per post."""
    rows = (
        _window(organisation, channel_ids, start, end)
        .values(by)
        .annotate(
            n=Count("id"),
            views=Avg("latest_views"),
            engagement=Avg(_ENGAGEMENT_SUM, filter=_HAS_ENGAGEMENT),
        )
        .order_by(by)
    )
    return list(rows)


def best_times(organisation, channel_ids, start, end) -> list[list[float | None]]:
    """Average engagement per post by weekday (Mon..Sun) × hour, in the organisation's zone."""
    zone = ZoneInfo(organisation.timezone)
    rows = (
        _window(organisation, channel_ids, start, end)
        .filter(_HAS_ENGAGEMENT)
        .annotate(
            weekday=ExtractIsoWeekDay("published_at", tzinfo=zone),
            hour=ExtractHour("published_at", tzinfo=zone),
        )
        .values("weekday", "hour")
        .annotate(engagement=Avg(_ENGAGEMENT_SUM))
    )
    grid: list[list[float | None]] = [[None] * 24 for _day in range(7)]
    for row in rows:
        grid[row["weekday"] - 1][row["hour"]] = float(row["engagement"])
    return grid


def applications_by(
    organisation, start: dt.date, end: dt.date, field: str
) -> list[tuple[str, int]]:
    """Job applications received in [start, end) by network, campaign name or department."""
    zone = ZoneInfo(organisation.timezone)
    rows = (
        JobApplication.objects.filter(
            organisation=organisation,
            received_at__gte=dt.datetime.combine(start, dt.time.min, tzinfo=zone),
            received_at__lt=dt.datetime.combine(end, dt.time.min, tzinfo=zone),
        )
        .values(field)
        .annotate(n=Count("id"))
        .order_by("-n")
    )
    return [(r[field] or "", r["n"]) for r in rows]


def visits_by_network(organisation, start: dt.date, end: dt.date) -> list[tuple[str, int]]:
    rows = (
        WebsiteVisitDay.objects.filter(organisation=organisation, day__gte=start, day__lt=end)
        .values("network")
        .annotate(n=Sum("visits"))
        .order_by("-n")
    )
    return [(r["network"] or "", r["n"] or 0) for r in rows]
