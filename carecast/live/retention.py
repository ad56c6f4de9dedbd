"""How long questions are kept: the question page promises deletion after the consultation.

Questions (and their upvotes) go ``CARECAST_LIVE_KEEP_DAYS`` days after the session
ended (30 by default): long enough for the recap and the CSV, no longer. The recap
story keeps only what the moderator wrote for the public.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

from carecast.live.models import Question


def keep_days() -> int:
    return int(getattr(settings, "CARECAST_LIVE_KEEP_DAYS", 30))


def purge(now: dt.datetime | None = None) -> int:
    cutoff = (now or timezone.now()) - dt.timedelta(days=keep_days())
    deleted, _ = Question.objects.filter(session__ends_at__lt=cutoff).delete()
    return deleted
