"""The ranking, like the published hospital rankings: engagement per follower, interactions
per post, follower growth and posting frequency, with our own channels' places in it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from carecast.peers.inbox_numbers import Responsiveness, responsiveness
from carecast.peers.models import Peer, PeerDay

ORDERS = ("engagement", "interactions", "growth", "frequency", "followers")
GROWTH_DAYS = 30


@dataclass
class Row:
    peer: Peer
    day: PeerDay | None
    followers: int | None
    interactions_per_post: float | None
    engagement_rate: float | None  # interactions per post per 100 followers (%)
    growth: float | None  # follower growth over 30 days (%)
    posts_per_week: float | None
    place: int | None = None
    inbox: Responsiveness | None = None

    @property
    def is_own(self) -> bool:
        return self.peer.is_own


def ranking(organisation, today: date, by: str = "engagement") -> list[Row]:
    """Every profile with its latest day, best first by ``by``; missing values rank last."""
    by = by if by in ORDERS else "engagement"
    peers = list(Peer.objects.filter(organisation=organisation).select_related("channel"))
    latest = _latest_days(peers, today)
    earlier = _latest_days(peers, today - timedelta(days=GROWTH_DAYS))
    rows = [_row(p, latest.get(p.pk), earlier.get(p.pk)) for p in peers]
    rows.sort(key=lambda r: _sort_key(r, by))
    for place, row in enumerate(rows, start=1):
        row.place = place if _value(row, by) is not None else None
    own = [r.peer.channel_id for r in rows if r.peer.channel_id is not None]
    if own:
        numbers = responsiveness(own, _start_of(today - timedelta(days=GROWTH_DAYS)))
        for row in rows:
            if row.is_own:
                row.inbox = numbers.get(row.peer.channel_id or 0)
    return rows


def _start_of(day: date):
    from datetime import datetime, time

    from django.utils import timezone

    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_current_timezone())


def _latest_days(peers: list[Peer], on_or_before: date) -> dict[int, PeerDay]:
    """Each peer's newest day up to ``on_or_before``: one query, newest wins."""
    window = (on_or_before - timedelta(days=7), on_or_before)  # a week's gap still counts
    days = PeerDay.objects.filter(peer__in=peers, day__range=window).order_by("peer_id", "day")
    return {d.peer_id: d for d in days}


def _row(peer: Peer, day: PeerDay | None, before: PeerDay | None) -> Row:
    followers = day.followers if day else None
    per_post = day.interactions_per_post if day else None
    rate = per_post / followers * 100 if per_post is not None and followers else None
    growth = None
    if day and before and before.day < day.day and before.followers and followers is not None:
        growth = (followers - before.followers) / before.followers * 100
    weekly = day.posts_last_30_days * 7 / 30 if day and day.posts_last_30_days is not None else None
    return Row(peer, day, followers, per_post, rate, growth, weekly)


def _value(row: Row, by: str) -> float | None:
    return {
        "engagement": row.engagement_rate,
        "interactions": row.interactions_per_post,
        "growth": row.growth,
        "frequency": row.posts_per_week,
        "followers": row.followers,
    }[by]


def _sort_key(row: Row, by: str) -> tuple:
    value = _value(row, by)
    return (value is None, -(value or 0), str(row.peer).lower())
