"""From a source to posts: poll it, then run every active rule that reads it on unhandled items."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from carecast.automation import polling
from carecast.automation.models import Item, Rule, Source
from carecast.automation.runner import DEFERRED, Planned, run_rule


def refresh(source: Source, actor=None) -> tuple[polling.PollResult, list[Planned]]:
    """Poll ``source`` and hand its unhandled items to its rules.

    "Unhandled" rather than "new in this poll": items remembered by a worker that died
    before the rules ran are still processed, once. Items a rule created later never saw
    are picked up when someone runs that rule (``run_rule`` over all items).
    """
    first_check = source.last_success_at is None
    result = polling.poll(source)
    if first_check and not result.error and source.backlog == Source.Backlog.NONE:
        set_aside(source, result.new)
    return result, handle_pending(source, actor)


def set_aside(source: Source, items: list[Item]) -> int:
    """The first check's items count as handled: the person chose "only items that appear later"."""
    done = Item.objects.filter(pk__in=[i.pk for i in items]).update(handled_at=timezone.now())
    source.last_counts = {**source.last_counts, "set_aside": done}
    source.save(update_fields=["last_counts"])
    return done


def handle_pending(source: Source, actor=None) -> list[Planned]:
    planned: list[Planned] = []
    # One transaction per source: the items are marked handled together with the posts
    # made from them, and SQLite commits once per source instead of once per item.
    with transaction.atomic():
        pending = Item.objects.select_for_update().filter(source=source, handled_at__isnull=True)
        ids = list(pending.values_list("pk", flat=True))
        if not ids:
            return planned
        items = Item.objects.filter(pk__in=ids)
        rules = Rule.objects.filter(sources=source, is_active=True).select_related(
            "organisation", "department"
        )
        for rule in rules:
            planned += run_rule(rule, items=items, now=timezone.now(), actor=actor)
        # Items waiting for a free day stay pending: the next check plans them again.
        waiting = {p.item.pk for p in planned if p.status == DEFERRED}
        done = [pk for pk in ids if pk not in waiting]
        Item.objects.filter(pk__in=done).update(handled_at=timezone.now())
    return planned


def set_paused(source: Source, *, paused: bool) -> None:
    """Pausing stops the checks; resuming checks at once and forgets earlier failures."""
    source.is_active = not paused
    if not paused:
        source.failures, source.next_fetch_at = 0, timezone.now()
    source.save(update_fields=["is_active", "failures", "next_fetch_at"])


def too_old(source: Source, rule: Rule) -> int:
    """How many of the source's items ``rule`` will never post because of its age limit."""
    if not rule.max_age_days:
        return 0
    cutoff = timezone.now() - dt.timedelta(days=rule.max_age_days)
    old = Q(published_at__lt=cutoff) | Q(published_at__isnull=True, first_seen_at__lt=cutoff)
    return source.items.filter(old).count()
