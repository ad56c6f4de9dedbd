"""The gap filler: when a channel has been quiet too long inside its posting window, post.

First come items a rule queued as "gap filler only" (oldest first), then the channel's
evergreen queue: evergreen stories with a post on that channel, the one published longest
ago first, never one published there within ``evergreen_repeat_days``.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from carecast.automation.models import AutoPost, ChannelAutomation
from carecast.automation.slots import Planner
from carecast.networks.models import Channel, ChannelStatus
from carecast.publishing.models import Publication, State
from carecast.publishing.services import PublishingError, schedule
from carecast.stories.models import Variant

LIVE = [State.SCHEDULED, State.PUBLISHING, State.PUBLISHED, State.UNCONFIRMED]


def fill_gaps(now: dt.datetime | None = None) -> list[AutoPost]:
    now = now or timezone.now()
    settings = ChannelAutomation.objects.filter(
        gap_hours__gt=0, channel__status=ChannelStatus.ACTIVE
    ).select_related("channel")
    filled = [fill_gap(s.channel, now) for s in settings]
    return [post for post in filled if post is not None]


def is_quiet(channel: Channel, hours: int, now: dt.datetime) -> bool:
    """No post in the last ``hours`` and none due within the next hour."""
    latest = Publication.objects.filter(
        channel=channel, state__in=LIVE, due_at__lte=now + dt.timedelta(hours=1)
    ).aggregate(latest=Max("due_at"))["latest"]
    return latest is None or latest <= now - dt.timedelta(hours=hours)


def fill_gap(channel: Channel, now: dt.datetime) -> AutoPost | None:
    planner = Planner.for_channel(channel, now)
    if not planner.in_window(now) or planner.day_full(now):
        return None
    if not is_quiet(channel, planner.caps.gap_hours, now):
        return None
    return _from_queue(channel, now) or _from_evergreen(channel, planner, now)


def _from_queue(channel: Channel, now: dt.datetime) -> AutoPost | None:
    for queued in AutoPost.objects.filter(channel=channel, status=AutoPost.Status.QUEUED).order_by(
        "created_at"
    ):
        variant = Variant.objects.filter(story_id=queued.story_id, channel=channel).first()
        if variant is None:
            continue
        with transaction.atomic():
            claimed = AutoPost.objects.filter(pk=queued.pk, status=AutoPost.Status.QUEUED).update(
                status=AutoPost.Status.SCHEDULED, due_at=now
            )
            if not claimed:
                continue  # another worker filled this gap
            try:
                publication = schedule(variant, now)
            except PublishingError as exc:
                AutoPost.objects.filter(pk=queued.pk).update(
                    status=AutoPost.Status.SKIPPED, reason=str(exc)[:300]
                )
                continue
            AutoPost.objects.filter(pk=queued.pk).update(publication=publication)
        queued.refresh_from_db()
        return queued
    return None


def evergreen_queue(channel: Channel, repeat_days: int, now: dt.datetime) -> list[Variant]:
    """The channel's evergreen posts in the order the gap filler would use them."""
    recent = now - dt.timedelta(days=repeat_days)
    variants = (
        Variant.objects.filter(channel=channel, story__evergreen=True)
        .annotate(last_used=Max("publications__due_at", filter=Q(publications__state__in=LIVE)))
        .select_related("story")
    )
    usable = [v for v in variants if v.last_used is None or v.last_used < recent]
    epoch = dt.datetime.min.replace(tzinfo=dt.UTC)
    return sorted(usable, key=lambda v: (v.last_used or epoch, v.story.created_at, v.pk))


def _from_evergreen(channel: Channel, planner: Planner, now: dt.datetime) -> AutoPost | None:
    for variant in evergreen_queue(channel, planner.caps.evergreen_repeat_days, now):
        try:
            publication = schedule(variant, now)
        except PublishingError:
            continue
        return AutoPost.objects.create(
            channel=channel,
            kind=AutoPost.Kind.GAP,
            status=AutoPost.Status.SCHEDULED,
            story=variant.story,
            publication=publication,
            due_at=now,
        )
    return None
