"""When may an automatic post go out on a channel: posting windows, a daily cap, spacing.

Windows are wall-clock times in the channel's zone (``[{"days": [0..6], "start": "07:00",
"end": "20:00"}]``, Monday 0); no windows means any time. Spacing counts every post of
the channel (made by hand or by a rule), the daily cap only the automatic ones.
"""

from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ValidationError, field_validator

from carecast.automation.models import AutoPost, ChannelAutomation
from carecast.networks.models import Channel
from carecast.publishing.models import Publication, State

HORIZON_DAYS = 14


class Window(BaseModel):
    days: list[int]
    start: dt.time
    end: dt.time

    @field_validator("days")
    @classmethod
    def _weekdays(cls, value: list[int]) -> list[int]:
        return [d for d in value if 0 <= d <= 6]


def windows_of(channel: Channel) -> list[Window]:
    """The channel's windows; a malformed one is ignored rather than blocking every post."""
    windows = []
    for raw in channel.posting_windows or []:
        try:
            windows.append(Window.model_validate(raw))
        except ValidationError:
            continue
    return windows


def settings_of(channel: Channel) -> ChannelAutomation:
    try:
        return channel.automation
    except ChannelAutomation.DoesNotExist:
        return ChannelAutomation(channel=channel)


@dataclass
class Planner:
    """Finds free moments on one channel, remembering what it already handed out this run."""

    channel: Channel
    caps: ChannelAutomation
    windows: list[Window]
    busy: list[dt.datetime] = field(default_factory=list)  # due times of all live posts, sorted
    auto_per_day: dict[dt.date, int] = field(default_factory=dict)

    @classmethod
    def for_channel(cls, channel: Channel, now: dt.datetime) -> Planner:
        """Load only what the limits need: nothing at all for a channel without caps."""
        planner = cls(channel, settings_of(channel), windows_of(channel))
        if planner.caps.min_spacing_minutes:
            since = now - planner.spacing
            live = Publication.objects.filter(channel=channel, due_at__gte=since).exclude(
                state__in=[State.CANCELLED, State.FAILED]
            )
            planner.busy = sorted(live.values_list("due_at", flat=True))
        if planner.caps.max_per_day:
            since = now - dt.timedelta(days=1)
            auto = AutoPost.objects.filter(channel=channel, due_at__gte=since).exclude(
                status=AutoPost.Status.SKIPPED
            )
            for due in auto.values_list("due_at", flat=True):
                day = planner.local_date(due)
                planner.auto_per_day[day] = planner.auto_per_day.get(day, 0) + 1
        return planner

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.channel.timezone)

    def local_date(self, moment: dt.datetime) -> dt.date:
        return moment.astimezone(self.zone).date()

    def in_window(self, moment: dt.datetime) -> bool:
        if not self.windows:
            return True
        local = moment.astimezone(self.zone)
        return any(_contains(w, local) for w in self.windows)

    def next_slot(self, earliest: dt.datetime, *, windows: bool = True) -> dt.datetime | None:
        """The first moment at or after ``earliest`` that respects windows, cap and spacing."""
        moment = earliest
        limit = earliest + dt.timedelta(days=HORIZON_DAYS)
        while moment < limit:
            if windows and not self.in_window(moment):
                moment = self._next_window_start(moment)
                continue
            if self.day_full(moment):
                moment = self._next_day(moment)
                continue
            clash = self._clash(moment)
            if clash is None:
                return moment
            moment = clash + self.spacing
        return None

    def take(self, moment: dt.datetime) -> None:
        bisect.insort(self.busy, moment)
        day = self.local_date(moment)
        self.auto_per_day[day] = self.auto_per_day.get(day, 0) + 1

    @property
    def spacing(self) -> dt.timedelta:
        return dt.timedelta(minutes=self.caps.min_spacing_minutes)

    def day_full(self, moment: dt.datetime) -> bool:
        cap = self.caps.max_per_day
        return bool(cap) and self.auto_per_day.get(self.local_date(moment), 0) >= cap

    def _clash(self, moment: dt.datetime) -> dt.datetime | None:
        """The latest busy time closer than the spacing to ``moment``, if any."""
        if not self.caps.min_spacing_minutes:
            return None
        low = bisect.bisect_right(self.busy, moment - self.spacing)
        high = bisect.bisect_left(self.busy, moment + self.spacing)
        return self.busy[high - 1] if high > low else None

    def _next_day(self, moment: dt.datetime) -> dt.datetime:
        day = self.local_date(moment) + dt.timedelta(days=1)
        return dt.datetime.combine(day, dt.time(0), tzinfo=self.zone).astimezone(dt.UTC)

    def _next_window_start(self, moment: dt.datetime) -> dt.datetime:
        local = moment.astimezone(self.zone)
        starts = []
        for offset in range(8):
            day = local.date() + dt.timedelta(days=offset)
            for window in self.windows:
                if day.weekday() in window.days:
                    start = dt.datetime.combine(day, window.start, tzinfo=self.zone)
                    if start > local:
                        starts.append(start)
        return (
            min(starts).astimezone(dt.UTC) if starts else moment + dt.timedelta(days=HORIZON_DAYS)
        )


def _contains(window: Window, local: dt.datetime) -> bool:
    return local.weekday() in window.days and window.start <= local.time() < window.end
