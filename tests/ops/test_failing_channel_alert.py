"""The leads hear once when publishing to a channel keeps failing, not at every failure."""

import datetime as dt

from django.core import mail

from carecast.ops import alerts
from carecast.ops.models import ChannelIncident
from carecast.publishing.models import Attempt, State

NOW = dt.datetime(2026, 12, 7, 9, 0, tzinfo=dt.UTC)
ERROR, SUCCESS = Attempt.Outcome.ERROR, Attempt.Outcome.SUCCESS


def _fail(publication, attempt_on, minutes):
    when = NOW + dt.timedelta(minutes=minutes)
    attempt_on(publication, ERROR, when, status=422, message="Text zu lang (X: 280 Zeichen)")


def test_it_mails_the_leads_once_per_incident(
    anna, ben, settings, channel_on, publication_on, attempt_on
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.CARECAST_FAILING_CHANNEL_ATTEMPTS = 3
    x = channel_on("x")
    post = publication_on(x, state=State.FAILED, due_at=NOW)
    _fail(post, attempt_on, 1)
    _fail(post, attempt_on, 2)
    assert alerts.check_channels(now=NOW + dt.timedelta(minutes=3)) == 0  # two are not enough
    _fail(post, attempt_on, 3)
    assert alerts.check_channels(now=NOW + dt.timedelta(minutes=4)) == 1
    _fail(post, attempt_on, 5)
    assert alerts.check_channels(now=NOW + dt.timedelta(minutes=6)) == 0  # same incident
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["anna@klinikum.test"]  # the lead, not Ben
    assert message.subject == "Veröffentlichen auf x – klinikum schlägt wiederholt fehl"
    assert "Text zu lang" in message.body

    attempt_on(post, SUCCESS, NOW + dt.timedelta(minutes=7), status=200)
    alerts.check_channels(now=NOW + dt.timedelta(minutes=8))
    assert ChannelIncident.objects.get().closed_at == NOW + dt.timedelta(minutes=8)
    for minute in (9, 10, 11):
        _fail(post, attempt_on, minute)
    assert alerts.check_channels(now=NOW + dt.timedelta(minutes=12)) == 1
    assert len(mail.outbox) == 2


def test_it_opens_one_incident_when_two_workers_check_at_once(
    anna, settings, channel_on, publication_on, attempt_on
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    x = channel_on("x")
    post = publication_on(x, state=State.FAILED, due_at=NOW)
    for minute in (1, 2, 3):
        _fail(post, attempt_on, minute)
    latest = post.attempts.order_by("-pk").first()
    assert alerts.open_incident(x, latest, NOW) == 1
    assert alerts.open_incident(x, latest, NOW) == 0
    assert len(mail.outbox) == 1
