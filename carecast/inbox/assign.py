"""Assigning an item to a colleague, and the notes colleagues leave on it.

Only someone who may act on the item's channel can be assigned (``rights.assignees_for``);
the assignee finds it under "Mir zugewiesen" with a count. Assigning and unassigning are
audited. Notes stay inside carecast: they are never part of a reply.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone

from carecast.core import audit
from carecast.core.models import Person
from carecast.inbox.models import InboxItem, InboxNote, Status
from carecast.rights import assignees_for


class NotAssignable(ValueError):
    """The chosen person may not act on the item's channel."""


def assign(item: InboxItem, assignee: Person | None, actor) -> bool:
    """Give ``item`` to ``assignee`` (``None``: nobody); ``False`` when nothing changed."""
    if assignee is not None and not assignees_for(item.channel).filter(pk=assignee.pk).exists():
        raise NotAssignable(str(assignee))
    previous = item.assigned_to
    if (previous.pk if previous else None) == (assignee.pk if assignee else None):
        return False
    now = timezone.now()
    InboxItem.objects.filter(pk=item.pk).update(
        assigned_to=assignee, assigned_at=now if assignee else None
    )
    item.assigned_to, item.assigned_at = assignee, now if assignee else None
    action = "inbox.assigned" if assignee else "inbox.unassigned"
    person = assignee or previous
    audit.record(
        item.organisation,
        action,
        str(person) if person else "",
        actor,
        about=item,
        item=item.pk,
        assignee=person.pk if person else None,
    )
    return True


def assigned_to_me(items: QuerySet, person: Person) -> QuerySet:
    """The items given to ``person`` (the status filter narrows them like any others)."""
    return items.filter(assigned_to=person)


def waiting_for(items: QuerySet, person: Person) -> int:
    """How many items given to ``person`` still need an answer: the count beside the filter."""
    return assigned_to_me(items, person).filter(status=Status.OPEN).count()


def add_note(item: InboxItem, text: str, author) -> InboxNote | None:
    """Keep an internal note on ``item``; ``None`` for an empty one."""
    text = text.strip()
    if not text:
        return None
    return InboxNote.objects.create(item=item, text=text[:4000], author=author)
