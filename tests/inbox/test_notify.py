"""Emergencies tell whoever is on duty, exactly once, in the app and by email (without the text)."""

from __future__ import annotations

import datetime as dt
import socket
from email import message_from_bytes

import pytest
from django.core import mail
from django.utils import timezone

from carecast.inbox import duty, fetch
from carecast.inbox.models import DutyShift, InboxItem, Notification

EMERGENCY = "Meine Mutter ist bewusstlos und hat Brustschmerzen, Station 4 hilft nicht!"


@pytest.fixture
def shift(anna, ben):
    def make(person, hours_from: float = -1, hours_to: float = 7) -> DutyShift:
        now = timezone.now()
        return DutyShift.objects.create(
            organisation=person.organisation,
            person=person,
            starts_at=now + dt.timedelta(hours=hours_from),
            ends_at=now + dt.timedelta(hours=hours_to),
        )

    return make


def test_it_tells_the_person_on_duty_once(
    mastodon, comment, shift, ben, anna, django_capture_on_commit_callbacks
):
    shift(ben)
    shift(anna, hours_from=2, hours_to=10)  # later today: not on duty now
    comment(EMERGENCY)
    with django_capture_on_commit_callbacks(execute=True):
        fetch.fetch_channel(mastodon)
    [notification] = Notification.objects.all()
    assert notification.recipient == ben and not notification.nobody_on_duty
    item = InboxItem.objects.get()
    assert duty.notify_emergency(item) == []  # a second call tells nobody again
    assert Notification.objects.count() == 1
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["ben@klinikum.test"]


def test_it_tells_every_admin_when_nobody_is_on_duty(
    mastodon, comment, anna, ben, django_capture_on_commit_callbacks
):
    comment(EMERGENCY)
    with django_capture_on_commit_callbacks(execute=True):
        fetch.fetch_channel(mastodon)
    [notification] = Notification.objects.all()
    assert notification.recipient == anna and notification.nobody_on_duty
    assert "Nobody was on duty" in mail.outbox[0].body or "niemand" in mail.outbox[0].body.lower()


def test_a_department_editor_on_duty_cannot_help_with_another_departments_channel(
    mastodon, comment, anna, clara, shift, django_capture_on_commit_callbacks
):
    shift(clara)
    comment(EMERGENCY)
    with django_capture_on_commit_callbacks(execute=True):
        fetch.fetch_channel(mastodon)
    assert [n.recipient for n in Notification.objects.all()] == [anna]


def test_the_email_names_channel_time_label_and_link_but_not_the_text(
    mastodon, comment, ben, shift, django_capture_on_commit_callbacks
):
    shift(ben)
    comment(EMERGENCY)
    with django_capture_on_commit_callbacks(execute=True):
        fetch.fetch_channel(mastodon)
    [message] = mail.outbox
    item = InboxItem.objects.get()
    everything = message.subject + message.body
    assert "Mastodon – Klinikum" in everything and "Notfall" in everything
    assert f"/inbox/{item.pk}/" in message.body
    for fragment in ("bewusstlos", "Brustschmerzen", "Station 4", "Mutter"):
        assert fragment not in everything
    assert Notification.objects.get().emailed_at is not None


def test_non_emergencies_tell_nobody(mastodon, comment, ben, shift):
    shift(ben)
    comment("Wann sind die Besuchszeiten auf der Geburtsstation?")
    fetch.fetch_channel(mastodon)
    assert not Notification.objects.exists() and not mail.outbox


def test_a_failed_email_is_recorded_and_the_notification_stays(
    mastodon, comment, ben, shift, settings, django_capture_on_commit_callbacks
):
    shift(ben)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = (
        "127.0.0.1",
        _closed_port(),
        2,
    )
    comment(EMERGENCY)
    with django_capture_on_commit_callbacks(execute=True):
        fetch.fetch_channel(mastodon)
    notification = Notification.objects.get()
    assert notification.emailed_at is None and "Connection" in notification.email_error
    assert InboxItem.objects.get().is_emergency


# --- a real SMTP server on 127.0.0.1 ---------------------------------------------------------


class Collect:
    def __init__(self) -> None:
        self.messages: list[tuple[list[str], bytes]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.messages.append(
            (list(envelope.rcpt_tos), envelope.original_content or envelope.content)
        )
        return "250 OK"


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server():
    from aiosmtpd.controller import Controller

    handler = Collect()
    controller = Controller(handler, hostname="127.0.0.1", port=_closed_port())
    controller.start()
    try:
        yield controller, handler
    finally:
        controller.stop()


def test_it_emails_through_a_real_smtp_server(
    mastodon, comment, ben, shift, settings, smtp_server, django_capture_on_commit_callbacks
):
    controller, handler = smtp_server
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = controller.hostname, controller.port
    settings.EMAIL_USE_TLS = False
    settings.DEFAULT_FROM_EMAIL = "carecast <carecast@klinikum.test>"
    shift(ben)
    comment(EMERGENCY)
    with django_capture_on_commit_callbacks(execute=True):
        fetch.fetch_channel(mastodon)
    [(recipients, raw)] = handler.messages
    assert recipients == ["ben@klinikum.test"]
    message = message_from_bytes(raw)
    body = message.get_payload(decode=True).decode(message.get_content_charset() or "utf-8")
    assert "Notfall" in str(message["Subject"]) or "Notfall" in body
    assert "/inbox/" in body
    assert "bewusstlos" not in body and b"bewusstlos" not in raw and "Brustschmerzen" not in body
    assert Notification.objects.get().emailed_at is not None
