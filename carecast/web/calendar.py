"""The calendar's days: which dates a week or month view shows, and their bounds in time.

Days are the organisation's days: a week starts on Monday at 00:00 in its zone,
whatever UTC says (and a day with a clock change has 23 or 25 hours).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo


@dataclass
class StoryCard:
    """One story's posts on one day: one card, however many channels it goes to."""

    story: object
    publications: list = field(default_factory=list)

    @property
    def first(self):
        return self.publications[0]

    @property
    def last(self):
        return self.publications[-1]

    @property
    def is_automatic(self) -> bool:
        return any(getattr(p, "is_automatic", False) for p in self.publications)

    @property
    def states(self) -> list[tuple[str, str, int]]:
        """(state, its words, how many posts), in the order they first appear."""
        counts: dict[str, list] = {}
        for publication in self.publications:
            entry = counts.setdefault(publication.state, [publication.get_state_display(), 0])
            entry[1] += 1
        return [(state, label, n) for state, (label, n) in counts.items()]

    @property
    def networks(self) -> list[dict]:
        """One small label per network (with how many channels), not one per channel."""
        found: dict[str, dict] = {}
        for publication in self.publications:
            channel = publication.channel
            entry = found.setdefault(
                channel.network,
                {"network": channel.network, "label": channel.rules.label, "names": []},
            )
            entry["names"].append(channel.name)
            if publication.state in ("failed", "unconfirmed"):
                entry["trouble"] = True
        return list(found.values())

    @property
    def border_state(self) -> str:
        """The state that needs attention first colours the card's edge."""
        states = {p.state for p in self.publications}
        return next((s for s in ATTENTION if s in states), self.first.state)


# Which state colours a story's card when its posts differ: trouble first.
ATTENTION = ("failed", "unconfirmed", "publishing", "scheduled", "draft", "published", "cancelled")


@dataclass
class Day:
    date: dt.date
    is_today: bool = False
    in_month: bool = True
    publications: list = field(default_factory=list)
    limit_warnings: list = field(default_factory=list)  # live daily limits the plan crosses

    @property
    def stories(self) -> list[StoryCard]:
        """The day's posts grouped per story, in the order of each story's first post."""
        cards: dict[int, StoryCard] = {}
        for publication in self.publications:
            story = publication.variant.story
            cards.setdefault(story.pk, StoryCard(story)).publications.append(publication)
        return list(cards.values())


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
