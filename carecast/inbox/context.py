"""The layout's badges: unread emergency notifications, and unread approval notices.

A notification is read once its item is answered or marked done, so the badge stays
until someone has dealt with the emergency.
"""

from __future__ import annotations

from django.utils.translation import ngettext

from carecast.rights import person_of


def emergencies(request) -> dict:
    person = person_of(request.user) if hasattr(request, "user") else None
    if person is None:
        return {"inbox_alerts": 0}
    count, reviews = _unread(person)
    title = ngettext("%(n)s unread emergency", "%(n)s unread emergencies", count) % {"n": count}
    review_title = ngettext(
        "%(n)s unread approval notice", "%(n)s unread approval notices", reviews
    ) % {"n": reviews}
    return {
        "inbox_alerts": count,
        "inbox_alerts_title": title,
        "review_alerts": reviews,
        "review_alerts_title": review_title,
    }


def _unread(person) -> tuple[int, int]:
    """Unread emergencies and unread approval notices (``approvals``), in one query: the
    layout runs it on every page."""
    from django.apps import apps
    from django.db.models import Count, OuterRef, Subquery

    from carecast.core.models import Person
    from carecast.inbox.models import Notification

    def unread(model, **only):
        rows = model.objects.filter(recipient=OuterRef("pk"), read_at__isnull=True, **only)
        return Subquery(rows.values("recipient").annotate(n=Count("pk")).values("n"))

    row = (
        Person.objects.filter(pk=person.pk)
        .annotate(
            # Spike notices show as the inbox's banner; the badge counts emergencies.
            inbox=unread(Notification, item__isnull=False),
            reviews=unread(apps.get_model("approvals.Notice")),
        )
        .values_list("inbox", "reviews")
        .first()
    )
    return (row[0] or 0, row[1] or 0) if row else (0, 0)
