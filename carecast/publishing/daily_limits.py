"""Daily publishing limits the networks report live, and plans that would cross them.

Instagram (``content_publishing_limit``) and Threads (``threads_publishing_limit``) allow a
number of posts per rolling 24 hours and say how many are used. Their connectors read it
(``publishing_limit()``); here it is cached per channel for a few minutes, so the composer
and the calendar can warn on every page without asking Meta each time, and a network that
does not answer costs one short wait per minute at most, never the page. What carecast
published on the channel since the read is added to the cached count.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.core.cache import cache
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from carecast.networks.base import ConnectorError
from carecast.networks.models import Channel, ChannelStatus
from carecast.publishing.models import Publication, State

CACHE_SECONDS = 600  # the counter moves with each post; ten minutes is close enough to plan
UNKNOWN_SECONDS = 60  # after a failed read, ask again soon but not on every keystroke
READ_TIMEOUT = 5.0  # seconds; a page must not hang on Meta
PLANNED = (State.SCHEDULED, State.PUBLISHING)
_UNKNOWN = "unknown"


@dataclass(frozen=True)
class LiveLimit:
    used: int  # posts in the last 24 hours
    total: int  # allowed per 24 hours


@dataclass(frozen=True)
class LimitWarning:
    channel: Channel
    day: dt.date
    planned: int
    limit: LiveLimit
    today: bool

    @property
    def short(self) -> str:
        """For a month cell: the channel, what is planned, what is allowed."""
        values = {"channel": self.channel.name, "count": self.planned, "total": self.limit.total}
        if self.today:
            values["total"] = max(self.limit.total - self.limit.used, 0)
        return _("%(channel)s: %(count)d planned, %(total)d allowed") % values

    @property
    def message(self) -> str:
        values = {
            "channel": self.channel.name,
            "network": self.channel.rules.label,
            "count": self.planned,
            "day": formats.date_format(self.day, "SHORT_DATE_FORMAT"),
            "total": self.limit.total,
            "used": self.limit.used,
        }
        if self.today:
            return (
                ngettext(
                    "%(channel)s: %(count)d more post planned today, but %(network)s has "
                    "counted %(used)d of %(total)d posts in the last 24 hours.",
                    "%(channel)s: %(count)d more posts planned today, but %(network)s has "
                    "counted %(used)d of %(total)d posts in the last 24 hours.",
                    self.planned,
                )
                % values
            )
        return (
            ngettext(
                "%(channel)s: %(count)d post planned on %(day)s, but %(network)s allows "
                "%(total)d posts in 24 hours.",
                "%(channel)s: %(count)d posts planned on %(day)s, but %(network)s allows "
                "%(total)d posts in 24 hours.",
                self.planned,
            )
            % values
        )


def reports_limit(channel: Channel) -> bool:
    try:
        return hasattr(channel.rules.connector_type(), "publishing_limit")
    except (ConnectorError, KeyError, ImportError):
        return False


def _key(channel: Channel) -> str:
    return f"carecast:publishing-limit:{channel.pk}:{channel.remote_user_id}"


def live_limit(channel: Channel) -> LiveLimit | None:
    """The channel's limit as the network reports it (cached); None when it has none or
    did not answer, or the channel is paused (its token may be dead)."""
    if channel.status != ChannelStatus.ACTIVE or not reports_limit(channel):
        return None
    cached = cache.get(_key(channel))
    if cached == _UNKNOWN:
        return None
    if cached is not None:
        used, total, read_at = cached
        return LiveLimit(used + _published_since(channel, read_at), total)
    connector = channel.rules.connector_type()(channel.account(), timeout=READ_TIMEOUT)  # type: ignore[call-arg]
    try:
        used, total = connector.publishing_limit()  # type: ignore[attr-defined]
    except ConnectorError:
        cache.set(_key(channel), _UNKNOWN, UNKNOWN_SECONDS)
        return None
    finally:
        connector.close()
    if total <= 0:
        cache.set(_key(channel), _UNKNOWN, UNKNOWN_SECONDS)
        return None
    cache.set(_key(channel), (used, total, timezone.now()), CACHE_SECONDS)
    return LiveLimit(used, total)


def _published_since(channel: Channel, moment: dt.datetime) -> int:
    """Our own posts on the channel since the counter was read: the network counts them
    already, the cached counter not yet."""
    return Publication.objects.filter(
        channel=channel, state=State.PUBLISHED, published_at__gt=moment
    ).count()


def forget(channel: Channel) -> None:
    """Drop the cached counter (the next read asks the network)."""
    cache.delete(_key(channel))


def _check(channel: Channel, day: dt.date, planned: int) -> LimitWarning | None:
    limit = live_limit(channel)
    if limit is None:
        return None
    today = day == timezone.localdate()
    room = limit.total - limit.used if today else limit.total
    if planned <= room:
        return None
    return LimitWarning(channel, day, planned, limit, today)


def _day_bounds(day: dt.date, zone: str) -> tuple[dt.datetime, dt.datetime]:
    tz = ZoneInfo(zone)
    start = dt.datetime.combine(day, dt.time.min, tzinfo=tz)
    return start, dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=tz)


def plan_warnings(
    channels: Iterable[Channel], day: dt.date, zone: str, *, story_id: int | None = None
) -> list[LimitWarning]:
    """Composer: would one more post on ``day`` (besides what this story already planned)
    cross a channel's live limit? A day in the past, or today before now, counts from now."""
    start, end = _day_bounds(day, zone)
    start = max(start, timezone.now())
    warnings = []
    for channel in channels:
        if not reports_limit(channel):
            continue
        others = Publication.objects.filter(
            channel=channel, state__in=PLANNED, due_at__gte=start, due_at__lt=end
        )
        if story_id is not None:
            others = others.exclude(variant__story_id=story_id)
        warning = _check(channel, day, others.count() + 1)
        if warning is not None:
            warnings.append(warning)
    return warnings


def day_warnings(day: dt.date, publications: Iterable[Publication]) -> list[LimitWarning]:
    """Calendar: the channels whose plan for ``day`` already crosses their live limit.
    Only what is still to go counts; what went out today is in the network's own counter."""
    now = timezone.now()
    counts: dict[int, tuple[Channel, int]] = {}
    for publication in publications:
        if publication.state in PLANNED and publication.due_at and publication.due_at >= now:
            channel, count = counts.get(publication.channel_id, (publication.channel, 0))
            counts[publication.channel_id] = (channel, count + 1)
    warnings = []
    for channel, count in counts.values():
        warning = _check(channel, day, count)
        if warning is not None:
            warnings.append(warning)
    return warnings
