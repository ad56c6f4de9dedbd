"""Comment copies are kept only as long as the hospital needs them (GDPR Art. 5 and 17).

The page operator is joint controller for its comments: carecast keeps a commenter's
words, name and link for the organisation's retention period, then erases them; an
erasure request erases one item at once. What stays is what carries no one's data and
keeps the numbers right — channel, time, labels, status — and the network's id, so the
next read of the channel does not bring the comment back.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from carecast.core import audit
from carecast.core.models import Organisation
from carecast.inbox.models import (
    Erasure,
    InboxItem,
    InboxNote,
    InboxReply,
    ReplyState,
    Status,
)

# What an erased item keeps empty. Triage reasons are the comment's own words.
ERASED = {"text": "", "author": "", "author_id": "", "url": "", "reasons": {}, "doubted": {}}


BATCH = 500  # ids per UPDATE: a long-lowered retention period erases thousands at once


def _erase(items, reason: str, now: dt.datetime, actor=None) -> list[int]:
    """Erase the given items (a queryset) except those with a reply still on its way.

    An erased item is done: nothing is left to answer, and it leaves the open list."""
    ids = list(
        items.filter(erased_at__isnull=True)
        .exclude(replies__state=ReplyState.SENDING)
        .values_list("pk", flat=True)
    )
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        with transaction.atomic():
            InboxItem.objects.filter(pk__in=batch, erased_at__isnull=True).update(
                **ERASED, erased_at=now, erasure=reason
            )
            InboxItem.objects.filter(pk__in=batch, status=Status.OPEN).update(
                status=Status.DONE, handled_at=now, handled_by=actor
            )
            # The hospital's own replies often address the person by name ("Liebe Frau K.").
            InboxReply.objects.filter(item_id__in=batch).exclude(state=ReplyState.SENDING).update(
                text="", error=""
            )
            # Colleagues' notes talk about the person too; they go with the comment.
            InboxNote.objects.filter(item_id__in=batch).delete()
    return ids


def erase_on_request(item: InboxItem, actor) -> bool:
    """Erase one comment now (a commenter asked); False when it was erased already or a
    reply to it is still being sent (try again in a minute)."""
    erased = _erase(InboxItem.objects.filter(pk=item.pk), Erasure.REQUEST, timezone.now(), actor)
    if erased:
        # Audited without the words: the log must not keep what was erased.
        audit.record(
            item.organisation, "inbox.erased", f"#{item.pk}", actor=actor, channel=item.channel.name
        )
    return bool(erased)


def purge_expired(now: dt.datetime | None = None) -> int:
    """Erase every comment older than its organisation's retention period; how many."""
    now = now or timezone.now()
    count = 0
    for organisation in Organisation.objects.all():
        cutoff = now - dt.timedelta(days=organisation.comment_retention_days)
        old = InboxItem.objects.filter(organisation=organisation, received_at__lt=cutoff)
        erased = _erase(old, Erasure.RETENTION, now)
        if erased:
            audit.record(
                organisation,
                "inbox.retention",
                "",
                erased=len(erased),
                days=organisation.comment_retention_days,
            )
        count += len(erased)
    return count


def set_period(organisation: Organisation, days: int, actor) -> None:
    """A new retention period (the next nightly purge applies it), audited."""
    # From the database: a bound form has already written the new value onto the instance.
    before = Organisation.objects.values_list("comment_retention_days", flat=True).get(
        pk=organisation.pk
    )
    Organisation.objects.filter(pk=organisation.pk).update(comment_retention_days=days)
    organisation.comment_retention_days = days
    audit.record(organisation, "inbox.retention_period", "", actor=actor, before=before, after=days)
