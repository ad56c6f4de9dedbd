"""One person's data on request (GDPR Art. 15, 17, 20): here, a commenter's.

A commenter is found by the name or the network id they comment under; their export holds
every comment copy carecast keeps (and the hospital's replies to them), and erasing uses
the inbox's own erasure (``inbox.retention``), so what stays is what the retention period
leaves too. The audit entry counts, it never names: the log must not keep erased words.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils import timezone

from carecast.core import audit


def commenter_items(organisation, who: str):
    from carecast.inbox.models import InboxItem

    who = who.strip().lstrip("@")
    if not who:
        return InboxItem.objects.none()
    return (
        InboxItem.objects.filter(organisation=organisation, erased_at__isnull=True)
        .filter(Q(author__iexact=who) | Q(author__iexact="@" + who) | Q(author_id=who))
        .select_related("channel")
        .order_by("received_at", "id")
    )


def export_commenter(organisation, who: str, now: dt.datetime | None = None) -> dict:
    items = list(commenter_items(organisation, who).prefetch_related("replies"))
    return {
        "exported_at": (now or timezone.now()).isoformat(),
        "controller": organisation.name,
        "kind": "commenter",
        "asked_for": who,
        "comments": [
            {
                "network": item.channel.network,
                "channel": item.channel.name,
                "author": item.author,
                "author_id": item.author_id,
                "text": item.text,
                "url": item.url,
                "received_at": item.received_at.isoformat(),
                "labels": list(item.labels or []),
                "replies": [r.text for r in item.replies.all() if r.text],
            }
            for item in items
        ],
    }


def erase_commenter(organisation, who: str, actor) -> int:
    """Erase every comment copy of this commenter now; how many were erased."""
    from carecast.inbox.models import Erasure
    from carecast.inbox.retention import _erase

    erased = _erase(commenter_items(organisation, who), Erasure.REQUEST, timezone.now(), actor)
    if erased:
        audit.record(organisation, "privacy.commenter_erased", "", actor=actor, erased=len(erased))
    return len(erased)
