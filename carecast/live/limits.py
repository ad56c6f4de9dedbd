"""How much a visitor may send: lengths, rate limits, flood protection.

Counted in the database (the questions themselves), so the limits hold across
several server processes without a shared cache. Each limit can be changed in
settings (``CARECAST_LIVE_<NAME>``), which the tests use.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

DEFAULTS = {
    "MIN_LENGTH": 8,
    "MAX_LENGTH": 500,
    "NICKNAME_LENGTH": 40,
    # One visitor (cookie): a few questions a minute, a dozen per session.
    "PER_CLIENT_PER_MINUTE": 3,
    "PER_CLIENT_PER_SESSION": 12,
    # One address (a hospital's Wi-Fi is one address for many people): more generous.
    "PER_ORIGIN_PER_MINUTE": 20,
    # Votes from one address (a ward's Wi-Fi is one address for many people): per question,
    # and per minute over the whole session. A dropped cookie does not reset these.
    "VOTES_PER_ORIGIN_PER_QUESTION": 25,
    "VOTES_PER_ORIGIN_PER_MINUTE": 60,
    # The whole session: beyond this the page asks everyone to wait a moment.
    "PER_SESSION_PER_MINUTE": 120,
}


def limit(name: str) -> int:
    return int(getattr(settings, f"CARECAST_LIVE_{name}", DEFAULTS[name]))


def minute_ago() -> dt.datetime:
    return timezone.now() - dt.timedelta(minutes=1)
