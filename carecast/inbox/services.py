"""What people do in the inbox: reply (guarded), mark done, settle an unconfirmed reply.

Views call these; nothing here renders. A reply is checked before it is queued:
a blocking finding (a patient confirmed, health data repeated, a diagnosis…) stops
it, and the caller shows the findings next to the kept text.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from carecast.compliance.draft import Finding
from carecast.inbox import queue
from carecast.inbox.models import InboxItem, InboxReply, Notification, ReplyState, Status
from carecast.inbox.replies import check_reply


@dataclass
class ReplyOutcome:
    reply: InboxReply | None
    findings: list[Finding] = field(default_factory=list)

    @property
    def blocked(self) -> bool:
        return self.reply is None


def queue_reply(item: InboxItem, text: str, author) -> ReplyOutcome:
    """Check ``text``; if nothing blocks, queue it for sending (after commit) and return it."""
    text = text.strip()
    findings = check_reply(text)
    if not text or any(f.blocks for f in findings):
        return ReplyOutcome(None, findings)
    with transaction.atomic():
        reply = InboxReply.objects.create(item=item, text=text, author=author)
        transaction.on_commit(lambda: _enqueue(reply.pk))
    return ReplyOutcome(reply, findings)


def _enqueue(reply_id: int) -> None:
    queue.send_reply_later(reply_id)


def mark_answered(item: InboxItem, user) -> None:
    now = timezone.now()
    InboxItem.objects.filter(pk=item.pk, status=Status.OPEN).update(
        status=Status.ANSWERED, handled_by=user, handled_at=now
    )
    _read_notifications(item, now)


def mark_done(item: InboxItem, user) -> None:
    now = timezone.now()
    InboxItem.objects.filter(pk=item.pk).exclude(status=Status.DONE).update(
        status=Status.DONE, handled_by=user, handled_at=now
    )
    item.status = Status.DONE
    _read_notifications(item, now)


def reopen(item: InboxItem) -> None:
    InboxItem.objects.filter(pk=item.pk).update(
        status=Status.OPEN, handled_by=None, handled_at=None
    )
    item.status = Status.OPEN


def _read_notifications(item: InboxItem, now) -> None:
    Notification.objects.filter(item=item, read_at__isnull=True).update(read_at=now)


def settle_unconfirmed(reply: InboxReply, arrived: bool, user) -> bool:
    """A person looked at the conversation: the reply is there (sent), or it is not (send again).

    Sending again reuses the reply's key, so a network that deduplicates (Mastodon,
    Bluesky) still cannot post it twice.
    """
    if arrived:
        done = InboxReply.objects.filter(pk=reply.pk, state=ReplyState.UNCONFIRMED).update(
            state=ReplyState.SENT, outcome_unknown=False, sent_at=timezone.now()
        )
        if done:
            mark_answered(reply.item, user)
        return bool(done)
    with transaction.atomic():
        done = InboxReply.objects.filter(pk=reply.pk, state=ReplyState.UNCONFIRMED).update(
            state=ReplyState.SENDING, outcome_unknown=False, error="", next_attempt_at=None
        )
        if done:
            transaction.on_commit(lambda: _enqueue(reply.pk))
    return bool(done)
