"""The audit log: writing entries from service functions, and reading them back.

``record`` is called all over carecast; each entry is linked to the object it is about
(``object_type`` + ``object_id``) so that a story or a post can show its own history. Callers
that pass the object's id in the detail (``story=…``, ``publication=…``) are linked without
saying more; ``about=`` names the object explicitly. How entries read in the UI (German
labels) is ``core.audit_labels``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from carecast.core.models import AuditLog, Organisation

# Detail keys that carry the id of the object an entry is about, most specific first.
ID_KEYS = (
    ("publication", "publication"),
    ("story", "story"),
    ("asset", "media"),
    ("question", "question"),
    ("reply", "reply"),
    ("item", "comment"),
    ("session", "session"),
    ("channel", "channel"),
    ("person", "person"),
    ("department", "department"),
)
# Without an id, the action's first word still says what kind of thing it is about.
PREFIX_TYPES = {
    "person": "person",
    "department": "department",
    "channel": "channel",
    "organisation": "organisation",
    "inbox": "comment",
    "live": "question",
    "consent": "media",
    "media": "media",
    "story": "story",
    "publication": "publication",
    "compliance": "publication",
    "reply": "reply",
}
MODEL_TYPES = {"mediaasset": "media", "inboxitem": "comment", "inboxreply": "reply"}


def link_of(action: str, detail: dict, about=None) -> tuple[str, int | None]:
    """(object type, object id) of an entry: ``about`` if given, else read from the detail."""
    if isinstance(about, tuple):
        return about[0], about[1]
    if about is not None:
        name = about._meta.model_name
        return MODEL_TYPES.get(name, name), about.pk
    for key, kind in ID_KEYS:
        value = detail.get(key)
        if isinstance(value, int) and not isinstance(value, bool):
            return kind, value
    return PREFIX_TYPES.get(action.split(".", 1)[0], ""), None


def record(
    organisation: Organisation,
    action: str,
    subject: str = "",
    actor=None,
    *,
    about=None,
    **detail: Any,
) -> AuditLog:
    """Append one entry; ``detail`` must be JSON-serialisable.

    ``about`` (a model instance or a ``(type, id)`` pair) links the entry to its object;
    without it, an id in the detail (``story=…``, ``publication=…``) does.
    """
    log = entry(organisation, action, subject, actor, about=about, **detail)
    log.save(force_insert=True)
    return log


def entry(
    organisation: Organisation,
    action: str,
    subject: str = "",
    actor=None,
    *,
    about=None,
    **detail: Any,
) -> AuditLog:
    """An entry as ``record`` writes it, not yet saved: ``record_many`` writes a batch at once."""
    object_type, object_id = link_of(action, detail, about)
    return AuditLog(
        organisation=organisation,
        actor=actor,
        action=action,
        subject=subject[:200],
        detail=detail,
        object_type=object_type,
        object_id=object_id,
    )


def record_many(entries: list[AuditLog]) -> None:
    """Append many entries in one insert (the automation's batches)."""
    AuditLog.objects.bulk_create(entries, batch_size=500)


@dataclass(frozen=True)
class Filters:
    """What the log page narrows to; empty values mean "any"."""

    actor_id: int | None = None
    automatic: bool = False  # only what carecast did by itself (no person)
    object_type: str = ""
    text: str = ""
    action: str = ""
    start: dt.datetime | None = None  # aware, inclusive
    end: dt.datetime | None = None  # aware, exclusive


def entries(organisation: Organisation, filters: Filters = Filters()) -> QuerySet[AuditLog]:
    """The organisation's entries matching ``filters``, newest first, with their actors."""
    found = AuditLog.objects.filter(organisation=organisation).select_related("actor")
    if filters.actor_id:
        found = found.filter(actor_id=filters.actor_id)
    if filters.automatic:
        found = found.filter(actor__isnull=True)
    if filters.object_type:
        found = found.filter(object_type=filters.object_type)
    if filters.action:
        found = found.filter(action=filters.action)
    if filters.start:
        found = found.filter(created_at__gte=filters.start)
    if filters.end:
        found = found.filter(created_at__lt=filters.end)
    return _matching_text(found, filters.text.strip())


def _matching_text(found: QuerySet[AuditLog], text: str) -> QuerySet[AuditLog]:
    # "#12" or "12" also finds the object with that id (inbox items are named "#12").
    if not text:
        return found
    query = Q(subject__icontains=text)
    number = text.removeprefix("#")
    if number.isdigit():
        query |= Q(object_id=int(number))
    return found.filter(query)


def history(
    organisation: Organisation | int,
    stories: Iterable[int] = (),
    publications: Iterable[int] = (),
) -> QuerySet[AuditLog]:
    """Entries about the given stories and posts (ids), newest first, with their actors."""
    about = Q(object_type="story", object_id__in=list(stories)) | Q(
        object_type="publication", object_id__in=list(publications)
    )
    return AuditLog.objects.filter(organisation=organisation).filter(about).select_related("actor")


def actions_in_use(organisation: Organisation) -> list[str]:
    """Every action the organisation's log holds (for the filter, beside the known ones)."""
    found = AuditLog.objects.filter(organisation=organisation).order_by().values_list("action")
    return sorted({action for (action,) in found.distinct()})
