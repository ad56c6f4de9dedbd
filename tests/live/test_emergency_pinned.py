"""A possible emergency among the questions: pinned for the moderator, the people on duty told."""

from __future__ import annotations

import datetime as dt

from django.core import mail
from django.test import Client

from carecast.core.models import AuditLog, Person
from carecast.inbox.models import DutyShift
from carecast.live import actions, alerts
from carecast.live.models import Alert, Question, Status
from tests.live.conftest import MODERATION_NOW

EMERGENCY = "Meine Mutter ist bewusstlos und hat Brustschmerzen, was sollen wir tun?"
ORDINARY = "Darf der Partner bei einem Kaiserschnitt dabei sein?"
NOW = MODERATION_NOW


def on_duty(person: Person, hours_from: float = -1, hours_to: float = 7) -> DutyShift:
    return DutyShift.objects.create(
        organisation=person.organisation,
        person=person,
        starts_at=NOW + dt.timedelta(hours=hours_from),
        ends_at=NOW + dt.timedelta(hours=hours_to),
    )


def login(person) -> Client:
    client = Client()
    client.force_login(person.user)
    return client


def ask(client, text):
    response = client.post("/live/geburt/ask/", {"text": text, "nickname": "Klaus"})
    assert response.status_code == 200
    return Question.objects.get(text=text)


def test_it_tells_the_person_on_duty_once_in_carecast_and_by_email(
    session, client, anna, ben, django_capture_on_commit_callbacks
):
    on_duty(ben)
    on_duty(anna, hours_from=2, hours_to=10)  # later today: not on duty now
    with django_capture_on_commit_callbacks(execute=True):
        question = ask(client, EMERGENCY)
    [alert] = Alert.objects.all()
    assert alert.recipient == ben and not alert.nobody_on_duty
    assert alert.question == question and alert.emailed_at == NOW
    question.refresh_from_db()
    assert question.notified_at == NOW
    assert alerts.notify(question) == []  # a second call tells nobody again
    [email] = mail.outbox
    assert email.to == ["ben@klinikum.test"]
    assert "Live-Sprechstunde Geburt" in email.subject and "07.12.2026 19:30" in email.subject
    assert "/live/geburt/moderate/" in email.body
    # Never the question itself: it may hold someone's health data.
    assert "bewusstlos" not in email.body and "Brustschmerzen" not in email.body


def test_it_tells_every_lead_when_nobody_is_on_duty(
    session, client, anna, ben, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ask(client, EMERGENCY)
    [alert] = Alert.objects.all()
    assert alert.recipient == anna and alert.nobody_on_duty
    assert "niemand" in mail.outbox[0].body.lower()


def test_an_ordinary_question_tells_nobody(
    session, client, ben, django_capture_on_commit_callbacks
):
    on_duty(ben)
    with django_capture_on_commit_callbacks(execute=True):
        question = ask(client, ORDINARY)
    assert question.flags == [] and question.notified_at is None
    assert not Alert.objects.exists() and mail.outbox == []


def test_it_pins_the_emergency_above_every_column_with_a_marker(session, client, anna, ben):
    on_duty(ben)
    ask(client, ORDINARY)
    emergency = ask(client, EMERGENCY)
    body = login(anna).get("/live/geburt/moderate/").content.decode()
    pinned = body.index('class="queue-alerts"')
    assert pinned < body.index('id="pending-title"') < body.index(ORDINARY)
    assert pinned < body.index(f'id="mq-{emergency.pk}"') < body.index('id="pending-title"')
    assert "Angeheftet" in body and "Informiert: ben" in body
    assert body.count(f'id="mq-{emergency.pk}"') == 1  # pinned, not shown twice


def test_it_unpins_and_marks_the_notice_read_once_dealt_with(
    session, client, anna, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        question = ask(client, EMERGENCY)
    desk = login(anna)
    listing = desk.get("/live/").content.decode()
    assert "Mögliche Notfälle" in listing and f"#mq-{question.pk}" in listing
    actions.edit(question, "Was tun bei Bewusstseinsstörungen im Alter?", anna.user)
    actions.approve(question, anna.user)
    assert Alert.objects.get().read_at == NOW
    assert 'class="queue-alerts"' not in desk.get("/live/geburt/moderate/").content.decode()
    assert "Mögliche Notfälle" not in desk.get("/live/").content.decode()
    assert AuditLog.objects.filter(action="live.approved").exists()


def test_a_failed_email_keeps_the_notice_and_records_why(
    session, client, anna, settings, django_capture_on_commit_callbacks
):
    anna.user.email = ""
    anna.user.save()
    with django_capture_on_commit_callbacks(execute=True):
        ask(client, EMERGENCY)
    alert = Alert.objects.get()
    assert alert.emailed_at is None and alert.email_error
    assert Question.objects.get().status == Status.PENDING
