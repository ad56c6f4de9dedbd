"""Polling a source: fetch, parse, remember every item by GUID, record how it went.

Every GUID ever seen stays in ``Item`` (not just the newest), so a feed that reorders,
edits or re-dates its entries never produces a second post: an edit updates the item,
the rules only ever act once per item and channel. Items that appeared while no worker
ran are simply new at the next poll and are processed then, once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import override

from carecast.automation import mirror
from carecast.automation.errors import SourceError
from carecast.automation.fetch import fetch
from carecast.automation.images import attach_images
from carecast.automation.models import Item, Source
from carecast.automation.parse import FeedItem, parse


@dataclass
class PollResult:
    new: list[Item]
    updated: int = 0
    not_modified: bool = False
    error: str = ""


def due_sources(now: dt.datetime | None = None):
    now = now or timezone.now()
    never_fetched = Q(next_fetch_at__isnull=True)
    return Source.objects.filter(Q(next_fetch_at__lte=now) | never_fetched, is_active=True)


CLAIM_MINUTES = 10


def claim_due(now: dt.datetime | None = None) -> list[int]:
    """Ids of due sources, each claimed by a conditional UPDATE so that only one worker polls it.

    The claim pushes ``next_fetch_at`` ahead by a lease; the poll then sets the real next time.
    A worker that dies mid-poll loses the claim when the lease runs out.
    """
    now = now or timezone.now()
    claimed = []
    for pk in due_sources(now).values_list("pk", flat=True):
        lease = now + dt.timedelta(minutes=CLAIM_MINUTES)
        if due_sources(now).filter(pk=pk).update(next_fetch_at=lease):
            claimed.append(pk)
    return claimed


def poll(source: Source) -> PollResult:
    """Fetch ``source`` once. A failure records the error and keeps every earlier item."""
    now = timezone.now()
    try:
        result = _read(source)
    except SourceError as exc:
        _finish(source, now, error=exc)
        return PollResult(new=[], error=str(exc))
    if result is None:
        _finish(source, now, result={"not_modified": True})
        return PollResult(new=[], not_modified=True)
    new, updated = remember(source, result, now)
    attach_images(source, new)
    _finish(source, now, result={"total": len(result), "new": len(new)})
    return PollResult(new=new, updated=updated)


def _read(source: Source) -> list[FeedItem] | None:
    """The source's items now, or ``None`` when the server said nothing changed (304)."""
    if source.kind == Source.Kind.CHANNEL:
        return mirror.items_of(source)
    fetched = fetch(
        source.url,
        allow_hosts=source.allowed_hosts(),
        etag=source.etag,
        last_modified=source.last_modified,
    )
    if fetched.status == 304:
        return None
    items = parse(fetched.body, fetched.url or source.url, jobs=source.kind == Source.Kind.JOBS)
    # Only remember validators once the body was usable: a broken feed is fetched in full again.
    source.etag, source.last_modified = fetched.etag[:500], fetched.last_modified[:100]
    return items


@transaction.atomic
def remember(source: Source, items: list[FeedItem], now: dt.datetime) -> tuple[list[Item], int]:
    """Insert unknown GUIDs, refresh known ones (edits, new dates) without making them new."""
    by_guid = {i.guid: i for i in items}  # a feed listing one GUID twice yields one item
    known = {row.guid: row for row in Item.objects.filter(source=source, guid__in=list(by_guid))}
    new = [_row(source, item, now) for guid, item in by_guid.items() if guid not in known]
    Item.objects.bulk_create(new, batch_size=500)
    changed = [_refresh(known[g], by_guid[g], now) for g in known]
    changed = [row for row in changed if row is not None]
    if changed:
        fields = [
            "title",
            "summary",
            "link",
            "image_url",
            "categories",
            "published_at",
            "updated_at",
        ]
        Item.objects.bulk_update(changed, fields, batch_size=500)
    return new, len(changed)


def _row(source: Source, item: FeedItem, now: dt.datetime) -> Item:
    return Item(source=source, first_seen_at=now, **item.model_dump())


def _refresh(row: Item, item: FeedItem, now: dt.datetime) -> Item | None:
    values = item.model_dump(exclude={"guid", "is_job", "location"})
    if all(getattr(row, key) == value for key, value in values.items()):
        return None
    for key, value in values.items():
        setattr(row, key, value)
    row.updated_at = now
    return row


MAX_WAIT_MINUTES = 24 * 60


def wait_minutes(source: Source) -> int:
    """The interval, doubled for each failed check in a row, at most a day."""
    interval = max(source.interval_minutes, 1)
    if not source.failures:
        return interval
    return min(interval * 2 ** min(source.failures, 16), max(MAX_WAIT_MINUTES, interval))


def _finish(
    source: Source,
    now: dt.datetime,
    *,
    result: dict | None = None,
    error: SourceError | None = None,
) -> None:
    source.last_fetched_at = now
    source.failures = source.failures + 1 if error is not None else 0
    source.next_fetch_at = now + dt.timedelta(minutes=wait_minutes(source))
    if error is not None:
        source.health = Source.Health.ERROR
        with override("en"):
            source.last_error = str(error)[:2000]
        source.error_msgid, source.error_params = error.msgid, error.params
    else:
        source.health, source.last_error = Source.Health.OK, ""
        source.error_msgid, source.error_params = "", {}
        source.last_success_at, source.last_counts = now, result or {}
    source.save(
        update_fields=[
            "last_fetched_at",
            "next_fetch_at",
            "failures",
            "health",
            "last_error",
            "error_msgid",
            "error_params",
            "last_success_at",
            "last_counts",
            "etag",
            "last_modified",
            "cursor",
        ]
    )
