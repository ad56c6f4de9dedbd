"""For our own channels: how fast and how often the team answers comments (from the inbox)."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Min, Q

from carecast.inbox.models import InboxItem, ReplyState


@dataclass(frozen=True)
class Responsiveness:
    comments: int
    answered: int
    median_first_response: timedelta | None

    @property
    def answered_share(self) -> float | None:
        return self.answered / self.comments if self.comments else None


def responsiveness(channel_ids: list[int], since: datetime) -> dict[int, Responsiveness]:
    """Per channel: comments received since ``since``, how many got a sent reply, and the
    median time from a comment to its first sent reply (the comment's own time on the network)."""
    rows = (
        InboxItem.objects.filter(channel_id__in=channel_ids, received_at__gte=since)
        .annotate(first_reply=Min("replies__sent_at", filter=Q(replies__state=ReplyState.SENT)))
        .values_list("channel_id", "received_at", "first_reply")
    )
    waits: dict[int, list[timedelta]] = {c: [] for c in channel_ids}
    counts: dict[int, int] = dict.fromkeys(channel_ids, 0)
    for channel_id, received, first in rows:
        counts[channel_id] += 1
        if first is not None:
            waits[channel_id].append(max(first - received, timedelta(0)))
    return {c: Responsiveness(counts[c], len(waits[c]), _median(waits[c])) for c in channel_ids}


def _median(waits: list[timedelta]) -> timedelta | None:
    if not waits:
        return None
    return timedelta(seconds=statistics.median(w.total_seconds() for w in waits))
