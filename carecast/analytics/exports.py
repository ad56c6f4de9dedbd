"""CSV and XLSX downloads of every analytics table, as the pages count them.

Spreadsheets get plain values: dates as dates, missing metrics as empty cells (never 0).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook

from carecast.analytics import models as m
from carecast.core.models import Organisation


@dataclass(frozen=True)
class Table:
    rows: Callable[[Organisation], QuerySet]
    columns: tuple[tuple[str, str], ...]  # (header, attribute path with "__")


def _local(value: Any) -> Any:
    if hasattr(value, "tzinfo") and value.tzinfo is not None:
        # Spreadsheets know no time zones: local time of the organisation, written naive.
        return timezone.localtime(value).replace(tzinfo=None)
    return value


def _value(obj: Any, path: str) -> Any:
    for part in path.split("__"):
        obj = getattr(obj, part, None) if obj is not None else None
    return _local(obj)


METRIC_COLUMNS = tuple((name, name) for name in m.METRICS)
TABLES: dict[str, Table] = {
    "posts": Table(
        lambda org: m.Post.objects.filter(organisation=org).select_related("channel", "campaign"),
        (
            ("published_at", "published_at"),
            ("channel", "channel__name"),
            ("network", "channel__network"),
            ("campaign", "campaign__name"),
            ("format", "format"),
            ("url", "url"),
            ("imported", "imported"),
        )
        + tuple((name, f"latest_{name}") for name in m.METRICS),
    ),  # fmt: skip
    "snapshots": Table(
        lambda org: m.MetricSnapshot.objects.filter(post__organisation=org).select_related(
            "post__channel"
        ),
        (("post", "post__remote_id"), ("channel", "post__channel__name"), ("taken_at", "taken_at"))
        + METRIC_COLUMNS,
    ),
    "followers": Table(
        lambda org: m.FollowerCount.objects.filter(channel__organisation=org).select_related(
            "channel"
        ),
        (("channel", "channel__name"), ("taken_at", "taken_at"), ("followers", "followers")),
    ),
    "channel-days": Table(
        lambda org: m.ChannelDay.objects.filter(channel__organisation=org).select_related(
            "channel"
        ),
        (("day", "day"), ("channel", "channel__name"), ("posts", "posts"))
        + METRIC_COLUMNS
        + (
            ("tracked_clicks", "tracked_clicks"),
            ("applications", "applications"),
            ("visits", "visits"),
            ("followers", "followers"),
        ),
    ),  # fmt: skip
    "campaign-days": Table(
        lambda org: m.CampaignDay.objects.filter(campaign__organisation=org).select_related(
            "campaign", "channel"
        ),
        (
            ("day", "day"),
            ("campaign", "campaign__name"),
            ("channel", "channel__name"),
            ("posts", "posts"),
        )
        + METRIC_COLUMNS
        + (("tracked_clicks", "tracked_clicks"), ("applications", "applications")),
    ),  # fmt: skip
    "links": Table(
        lambda org: m.LinkClickDay.objects.filter(link__organisation=org).select_related("link"),
        (
            ("day", "day"),
            ("code", "link__code"),
            ("target", "link__target_url"),
            ("network", "network"),
            ("utm_campaign", "link__utm_campaign"),
            ("clicks", "clicks"),
        ),
    ),  # fmt: skip
    "applications": Table(
        lambda org: m.JobApplication.objects.filter(organisation=org).select_related(
            "department", "channel", "campaign"
        ),
        (
            ("reference", "external_id"),
            ("received_at", "received_at"),
            ("job", "job_title"),
            ("department", "department__name"),
            ("utm_source", "utm_source"),
            ("utm_medium", "utm_medium"),
            ("utm_campaign", "utm_campaign"),
            ("network", "network"),
            ("channel", "channel__name"),
            ("campaign", "campaign__name"),
            ("source", "source"),
        ),
    ),  # fmt: skip
    "visits": Table(
        lambda org: m.WebsiteVisitDay.objects.filter(organisation=org).select_related("campaign"),
        (
            ("day", "day"),
            ("kind", "kind"),
            ("label", "label"),
            ("network", "network"),
            ("campaign", "campaign__name"),
            ("visits", "visits"),
            ("actions", "actions"),
            ("source", "source"),
        ),
    ),  # fmt: skip
}


# What each download holds, for the settings page.
LABELS = {
    "posts": _("Posts with their latest numbers"),
    "snapshots": _("Every reading of a post's numbers"),
    "followers": _("Followers over time"),
    "channel-days": _("Channels per day"),
    "campaign-days": _("Campaigns per channel and day"),
    "links": _("Link clicks per day and network"),
    "applications": _("Job applications"),
    "visits": _("Website visits from social media"),
}
assert set(LABELS) == set(TABLES)


def rows(table: Table, organisation: Organisation) -> Iterable[list[Any]]:
    for obj in table.rows(organisation).iterator(chunk_size=2000):
        yield [_value(obj, path) for _header, path in table.columns]


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_cell(value: Any) -> Any:
    # A cell starting with = + - @ would run as a formula in a spreadsheet (CSV injection).
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return "" if value is None else value


def response(
    organisation: Organisation, name: str, fmt: str
) -> HttpResponse | StreamingHttpResponse:
    table = TABLES[name]
    filename = f"carecast-{name}-{timezone.localdate().isoformat()}.{fmt}"
    headers = [header for header, _path in table.columns]
    if fmt == "csv":
        writer = csv.writer(_Echo())
        lines = (
            writer.writerow([_csv_cell(v) for v in row])
            for row in _with_header(headers, rows(table, organisation))
        )
        streamed = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
        streamed["Content-Disposition"] = f'attachment; filename="{filename}"'
        return streamed
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=name[:31])
    for row in _with_header(headers, rows(table, organisation)):
        sheet.append([_csv_cell(v) if isinstance(v, str) else v for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    done = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    done["Content-Disposition"] = f'attachment; filename="{filename}"'
    return done


def _with_header(headers: list[str], body: Iterable[list[Any]]) -> Iterable[list[Any]]:
    yield headers
    yield from body
