"""Whether a planned moment falls inside a channel's posting windows.

Windows are ``[{"days": [0..6], "start": "07:00", "end": "21:00"}]`` in the channel's own
time zone (Monday = 0). A channel without windows posts at any time. Used to warn in the
composer before planning; automation keeps its own planner (``automation.slots``).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

from carecast.networks.models import Channel


def _time(value) -> dt.time | None:
    try:
        return dt.time.fromisoformat(str(value))
    except ValueError:
        return None


def windows_on(channel: Channel, day: int) -> list[tuple[dt.time, dt.time]]:
    """The (start, end) pairs of the channel's windows on weekday ``day``; malformed ones skipped."""
    found = []
    for raw in channel.posting_windows or []:
        if not isinstance(raw, dict) or day not in (raw.get("days") or []):
            continue
        start, end = _time(raw.get("start")), _time(raw.get("end"))
        if start is not None and end is not None:
            found.append((start, end))
    return sorted(found)


def outside_warning(channel: Channel, instant: dt.datetime) -> str | None:
    """A German-first sentence when ``instant`` is outside the channel's windows, else None."""
    if not channel.posting_windows:
        return None
    local = instant.astimezone(ZoneInfo(channel.timezone))
    windows = windows_on(channel, local.weekday())
    moment = local.time().replace(second=0, microsecond=0)
    if any(start <= moment < end for start, end in windows):
        return None
    when = local.strftime("%H:%M")
    if not windows:
        return _("%(channel)s: %(time)s is on a day without posting times for this channel.") % {
            "channel": channel.name,
            "time": when,
        }
    spans = ", ".join(f"{s:%H:%M}–{e:%H:%M}" for s, e in windows)
    return _("%(channel)s: %(time)s is outside the channel's posting times (%(spans)s).") % {
        "channel": channel.name,
        "time": when,
        "spans": spans,
    }
