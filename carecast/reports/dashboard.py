"""What the dashboard and the report show: headline figures against earlier months, and the
charts, built from ``figures`` in one place so the web page and the PDF never disagree."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.cache import cache
from django.utils.formats import date_format
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _

from carecast.analytics.models import PostFormat
from carecast.reports import charts, figures
from carecast.reports.figures import Month

CACHE_SECONDS = 300  # the rollups change a few times an hour at most


@dataclass
class Kpi:
    key: str
    label: str
    value: int | None
    previous: int | None
    last_year: int | None

    @staticmethod
    def _change(now: int | None, before: int | None) -> float | None:
        if now is None or not before:
            return None
        return (now - before) / before * 100

    @property
    def vs_previous(self) -> float | None:
        return self._change(self.value, self.previous)

    @property
    def vs_last_year(self) -> float | None:
        return self._change(self.value, self.last_year)


def labels() -> dict[str, str]:
    return {
        "posts": _("Posts"),
        "views": _("Reach (views)"),
        "engagement": _("Interactions"),
        "clicks": _("Link clicks"),
        "applications": _("Applications"),
        "visits": _("Website visits from social media"),
        "followers": _("Followers"),
    }


def headline(organisation, channel_ids, month: Month) -> list[Kpi]:
    now = figures.totals(organisation, channel_ids, month.first, month.end)
    before = figures.totals(organisation, channel_ids, month.plus(-1).first, month.first)
    year_ago = figures.totals(
        organisation, channel_ids, month.plus(-12).first, month.plus(-11).first
    )
    return [Kpi(k, label, now[k], before[k], year_ago[k]) for k, label in labels().items()]


def weekday_names() -> list[str]:
    return [
        pgettext("weekday", "Mon"),
        pgettext("weekday", "Tue"),
        pgettext("weekday", "Wed"),
        pgettext("weekday", "Thu"),
        pgettext("weekday", "Fri"),
        pgettext("weekday", "Sat"),
        pgettext("weekday", "Sun"),
    ]


def _numbers(organisation, channel_ids, start: dt.date, end: dt.date) -> dict:
    """The queries, cached per organisation, scope and period (and language-free)."""
    scope = "all" if channel_ids is None else ",".join(map(str, sorted(channel_ids)))
    key = f"reports:numbers:{organisation.pk}:{scope}:{start}:{end}"
    found = cache.get(key)
    if found is None:
        found = {
            "weeks": figures.over_time(organisation, channel_ids, start, end),
            "formats": figures.compared(organisation, channel_ids, start, end, "format"),
            "departments": figures.compared(
                organisation, channel_ids, start, end, "department__name"
            ),
            "times": figures.best_times(organisation, channel_ids, start, end),
            "top": figures.top_posts(organisation, channel_ids, start, end),
        }
        cache.set(key, found, CACHE_SECONDS)
    return found


def build(organisation, channel_ids, start: dt.date, end: dt.date) -> dict:
    """Charts and top posts for [start, end)."""
    numbers = _numbers(organisation, channel_ids, start, end)
    weeks = numbers["weeks"]
    period = _("%(start)s to %(end)s") % {
        "start": date_format(start, "SHORT_DATE_FORMAT"),
        "end": date_format(end - dt.timedelta(days=1), "SHORT_DATE_FORMAT"),
    }
    reach = charts.line_chart(
        _("Reach and interactions per week"),
        _(
            "Views and interactions (likes, comments, shares, saves) of the posts published each week, %(period)s."
        )
        % {"period": period},
        [date_format(w["week"], "d.m." if get_language() == "de" else "m/d") for w in weeks],
        {
            labels()["views"]: [w["views"] for w in weeks],
            labels()["engagement"]: [w["engagement"] for w in weeks],
        },
    )
    format_names = dict(PostFormat.choices)
    formats = charts.bar_chart(
        _("Interactions per post by format"),
        _("Average interactions per post for video, image and text posts, %(period)s.")
        % {"period": period},
        [
            (str(format_names.get(r["format"], r["format"])), r["engagement"])
            for r in numbers["formats"]
        ],
        decimals=1,
    )
    departments = charts.bar_chart(
        _("Interactions per post by department"),
        _("Average interactions per post of each department's posts, %(period)s.")
        % {"period": period},
        sorted(
            [
                (r["department__name"] or _("No department"), r["engagement"])
                for r in numbers["departments"]
            ],
            key=lambda pair: -(pair[1] or 0),
        ),
        decimals=1,
    )
    times = charts.heatmap(
        _("Best time to post"),
        _(
            "Average interactions per post by weekday and hour of publishing (%(zone)s), %(period)s. Darker is better; empty: no posts then."
        )
        % {"zone": organisation.timezone, "period": period},
        weekday_names(),
        numbers["times"],
    )
    return {
        "reach_chart": reach,
        "formats_chart": formats,
        "departments_chart": departments,
        "times_chart": times,
        "format_rows": numbers["formats"],
        "top_posts": numbers["top"],
        "best_slot": _best_slot(numbers["times"]),
    }


def _best_slot(grid: list[list[float | None]]) -> str:
    cells = [(v, d, h) for d, row in enumerate(grid) for h, v in enumerate(row) if v is not None]
    if not cells:
        return ""
    _value, day, hour = max(cells)
    return _("%(day)s, %(hour)02d–%(next)02d h") % {
        "day": weekday_names()[day],
        "hour": hour,
        "next": (hour + 1) % 24,
    }
