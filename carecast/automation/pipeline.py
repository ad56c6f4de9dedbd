"""From a source to posts: poll it, then run every active rule that reads it on the new items."""

from __future__ import annotations

from django.utils import timezone

from carecast.automation import polling
from carecast.automation.models import Item, Rule, Source
from carecast.automation.runner import Planned, run_rule


def refresh(source: Source, actor=None) -> tuple[polling.PollResult, list[Planned]]:
    """Poll ``source`` and hand its new items to its rules.

    Only new items go to the rules here; items that are old but never handled (a rule
    created later) are picked up when someone runs that rule (``run_rule`` over all items).
    """
    result = polling.poll(source)
    planned: list[Planned] = []
    if result.new:
        items = Item.objects.filter(pk__in=[i.pk for i in result.new])
        for rule in Rule.objects.filter(sources=source, is_active=True).select_related(
            "organisation", "department"
        ):
            planned += run_rule(rule, items=items, now=timezone.now(), actor=actor)
    return result, planned
