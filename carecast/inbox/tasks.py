"""Huey tasks: read every channel's comments each minute, send replies, erase old copies.

Thin wrappers around ``fetch`` and ``send``; a channel that fails is recorded on its
``ChannelInbox`` and does not stop the others. The work those modules want done next reaches
the queue through ``queue``'s signals, answered at the end of this module.
"""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from carecast.inbox import queue

log = logging.getLogger(__name__)


@db_periodic_task(crontab(minute="*"))
def fetch_inbox() -> int:
    """Every minute: one task per inbox-capable channel, so a slow network delays no other."""
    from carecast.core import pacing
    from carecast.inbox.fetch import inbox_channels

    if not pacing.periodic_may_run("fetch_inbox"):
        return 0  # just started, or posts are due: publishing goes first
    ids = [channel.pk for channel in inbox_channels()]
    pacing.enqueue_spread(fetch_channel, ids)
    return len(ids)


@db_task()
def fetch_channel(channel_id: int) -> int:
    from carecast.inbox import fetch
    from carecast.networks.services import active_channel

    channel = active_channel(channel_id)
    if channel is None:
        return 0
    result = fetch.fetch_channel(channel)
    if result.error:
        log.warning("inbox of channel %s: %s", channel_id, result.error)
    return result.new


@db_task()
def email_notifications(notification_ids: list[int]) -> None:
    from carecast.inbox.duty import send_emails

    send_emails(notification_ids)


@db_task()
def send_reply(reply_id: int) -> str | None:
    from carecast.inbox.send import send

    return send(reply_id)


@db_periodic_task(crontab(minute="*"))
def reconcile_replies() -> int:
    """Every minute: replies of dead workers become unconfirmed; lost tasks are sent again."""
    from carecast.inbox.send import due_ids, release_stale

    release_stale()
    ids = due_ids()
    for reply_id in ids:
        send_reply(reply_id)
    return len(ids)


@db_periodic_task(crontab(hour="3", minute="30"))
def purge_expired_comments() -> int:
    """Each night: erase comment copies older than the organisation's retention period."""
    from carecast.inbox.retention import purge_expired

    return purge_expired()


def _emails_wanted(sender, notification_ids: list[int], **kwargs) -> None:
    email_notifications(notification_ids)


def _reply_wanted(sender, reply_id: int, eta=None, **kwargs) -> None:
    if eta is None:
        send_reply(reply_id)
    else:
        send_reply.schedule(args=(reply_id,), eta=eta)


queue.emails_wanted.connect(_emails_wanted, dispatch_uid="inbox.emails_wanted")
queue.reply_wanted.connect(_reply_wanted, dispatch_uid="inbox.reply_wanted")
