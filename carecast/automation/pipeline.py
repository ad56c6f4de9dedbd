"""From a source to posts: poll it, then run every active rule that reads it on unhandled items."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from carecast.automation import polling
from carecast.automation.models import Item, Rule, Source
from carecast.automation.runner import Planned, run_rule


def refresh(source: Source, actor=None) -> tuple[polling.PollResult, list[Planned]]:
    """Poll ``source`` and hand its unhandled items to its rules.

    "Unhandled" rather than "new in this poll": items remembered by a worker that died
    before the rules ran are still processed, once. Items a rule created later never saw
    are picked up when someone runs that rule (``run_rule`` over all items).
    """
    result = polling.poll(source)
    return result, handle_pending(source, actor)


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
        Item.objects.filter(pk__in=ids).update(handled_at=timezone.now())
    return planned
