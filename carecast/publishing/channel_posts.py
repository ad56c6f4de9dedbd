"""What happens to a channel's planned posts when it is archived (the team decides)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from carecast.core import audit
from carecast.networks.models import Channel, ChannelStatus
from carecast.publishing.models import Publication, State

# What archiving does with scheduled posts: back to drafts (to move them elsewhere) or cancel.
TO_DRAFT, CANCEL = "draft", "cancel"


def scheduled_count(channel: Channel) -> int:
    return Publication.objects.filter(channel=channel, state=State.SCHEDULED).count()


def archive_channel(channel: Channel, scheduled: str, actor=None) -> int:
    """Archive the channel; its scheduled posts become drafts or are cancelled.

    Posts already being sent finish as they are. Returns how many posts were moved.
    """
    if scheduled not in (TO_DRAFT, CANCEL):
        raise ValueError(f"scheduled must be {TO_DRAFT!r} or {CANCEL!r}, not {scheduled!r}")
    target = State.DRAFT if scheduled == TO_DRAFT else State.CANCELLED
    now = timezone.now()
    with transaction.atomic():
        # One transaction: a worker's claim came first (that post finishes) or finds none.
        Channel.objects.filter(pk=channel.pk).update(status=ChannelStatus.ARCHIVED, archived_at=now)
        moved = Publication.objects.filter(channel=channel, state=State.SCHEDULED).update(
            state=target, updated_at=now
        )
    channel.status, channel.archived_at = ChannelStatus.ARCHIVED, now
    audit.record(
        channel.organisation,
        "channel.archived",
        channel.name,
        actor=actor,
        scheduled=scheduled,
        moved=moved,
    )
    return moved
