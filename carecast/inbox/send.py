"""Sending a reply exactly once: claim, mark as possibly sent, publish, record.

The same shape as ``publishing.states``/``dispatch``: every transition is a
conditional UPDATE, so two workers running the same task never both send. The
connector gets a ``PostRequest`` whose key is derived from the reply's id (the
network's idempotency anchor). When we cannot tell whether the network got the
reply, it becomes ``unconfirmed`` and is never sent again without a person looking.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets

from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from carecast.inbox import queue
from carecast.inbox.models import InboxItem, InboxReply, Kind, ReplyState
from carecast.networks.base import ConnectorError, PostRequest, PostResult

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 4


def claim(reply_id: int) -> str | None:
    """Take a queued reply for sending; ``None`` if another worker has it or it is done."""
    token, now = secrets.token_hex(8), timezone.now()
    claimed = (
        InboxReply.objects.filter(
            pk=reply_id, state=ReplyState.SENDING, claim_token="", outcome_unknown=False
        )
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .update(claim_token=token, claimed_at=now)
    )
    return token if claimed else None


def finish(reply: InboxReply, token: str, state: str, **fields) -> bool:
    """Leave the claim for ``state``, but only if we still hold it."""
    updated = InboxReply.objects.filter(pk=reply.pk, claim_token=token).update(
        state=state, claim_token="", **fields
    )
    if updated:
        reply.state = state
        for name, value in fields.items():
            setattr(reply, name, value)
    return bool(updated)


def send(reply_id: int) -> str | None:
    """Send one queued reply; returns its new state, or ``None`` if it was not ours to send."""
    token = claim(reply_id)
    if token is None:
        return None
    reply = InboxReply.objects.select_related("item__channel").get(pk=reply_id)
    channel = reply.item.channel
    if channel.is_paused:
        # Nothing has left: the token is dead, the team reconnects the channel first.
        message = _("Not sent: the channel is paused (%(reason)s). Reconnect it and reply again.")
        finish(reply, token, ReplyState.FAILED, error=message % {"reason": channel.status_reason})
        return ReplyState.FAILED
    # From here on the network may get the reply: a crash leaves it "unknown", never re-sent.
    InboxReply.objects.filter(pk=reply.pk, claim_token=token).update(
        outcome_unknown=True, attempt_count=F("attempt_count") + 1
    )
    reply.attempt_count += 1
    post = PostRequest(key=reply.key, text=reply.text, reply_to=reply.item.remote_id)
    try:
        connector = channel.rules.connector(channel.account())
        try:
            result = _deliver(connector, post, reply.item)
        finally:
            connector.close()
    except ConnectorError as exc:
        return _failed(reply, token, exc)
    except Exception as exc:  # a bug or an unexpected library error: it may have gone out
        log.exception("Unexpected error sending inbox reply %s", reply.pk)
        return _failed(reply, token, ConnectorError(repr(exc), outcome_unknown=True))
    return _sent(reply, token, result)


def _deliver(connector, post: PostRequest, item) -> PostResult:
    """A direct message is answered privately (never as a public post); the rest in public."""
    if item.kind == Kind.DIRECT:
        _within_window(connector, item)
        return connector.send_direct(post, item.author_id)
    return connector.publish(post)


def _within_window(connector, item) -> None:
    """Meta answers a message only within 24 hours of the person's last one: refuse before
    sending when that has passed (nothing leaves; the person has to write again)."""
    window = connector.direct_window
    reason = window_reason(item, window, connector.label) if window is not None else ""
    if reason:
        raise ConnectorError(reason, permanent=True)


def closed_window(item) -> str:
    """Why a private answer to ``item`` cannot go out now (its network's window has passed),
    or "" — for the reply form, before anything is queued."""
    if item.kind != Kind.DIRECT:
        return ""
    try:
        kind = item.channel.rules.connector_type()
    except (ConnectorError, KeyError, ImportError, AttributeError):
        return ""
    return window_reason(item, getattr(kind, "direct_window", None), getattr(kind, "label", ""))


def window_reason(item, window: dt.timedelta | None, network: str) -> str:
    if window is None:
        return ""
    last = (
        InboxItem.objects.filter(
            channel_id=item.channel_id, kind=Kind.DIRECT, author_id=item.author_id
        )
        .order_by("-received_at")
        .values_list("received_at", flat=True)
        .first()
    ) or item.received_at
    if timezone.now() - last <= window:
        return ""
    message = _(
        "Not sent: %(network)s allows a private answer only within %(hours)d hours of the "
        "person's last message (received %(received)s). Once they write again, you can answer."
    )
    received = timezone.localtime(last).strftime("%d.%m.%Y %H:%M")
    hours = int(window.total_seconds() // 3600)
    return message % {"network": network, "hours": hours, "received": received}


def _sent(reply: InboxReply, token: str, result: PostResult) -> str:
    from carecast.inbox.services import mark_answered

    finish(
        reply,
        token,
        ReplyState.SENT,
        remote_id=result.remote_id,
        remote_url=result.url,
        sent_at=timezone.now(),
        outcome_unknown=False,
        error="",
    )
    mark_answered(reply.item, reply.author)
    return ReplyState.SENT


def _failed(reply: InboxReply, token: str, exc: ConnectorError) -> str:
    if exc.outcome_unknown:
        message = _(
            "The network may have received this reply, but did not confirm it. Please look at "
            "the conversation before sending anything again. (%(error)s)"
        ) % {"error": exc}
        finish(reply, token, ReplyState.UNCONFIRMED, error=message)
        return ReplyState.UNCONFIRMED
    if exc.permanent or reply.attempt_count >= MAX_ATTEMPTS:
        finish(reply, token, ReplyState.FAILED, outcome_unknown=False, error=str(exc))
        return ReplyState.FAILED
    # Refused before anything was posted (429, 5xx answered): safe to try again later.
    delay = dt.timedelta(seconds=max(30 * 2 ** (reply.attempt_count - 1), exc.retry_after or 0))
    retry_at = timezone.now() + delay
    finish(
        reply,
        token,
        ReplyState.SENDING,
        outcome_unknown=False,
        error=str(exc),
        claimed_at=None,
        next_attempt_at=retry_at,
    )
    queue.send_reply_later(reply.pk, eta=retry_at)
    return ReplyState.SENDING


def release_stale(now: dt.datetime | None = None) -> int:
    """Replies whose worker died mid-flight: unconfirmed if a request may have left, else requeued.

    Returns how many replies were requeued (the caller enqueues them again).
    """
    now = now or timezone.now()
    stale = now - dt.timedelta(seconds=settings.CARECAST_CLAIM_LEASE_SECONDS)
    held = InboxReply.objects.filter(state=ReplyState.SENDING, claimed_at__lt=stale).exclude(
        claim_token=""
    )
    message = _(
        "Sending was interrupted; the network may have received this reply. Please look at the "
        "conversation before sending anything again."
    )
    held.filter(outcome_unknown=True).update(
        state=ReplyState.UNCONFIRMED, claim_token="", error=message
    )
    return held.filter(outcome_unknown=False).update(claim_token="", claimed_at=None)


def due_ids(now: dt.datetime | None = None) -> list[int]:
    """Queued replies that are due (their task may have been lost)."""
    now = now or timezone.now()
    return list(
        InboxReply.objects.filter(state=ReplyState.SENDING, claim_token="", outcome_unknown=False)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .values_list("pk", flat=True)
    )
