"""The calendar's days: which dates a week or month view shows, and their bounds in time.

Days are the organisation's days: a week starts on Monday at 00:00 in its zone,
whatever UTC says (and a day with a clock change has 23 or 25 hours).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo


@dataclass
class Day:
    date: dt.date
    is_today: bool = False
    in_month: bool = True
    publications: list = field(default_factory=list)
    limit_warnings: list = field(default_factory=list)  # live daily limits the plan crosses


@dataclass
class Period:
    view: str  # "week" | "month"
    anchor: dt.date
    days: list[Day]
    previous: dt.date
    next: dt.date

    @property
    def weeks(self) -> list[list[Day]]:
        return [self.days[i : i + 7] for i in range(0, len(self.days), 7)]

    def bounds(self, zone: str) -> tuple[dt.datetime, dt.datetime]:
        """[start, end) as aware datetimes: midnight of the first day to midnight after the last."""
        tz = ZoneInfo(zone)
        start = dt.datetime.combine(self.days[0].date, dt.time.min, tzinfo=tz)
        end = dt.datetime.combine(self.days[-1].date + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
        return start, end

    def place(self, publications, zone: str) -> None:
        """Put each publication on its day (in the organisation's zone), in time order."""
        tz = ZoneInfo(zone)
        by_date = {day.date: day for day in self.days}
        for publication in sorted(publications, key=lambda p: (p.due_at, p.pk)):
            day = by_date.get(publication.due_at.astimezone(tz).date())
            if day is not None:
                day.publications.append(publication)


def week(anchor: dt.date, today: dt.date) -> Period:
    monday = anchor - dt.timedelta(days=anchor.weekday())
    days = [Day(d, is_today=d == today) for d in (monday + dt.timedelta(days=i) for i in range(7))]
    return Period(
        "week", anchor, days, monday - dt.timedelta(days=7), monday + dt.timedelta(days=7)
    )


def month(anchor: dt.date, today: dt.date) -> Period:
    first = anchor.replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    start = first - dt.timedelta(days=first.weekday())
    end = following + dt.timedelta(days=(7 - following.weekday()) % 7)
    days = [
        Day(d, is_today=d == today, in_month=d.month == first.month)
        for d in (start + dt.timedelta(days=i) for i in range((end - start).days))
    ]
    previous = (first - dt.timedelta(days=1)).replace(day=1)
    return Period("month", anchor, days, previous, following)
