"""Who is on duty, and telling them about an emergency — once, in the app and by email.

Nobody's shift covers the moment: every communications lead (ADMIN) of the
organisation is told instead, and the notification says that nobody was on duty.
The email names channel, time and label and links to the item; it never carries the
comment's text, which may hold someone's health data.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from carecast.core.models import Organisation, Person, Role
from carecast.inbox import queue
from carecast.inbox.models import DutyShift, InboxItem, Notification
from carecast.rights import may_publish_to

log = logging.getLogger(__name__)
QUICK_SHIFT = dt.timedelta(hours=8)


def shifts_now(organisation: Organisation, now: dt.datetime | None = None):
    now = now or timezone.now()
    return DutyShift.objects.filter(
        organisation=organisation, starts_at__lte=now, ends_at__gt=now
    ).select_related("person__user")


def on_duty(organisation: Organisation, now: dt.datetime | None = None) -> list[Person]:
    """The people whose shift covers ``now`` (each once), in shift order."""
    people: dict[int, Person] = {}
    for shift in shifts_now(organisation, now):
        people.setdefault(shift.person_id, shift.person)
    return list(people.values())


def can_see(person: Person, channel) -> bool:
    """Whether ``person`` can act on the channel's items (``rights.may_publish_to``)."""
    return may_publish_to(person, channel)


def recipients(
    organisation: Organisation, now: dt.datetime | None = None, channel=None
) -> tuple[list[Person], bool]:
    """Who to tell now, and whether that is the fallback because nobody is on duty.

    Someone on duty who cannot open the channel's items (a department editor, another
    department's channel) cannot help: they do not count as on duty for this item.
    """
    people = [p for p in on_duty(organisation, now) if channel is None or can_see(p, channel)]
    if people:
        return people, False
    admins = Person.objects.filter(organisation=organisation, role=Role.ADMIN).select_related(
        "user"
    )
    return list(admins.order_by("pk")), True


def take_over_now(person: Person, actor=None, now: dt.datetime | None = None) -> DutyShift:
    """A shift for ``person`` from now for eight hours ("Ich übernehme jetzt")."""
    now = now or timezone.now()
    return DutyShift.objects.create(
        organisation_id=person.organisation_id,
        person=person,
        starts_at=now,
        ends_at=now + QUICK_SHIFT,
        created_by=actor,
    )


def notify_emergency(item: InboxItem) -> list[Notification]:
    """Tell whoever is on duty about ``item``; returns the notifications created by this call.

    Safe to call twice or from two workers at once: the item is claimed by a
    conditional UPDATE and each (item, recipient) is unique, so nobody is told twice.
    Emails go out after commit; a failed email is recorded and never undoes the
    in-app notification.
    """
    now = timezone.now()
    if not InboxItem.objects.filter(pk=item.pk, notified_at__isnull=True).update(notified_at=now):
        return []
    item.notified_at = now
    people, nobody = recipients(item.organisation, now, item.channel)
    created = []
    for person in people:
        try:
            with transaction.atomic():
                created.append(
                    Notification.objects.create(recipient=person, item=item, nobody_on_duty=nobody)
                )
        except IntegrityError:
            continue  # already told
    ids = [n.pk for n in created]
    transaction.on_commit(lambda: _enqueue_emails(ids))
    return created


def _enqueue_emails(ids: list[int]) -> None:
    queue.send_emails_later(ids)


def send_emails(notification_ids: list[int]) -> None:
    for notification in Notification.objects.filter(
        pk__in=notification_ids, emailed_at__isnull=True
    ).select_related(
        "recipient__user",
        "item__channel",
        "item__organisation",
        "spike__channel",
        "spike__organisation",
    ):
        email_one(notification)


def email_one(notification: Notification) -> bool:
    """Send one notification's email; record success or the error on the notification."""
    address = notification.recipient.user.email
    if not address:
        _record(notification, error=_("No email address on file."))
        return False
    try:
        message = build_email(notification)
        message.send(fail_silently=False)
    except Exception as exc:  # SMTP down, refused, misconfigured: the in-app notice stands
        log.warning("Emergency email to person %s failed: %s", notification.recipient_id, exc)
        _record(notification, error=f"{type(exc).__name__}: {exc}"[:1000])
        return False
    _record(notification, sent=True)
    return True


def _record(notification: Notification, *, sent: bool = False, error: str = "") -> None:
    fields = {"emailed_at": timezone.now(), "email_error": ""} if sent else {"email_error": error}
    Notification.objects.filter(pk=notification.pk).update(**fields)
    for name, value in fields.items():
        setattr(notification, name, value)


def item_link(item: InboxItem) -> str:
    return settings.CARECAST_PUBLIC_URL.rstrip("/") + reverse("inbox:item", args=[item.pk])


def build_email(notification: Notification) -> EmailMessage:
    """Subject and body in German (the team's language). No comment text: health data."""
    if notification.spike_id:
        return spike_email(notification)
    item = notification.item
    assert item is not None
    zone = _zone(item.organisation)
    with translation.override("de"), timezone.override(zone):
        when = timezone.localtime(item.received_at).strftime("%d.%m.%Y %H:%M")
        context = {"channel": item.channel.name, "when": when, "link": item_link(item)}
        subject = _("Emergency in the inbox: %(channel)s, %(when)s") % context
        lines = [
            _("A comment on %(channel)s looks like an emergency (received %(when)s).") % context,
            _("Label: Emergency"),
            "",
            _("Open it and reply with the ready text pointing to 112:"),
            context["link"],
        ]
        if notification.nobody_on_duty:
            lines += ["", _("Nobody was on duty, so every communications lead is told.")]
        lines += ["", _("The comment itself is not in this email: it may contain health data.")]
    return EmailMessage(subject, "\n".join(lines), to=[notification.recipient.user.email])


def _zone(organisation: Organisation):
    from zoneinfo import ZoneInfo

    return ZoneInfo(organisation.timezone or settings.CARECAST_DEFAULT_TIMEZONE)


def spike_email(notification: Notification) -> EmailMessage:
    """A spike of negative comments (``inbox.spikes``): channel, post, how many; no texts."""
    spike = notification.spike
    assert spike is not None
    with translation.override("de"), timezone.override(_zone(spike.organisation)):
        context = {
            "channel": spike.channel.name,
            "count": spike.count,
            "when": timezone.localtime(spike.started_at).strftime("%d.%m.%Y %H:%M"),
            "link": settings.CARECAST_PUBLIC_URL.rstrip("/")
            + reverse("inbox:list")
            + f"?channel={spike.channel_id}&label=complaint",
        }
        subject = _("Many negative comments on %(channel)s") % context
        where = _("on one post") if spike.post_id else _("on the channel")
        lines = [
            _("%(count)s complaints or insults %(where)s of %(channel)s since %(when)s.")
            % {**context, "where": where},
            _("That is far more than usual. Please have a look:"),
            context["link"],
        ]
        if notification.nobody_on_duty:
            lines += ["", _("Nobody was on duty, so every communications lead is told.")]
    return EmailMessage(subject, "\n".join(lines), to=[notification.recipient.user.email])
