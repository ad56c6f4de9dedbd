"""Huey tasks: the metric sync every five minutes, the rollups every hour.

Thin wrappers around ``sync`` and ``rollup``; one task per channel, so a slow or
rate-limited network delays no other.
"""

from __future__ import annotations

import datetime as dt
import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

log = logging.getLogger(__name__)

# Rollups are rebuilt this far back each hour: the last read of a post comes 30 days after
# it was published, and applications or visits may be imported a little late.
ROLLUP_DAYS = 35


@db_periodic_task(crontab(minute="*/5"))
def sync_metrics() -> int:
    """Follow new posts, then one task per channel that can be read."""
    from carecast.analytics import sync
    from carecast.core import pacing

    if not pacing.periodic_may_run("sync_metrics"):
        return 0  # just started, or posts are due: publishing goes first
    sync.discover()
    ids = [channel.pk for channel in sync.metric_channels()]
    pacing.enqueue_spread(sync_channel, ids)
    return len(ids)


@db_task()
def sync_channel(channel_id: int) -> int:
    from carecast.analytics import sync
    from carecast.networks.services import active_channel

    channel = active_channel(channel_id)
    if channel is None:
        return 0
    result = sync.sync_channel(channel)
    if result.error:
        log.warning("metrics of channel %s: %s", channel_id, result.error)
    return result.posts


@db_periodic_task(crontab(minute="7"))
def rollup_days() -> int:
    from django.utils import timezone

    from carecast.analytics.rollup import rebuild_days
    from carecast.core.models import Organisation

    since = timezone.localdate() - dt.timedelta(days=ROLLUP_DAYS)
    return sum(rebuild_days(org, since) for org in Organisation.objects.all())
