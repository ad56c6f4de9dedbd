"""Tell the leads by e-mail when publishing to a channel keeps failing: once per incident.

An incident opens when a channel's last ``CARECAST_FAILING_CHANNEL_ATTEMPTS`` finished
attempts all failed, and closes at its next success. The one-open-incident-per-channel
constraint makes two workers checking at once send one e-mail, not two.
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

from carecast.core.models import Person, Role
from carecast.networks.models import Channel
from carecast.ops.models import ChannelIncident
from carecast.publishing.models import Attempt

log = logging.getLogger(__name__)
FAILED = (Attempt.Outcome.ERROR, Attempt.Outcome.RETRY, Attempt.Outcome.UNKNOWN)
SUCCEEDED = (Attempt.Outcome.SUCCESS, Attempt.Outcome.RECOVERED)
# Only channels that failed this recently are looked at.
WINDOW = dt.timedelta(days=1)


def recent_outcomes(channel: Channel, count: int) -> list[Attempt]:
    return list(
        Attempt.objects.filter(publication__channel=channel, finished_at__isnull=False)
        .exclude(outcome=Attempt.Outcome.PENDING)
        .order_by("-finished_at", "-pk")[:count]
    )


def check_channels(now: dt.datetime | None = None) -> int:
    """Open and close incidents; returns how many incidents were opened."""
    now = now or timezone.now()
    count = settings.CARECAST_FAILING_CHANNEL_ATTEMPTS
    failing_ids = set(
        Attempt.objects.filter(outcome__in=FAILED, finished_at__gte=now - WINDOW).values_list(
            "publication__channel_id", flat=True
        )
    )
    open_ids = set(
        ChannelIncident.objects.filter(closed_at__isnull=True).values_list("channel_id", flat=True)
    )
    opened = 0
    for channel in Channel.objects.filter(pk__in=failing_ids | open_ids).select_related(
        "organisation"
    ):
        outcomes = recent_outcomes(channel, count)
        if channel.pk in open_ids:
            if outcomes and outcomes[0].outcome in SUCCEEDED:
                ChannelIncident.objects.filter(channel=channel, closed_at__isnull=True).update(
                    closed_at=now
                )
        elif len(outcomes) == count and all(a.outcome in FAILED for a in outcomes):
            opened += open_incident(channel, outcomes[0], now)
    return opened


def open_incident(channel: Channel, latest: Attempt, now: dt.datetime) -> int:
    try:
        with transaction.atomic():
            incident = ChannelIncident.objects.create(
                channel=channel, opened_at=now, reason=latest.message[:1000]
            )
    except IntegrityError:
        return 0  # another worker opened it a moment ago and tells the leads
    tell_leads(incident)
    return 1


def lead_addresses(channel: Channel) -> list[str]:
    people = Person.objects.filter(
        organisation=channel.organisation, role=Role.ADMIN, user__is_active=True
    ).exclude(user__email="")
    return sorted(people.values_list("user__email", flat=True))


def tell_leads(incident: ChannelIncident) -> bool:
    """German e-mail (the team's language) naming the channel, the error and where to look."""
    channel = incident.channel
    addresses = lead_addresses(channel)
    if not addresses:
        return False
    link = settings.CARECAST_PUBLIC_URL.rstrip("/") + reverse("web:channels")
    with translation.override("de"):
        subject = _("Publishing to %(channel)s keeps failing") % {"channel": channel.name}
        body = _(
            "carecast could not publish to the channel %(channel)s several times in a row.\n\n"
            "Last error: %(reason)s\n\n"
            "Please check the channel: %(link)s\n\n"
            "You will hear from carecast again only if the channel fails again after it has "
            "worked."
        ) % {"channel": channel.name, "reason": incident.reason or "-", "link": link}
    try:
        EmailMessage(subject, body, to=addresses).send(fail_silently=False)
    except Exception as error:  # noqa: BLE001 - the incident stands; the log says why
        log.warning("failing-channel e-mail for channel %s: %s", channel.pk, error)
        return False
    return True
