"""Reading comments and mentions from every inbox-capable channel.

One channel at a time through its connector (``fetch_mentions``): the channel's own
posts are skipped, each remote id is stored once per channel, every new item is
triaged on arrival, and an emergency tells whoever is on duty. A channel that fails
(network down, token expired) records the error on its ``ChannelInbox`` and keeps
every item read before; the other channels go on.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from carecast.core import audit
from carecast.inbox import spikes
from carecast.inbox.duty import notify_emergency
from carecast.inbox.models import ChannelInbox, InboxItem, Kind
from carecast.inbox.triage import triage
from carecast.lib.text import clean_text
from carecast.networks.base import Connector, ConnectorError, Reply
from carecast.networks.models import Channel, ChannelStatus
from carecast.networks.services import connector_supports, keep_refreshed_tokens

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FetchResult:
    channel_id: int
    new: int = 0
    error: str = ""


def supports_inbox(channel: Channel) -> bool:
    return connector_supports(channel, "supports_inbox")


def inbox_channels():
    """Active channels whose network can read comments and send replies."""
    channels = Channel.objects.filter(status=ChannelStatus.ACTIVE).select_related("organisation")
    return [channel for channel in channels if supports_inbox(channel)]


def fetch_all() -> list[FetchResult]:
    """Read every inbox-capable channel once; one failing channel never stops the others."""
    return [fetch_channel(channel) for channel in inbox_channels()]


def fetch_channel(channel: Channel) -> FetchResult:
    state, _created = ChannelInbox.objects.get_or_create(channel=channel)
    now = timezone.now()
    try:
        replies = _read(channel, state.since_id)
    except ConnectorError as exc:
        message = describe(exc)
        ChannelInbox.objects.filter(pk=state.pk).update(
            last_fetched_at=now, last_error=message, last_error_at=now, error_is_auth=exc.auth
        )
        if exc.auth:
            _pause(channel, message)
        log.warning("Inbox of %s: %s", channel, exc)
        return FetchResult(channel.pk, error=message)
    mentions = [reply for reply in replies if not reply.remote_id.startswith("dm:")]
    new = sum(_store(channel, reply) for reply in reversed(replies))  # oldest first
    cursor = newest_id(mentions, state.since_id)
    ChannelInbox.objects.filter(pk=state.pk).update(
        since_id=cursor,
        last_fetched_at=now,
        last_success_at=now,
        last_error="",
        error_is_auth=False,
    )
    return FetchResult(channel.pk, new=new)


def newest_id(replies: list[Reply], previous: str) -> str:
    """Where the next fetch starts: the highest status id seen, not the first one listed.

    Mastodon lists notifications by when they arrived, and a status from a slow server can
    arrive after a newer one; X and Mastodon ids are numbers that grow with time, so the
    largest is the cursor. Bluesky's record URIs are no numbers (its connector reads the
    newest page anyway and the unique constraint drops what was seen).
    """
    ids = [r.remote_id for r in replies] + ([previous] if previous else [])
    numeric = [i for i in ids if i.isdigit()]
    if numeric and len(numeric) == len(ids):
        return max(numeric, key=int)
    return replies[0].remote_id if replies else previous


def describe(exc: ConnectorError) -> str:
    """The error in words the team can act on."""
    if exc.auth:
        return _("Access expired or revoked — reconnect the channel. (%(error)s)") % {"error": exc}
    if exc.retry_after:
        return _("The network asked us to wait (rate limit); trying again later. (%(error)s)") % {
            "error": exc
        }
    return _("Could not read comments; trying again in a minute. (%(error)s)") % {"error": exc}


def _read(channel: Channel, since_id: str) -> list[Reply]:
    connector: Connector = channel.rules.connector(channel.account())
    try:
        return connector.fetch_mentions(since_id=since_id) + _direct_messages(channel, connector)
    except ConnectorError:
        raise
    except Exception as exc:  # a library bug must not stop the other channels
        log.exception("Inbox fetch of %s failed unexpectedly", channel)
        raise ConnectorError(repr(exc)) from exc
    finally:
        keep_refreshed_tokens(channel, connector)
        connector.close()


def _direct_messages(channel: Channel, connector: Connector) -> list[Reply]:
    """Direct messages read apart from the mentions (X). A token without the messages'
    scope (connected before carecast asked for it) keeps the comments coming."""
    if not connector.supports_direct:
        return []
    try:
        return connector.fetch_direct_messages()
    except ConnectorError as exc:
        if exc.auth or exc.retry_after or exc.status != 403:
            raise
        log.info("Direct messages of %s not readable (reconnect for them): %s", channel, exc)
        return []


def _is_own(channel: Channel, reply: Reply) -> bool:
    if channel.remote_user_id and reply.author_id == channel.remote_user_id:
        return True
    handle = channel.handle.lstrip("@").lower()
    return bool(handle) and reply.author.lstrip("@").lower() == handle


def store_message(channel: Channel, reply: Reply) -> bool:
    """Store and triage a message a webhook brought (Meta's); ``False`` if already stored."""
    return _store(channel, reply)


def _store(channel: Channel, reply: Reply) -> bool:
    """Store and triage one reply; ``False`` for our own posts and ones already stored."""
    if _is_own(channel, reply) or not reply.text.strip() or not reply.remote_id:
        return False
    if InboxItem.objects.filter(channel=channel, remote_id=reply.remote_id).exists():
        return False
    item = _build(channel, reply)
    try:
        with transaction.atomic():
            item.save()
            if item.is_emergency:
                notify_emergency(item)
            spikes.check(item)
    except IntegrityError:  # another worker stored it a moment ago
        return False
    return True


def _build(channel: Channel, reply: Reply) -> InboxItem:
    text = clean_text(reply.text)
    result = triage(text)
    item = InboxItem(
        organisation=channel.organisation,
        channel=channel,
        remote_id=reply.remote_id[:300],
        kind=reply.kind if reply.kind in Kind.values else Kind.REPLY,
        author=clean_text(reply.author)[:200],
        author_id=reply.author_id[:300],
        text=text,
        url=reply.url[:1000],
        in_reply_to=reply.in_reply_to[:300],
        received_at=_when(reply.created_at),
        reasons=result.reasons,
        emergency_kinds=result.emergency_kinds,
        guessed=result.by_model,
        doubted=result.doubted,
    )
    item.set_labels(result.labels)
    return item


def _when(created_at: str) -> dt.datetime:
    try:
        parsed = parse_datetime(created_at.replace("Z", "+00:00")) if created_at else None
    except ValueError:
        parsed = None
    if parsed is None:
        return timezone.now()
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed, dt.UTC)


def _pause(channel: Channel, reason: str) -> None:
    """An expired or revoked token pauses the channel (like a failed post does) and tells the team."""
    updated = Channel.objects.filter(pk=channel.pk, status=ChannelStatus.ACTIVE).update(
        status=ChannelStatus.PAUSED, status_reason=reason
    )
    if updated:
        channel.status, channel.status_reason = ChannelStatus.PAUSED, reason
        audit.record(channel.organisation, "channel.paused", channel.name, reason=reason)
