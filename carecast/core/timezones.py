"""Turning the wall-clock times people type into aware UTC instants, explicitly.

Europe/Berlin skips 02:00–03:00 on the last Sunday of March and repeats it on
the last Sunday of October. A post scheduled into those hours must not silently
move by an hour or run twice, so we resolve it here and tell the caller.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class ResolvedTime:
    instant: dt.datetime  # aware, UTC
    note: str = ""  # "" | "nonexistent" | "ambiguous"


def resolve_local(naive: dt.datetime, zone_name: str) -> ResolvedTime:
    """Resolve a naive wall-clock time in ``zone_name`` to one UTC instant.

    - A time that does not exist (clocks jump forward) moves forward by the gap,
      e.g. 02:30 → 03:30 CEST; note ``"nonexistent"``.
    - A time that happens twice (clocks go back) takes the first occurrence
      (summer time), so the post is never late; note ``"ambiguous"``.
    """
    if naive.tzinfo is not None:
        raise ValueError("resolve_local takes a naive wall-clock time")
    zone = ZoneInfo(zone_name)
    first = naive.replace(tzinfo=zone, fold=0)
    second = naive.replace(tzinfo=zone, fold=1)
    utc = dt.UTC
    if first.utcoffset() == second.utcoffset():
        return ResolvedTime(first.astimezone(utc))
    # Round-trip tells a gap from an overlap: in a gap the wall time does not survive.
    roundtrip = first.astimezone(utc).astimezone(zone).replace(tzinfo=None)
    if roundtrip != naive:
        # fold=0 uses the offset before the transition, which lands after the gap.
        return ResolvedTime(first.astimezone(utc), "nonexistent")
    return ResolvedTime(first.astimezone(utc), "ambiguous")


# The zones offered on the setup page: where German-speaking hospitals are, then the rest of
# Europe's. Any other IANA name is accepted from the shell (``carecast createlead``).
COMMON_ZONES = [
    "Europe/Berlin",
    "Europe/Vienna",
    "Europe/Zurich",
    "Europe/Luxembourg",
    "Europe/Brussels",
    "Europe/Amsterdam",
    "Europe/Paris",
    "Europe/Rome",
    "Europe/Madrid",
    "Europe/Warsaw",
    "Europe/Prague",
    "Europe/Copenhagen",
    "Europe/Stockholm",
    "Europe/London",
    "Europe/Dublin",
    "Europe/Lisbon",
    "Europe/Helsinki",
    "Europe/Athens",
    "UTC",
]


def is_known_zone(name: str) -> bool:
    """An IANA zone name this machine knows."""
    import zoneinfo

    return bool(name) and name in zoneinfo.available_timezones()
