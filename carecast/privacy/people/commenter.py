"""A commenter: found by the name or the network id they comment under.

The export holds every comment copy carecast keeps, the hospital's replies, internal notes
and replies waiting for approval; erasing uses the inbox's own erasure (``inbox.retention``)
and empties what else repeats the comment: drafts under review, notes and the payloads of
emergency webhooks.
"""

from __future__ import annotations

from collections import defaultdict

from django.apps import apps
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import ngettext

from carecast.privacy.people.base import Erased, Export, Match

KIND = "commenter"


def _norm(author: str) -> str:
    return author.strip().lstrip("@").lower()


def items(organisation, who: str):
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


def find(organisation, query: str) -> list[Match]:
    from carecast.inbox.models import InboxItem

    query = query.strip().lstrip("@")
    found = InboxItem.objects.filter(organisation=organisation, erased_at__isnull=True).filter(
        Q(author__icontains=query) | Q(author_id=query)
    )
    groups: dict[str, list] = defaultdict(list)
    for item in found.select_related("channel").order_by("received_at", "id")[:500]:
        groups[_norm(item.author) or item.author_id].append(item)
    return [_match(key, rows) for key, rows in sorted(groups.items())]


def _match(key: str, rows: list) -> Match:
    channels = sorted({row.channel.name for row in rows})
    held = [
        ngettext("%(n)s comment", "%(n)s comments", len(rows)) % {"n": len(rows)}
        + " · "
        + ", ".join(channels)
    ]
    held += [f"„{row.text[:100]}“" for row in rows[:3]]
    # The name as written (without "@"): what the confirmation shows and ``items`` matches.
    return Match(KIND, rows[0].author.lstrip("@") or key, rows[0].author or key, held)


def _notes(ids):
    try:
        return apps.get_model("inbox", "InboxNote").objects.filter(item_id__in=ids)
    except LookupError:  # notes arrive with the inbox's assignment work
        return None


def export(organisation, key: str) -> Export:
    from carecast.approvals.models import ReplyReview

    rows = list(items(organisation, key).prefetch_related("replies"))
    ids = [row.pk for row in rows]
    notes = _notes(ids)
    reviews = ReplyReview.objects.filter(item_id__in=ids)
    comments = [
        {
            "network": row.channel.network,
            "channel": row.channel.name,
            "author": row.author,
            "author_id": row.author_id,
            "text": row.text,
            "url": row.url,
            "received_at": row.received_at.isoformat(),
            "labels": list(row.labels or []),
            "replies": [r.text for r in row.replies.all() if r.text],
        }
        for row in rows
    ]
    data = {
        "comments": comments,
        "replies_waiting_for_approval": [r.text for r in reviews if r.text],
        "internal_notes": [n.text for n in notes] if notes is not None else [],
    }
    return Export(data)


def erase(organisation, key: str, actor) -> Erased:
    from carecast.approvals.models import ReplyReview
    from carecast.inbox.models import Erasure
    from carecast.inbox.retention import _erase
    from carecast.webhooks.models import Delivery

    rows = list(items(organisation, key))
    words = {key} | {row.author for row in rows} | {row.author.lstrip("@") for row in rows}
    words |= {row.author_id for row in rows if not row.author_id.isdigit()}
    erased = _erase(items(organisation, key), Erasure.REQUEST, timezone.now(), actor)
    ReplyReview.objects.filter(item_id__in=erased).update(text="", comment="", findings=[])
    notes = _notes(erased)
    if notes is not None:
        notes.update(text="")
    deliveries = 0
    for delivery in Delivery.objects.filter(event="emergency_comment", key__in=map(str, erased)):
        payload = dict(delivery.payload)
        payload["data"] = {**payload.get("data", {}), "author": "", "text": "", "url": ""}
        Delivery.objects.filter(pk=delivery.pk).update(payload=payload)
        deliveries += 1
    return Erased({"comments": len(erased), "webhook_deliveries": deliveries}, sorted(words))
