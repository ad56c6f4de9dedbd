"""The layout's emergency badge: this person's unread emergency notifications.

A notification is read once its item is answered or marked done, so the badge stays
until someone has dealt with the emergency.
"""

from __future__ import annotations

from django.utils.translation import ngettext

from carecast.web.access import person_of


def emergencies(request) -> dict:
    person = person_of(request.user) if hasattr(request, "user") else None
    if person is None:
        return {"inbox_alerts": 0}
    from carecast.inbox.models import Notification

    count = Notification.objects.filter(recipient=person, read_at__isnull=True).count()
    title = ngettext("%(n)s unread emergency", "%(n)s unread emergencies", count) % {"n": count}
    return {"inbox_alerts": count, "inbox_alerts_title": title}
