"""A spike of negative comments (complaints, abuse) on one post or one channel.

Checked whenever a negative comment arrives: within the organisation's window there are at
least ``threshold`` of them on the post (or the channel), and ``factor`` times more than in
a usual window of the last seven days. Then the people on duty are told through the same
path as an emergency (``duty.recipients``, a ``Notification``, an e-mail after commit) —
once per spike: one alert stays open per post or channel (a partial unique constraint)
until a whole window passes without a new negative comment there.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from carecast.inbox import queue
from carecast.inbox.duty import recipients
from carecast.inbox.models import InboxItem, Notification, SpikeAlert, SpikeSettings

NEGATIVE = ("complaint", "abuse")
HISTORY = dt.timedelta(days=7)


def settings_for(organisation) -> SpikeSettings:
    found, _created = SpikeSettings.objects.get_or_create(organisation=organisation)
    return found


def is_negative(item: InboxItem) -> bool:
    return any(label in item.labels for label in NEGATIVE)


def _negative(items: QuerySet) -> QuerySet:
    query = Q()
    for label in NEGATIVE:
        query |= Q(label_index__contains=f",{label},")
    return items.filter(query)


def check(item: InboxItem, now: dt.datetime | None = None) -> list[SpikeAlert]:
    """After ``item`` was stored: the alerts that started with it (usually none)."""
    if not is_negative(item):
        return []
    now = now or timezone.now()
    rules = settings_for(item.organisation)
    scopes = [item.in_reply_to] if item.in_reply_to else []
    started = [_check_scope(item, post_id, rules, now) for post_id in [*scopes, ""]]
    return [alert for alert in started if alert is not None]


def _check_scope(item: InboxItem, post_id: str, rules: SpikeSettings, now) -> SpikeAlert | None:
    window = dt.timedelta(minutes=rules.window_minutes)
    scope = InboxItem.objects.filter(channel_id=item.channel_id)
    if post_id:
        scope = scope.filter(in_reply_to=post_id)
    negative = _negative(scope)
    count = negative.filter(received_at__gt=now - window, received_at__lte=now).count()
    _close_quiet(item.channel_id, post_id, now - window)
    open_alert = SpikeAlert.objects.filter(
        channel_id=item.channel_id, post_id=post_id, ended_at__isnull=True
    )
    if open_alert.update(last_at=now, count=count):
        return None  # the same spike goes on: the team was told already
    before = negative.filter(received_at__gt=now - window - HISTORY, received_at__lte=now - window)
    usual = before.count() / (HISTORY / window)
    if count < rules.threshold or count < rules.factor * usual:
        return None
    return _start(item, post_id, count, usual, now)


def _close_quiet(channel_id: int, post_id: str, quiet_since: dt.datetime) -> None:
    """An open alert whose last negative comment is a whole window ago is over."""
    SpikeAlert.objects.filter(
        channel_id=channel_id, post_id=post_id, ended_at__isnull=True, last_at__lte=quiet_since
    ).update(ended_at=timezone.now())


def _start(item: InboxItem, post_id: str, count: int, usual: float, now) -> SpikeAlert | None:
    try:
        with transaction.atomic():
            alert = SpikeAlert.objects.create(
                organisation=item.organisation,
                channel=item.channel,
                post_id=post_id,
                started_at=now,
                last_at=now,
                count=count,
                usual=round(usual, 2),
            )
    except IntegrityError:  # another worker opened it a moment ago: it tells the team
        return None
    notify(alert, now)
    return alert


def notify(alert: SpikeAlert, now: dt.datetime) -> list[Notification]:
    """Tell whoever is on duty (every lead when nobody is): in carecast, and by e-mail."""
    people, nobody = recipients(alert.organisation, now, alert.channel)
    created = []
    for person in people:
        try:
            with transaction.atomic():
                created.append(
                    Notification.objects.create(
                        recipient=person, spike=alert, nobody_on_duty=nobody
                    )
                )
        except IntegrityError:
            continue
    ids = [n.pk for n in created]
    transaction.on_commit(lambda: queue.send_emails_later(ids))
    return created


def current(channels: QuerySet, now: dt.datetime | None = None) -> list[SpikeAlert]:
    """Open spikes on ``channels`` nobody has marked as seen, for the inbox banner."""
    now = now or timezone.now()
    alerts = SpikeAlert.objects.filter(
        channel__in=channels, ended_at__isnull=True, seen_at__isnull=True
    ).select_related("channel", "organisation")
    return [a for a in alerts if a.last_at > now - _window(a)]


def _window(alert: SpikeAlert) -> dt.timedelta:
    return dt.timedelta(minutes=settings_for(alert.organisation).window_minutes)


def mark_seen(alert: SpikeAlert, user) -> bool:
    now = timezone.now()
    done = SpikeAlert.objects.filter(pk=alert.pk, seen_at__isnull=True).update(
        seen_at=now, seen_by=user
    )
    Notification.objects.filter(spike=alert, read_at__isnull=True).update(read_at=now)
    return bool(done)


def save_settings(rules: SpikeSettings, actor) -> None:
    from carecast.core import audit

    rules.save()
    audit.record(
        rules.organisation,
        "inbox.spike_settings",
        "",
        actor,
        threshold=rules.threshold,
        window_minutes=rules.window_minutes,
        factor=rules.factor,
    )
