"""The inbox and duty pages: who sees what, the guard in the reply form, escaped comment text."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from carecast.inbox import fetch
from carecast.inbox.models import DutyShift, InboxItem, InboxReply, Notification, ReplyState, Status
from carecast.networks.models import Channel
from tests.inbox.conftest import client_for

EMERGENCY = "Hilfe, mein Mann ist bewusstlos! <script>alert(1)</script>"


@pytest.fixture
def items(mastodon, comment, geburtshilfe, channel_on, anna, django_capture_on_commit_callbacks):
    """An emergency and a question on the hospital's channel, praise on Geburtshilfe's; Anna told."""
    comment(EMERGENCY)
    comment("Wie sind die Besuchszeiten?", handle="jonas")
    births = channel_on(
        "mastodon", handle="geburt", name="Mastodon – Geburtshilfe", department=geburtshilfe
    )
    comment("Danke an die Hebammen, ihr seid großartig!", handle="mia", mention="geburt")
    with django_capture_on_commit_callbacks(execute=True):
        fetch.fetch_all()
    return {
        "emergency": InboxItem.objects.get(is_emergency=True),
        "question": InboxItem.objects.get(author="jonas"),
        "praise": InboxItem.objects.get(channel=births),
    }


def test_it_pins_emergencies_with_the_ready_reply_and_escapes_the_text(items, anna):
    response = client_for(anna).get(reverse("inbox:list"))
    html = response.content.decode()
    assert response.status_code == 200
    pinned = html.index('class="inbox-pinned"')
    assert (
        pinned
        < html.index(f'id="item-{items["emergency"].pk}"')
        < html.index(f'id="item-{items["question"].pk}"')
    )
    assert "112" in html and "Notfall" in html
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
    assert "bewusstlos" in html  # the "warum?" words


def test_the_navigation_shows_the_unread_emergency_badge(items, anna):
    html = client_for(anna).get(reverse("web:dashboard")).content.decode()
    assert "Posteingang" in html and 'class="nav-alert"' in html


def test_a_department_editor_sees_only_her_departments_channels(items, clara):
    client = client_for(clara)
    html = client.get(reverse("inbox:list") + "?status=all").content.decode()
    assert "Hebammen" in html and "Besuchszeiten" not in html and "bewusstlos" not in html
    assert client.get(reverse("inbox:item", args=[items["emergency"].pk])).status_code == 404
    response = client.post(reverse("inbox:reply", args=[items["question"].pk]), {"text": "Hallo"})
    assert response.status_code == 404 and not InboxReply.objects.exists()


def test_outsiders_and_anonymous_people_get_nothing(items, django_user_model):
    assert Client().get(reverse("inbox:list")).status_code == 302
    otto = django_user_model.objects.create_user("otto", "otto@example.test", "pw-otto")
    client = Client()
    client.force_login(otto)
    assert client.get(reverse("inbox:list")).status_code == 403


def test_filters_by_label_channel_and_status(items, anna):
    client = client_for(anna)
    html = client.get(reverse("inbox:list") + "?label=praise").content.decode()
    assert "Hebammen" in html and "Besuchszeiten" not in html
    channel = items["question"].channel_id
    html = client.get(reverse("inbox:list") + f"?channel={channel}&status=all").content.decode()
    assert "Besuchszeiten" in html and "Hebammen" not in html
    items["question"].status = Status.DONE
    items["question"].save()
    assert "Besuchszeiten" not in client.get(reverse("inbox:list")).content.decode()
    assert "Besuchszeiten" in client.get(reverse("inbox:list") + "?status=done").content.decode()


def test_a_blocked_reply_keeps_the_text_and_says_why(items, ben):
    text = "Ihr Aufenthalt auf Station 4 tut uns leid."
    response = client_for(ben).post(
        reverse("inbox:reply", args=[items["question"].pk]), {"text": text}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert (
        text in html and "privacy.patient_confirmation" in html and "nicht gesendet" in html.lower()
    )
    assert not InboxReply.objects.exists()


def test_a_safe_reply_is_sent_and_the_emergency_badge_goes(
    items, anna, sandbox, django_capture_on_commit_callbacks
):
    client = client_for(anna)
    item = items["emergency"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("inbox:reply", args=[item.pk]),
            {"text": "Bitte rufen Sie sofort die 112 an. Wir melden uns privat."},
            HTTP_HX_REQUEST="true",
        )
    assert response.status_code == 200 and "data-reply-state=" in response.content.decode()
    assert InboxReply.objects.get().state == ReplyState.SENT
    assert Notification.objects.filter(read_at__isnull=True).count() == 0
    item.refresh_from_db()
    assert item.status == Status.ANSWERED


def test_mark_done_and_reopen(items, ben):
    client = client_for(ben)
    item = items["question"]
    client.post(reverse("inbox:status", args=[item.pk]), {"status": "done"})
    item.refresh_from_db()
    assert item.status == Status.DONE and item.handled_by == ben.user
    client.post(reverse("inbox:status", args=[item.pk]), {"status": "open"})
    item.refresh_from_db()
    assert item.status == Status.OPEN


def test_a_channel_error_is_shown_on_the_inbox(items, anna, sandbox):
    channel = items["question"].channel
    sandbox.inject_fault(network="mastodon", status=503, times=None)
    fetch.fetch_channel(channel)
    html = client_for(anna).get(reverse("inbox:list")).content.decode()
    assert "Mastodon – Klinikum" in html and "inbox-channel-error" in html


# --- the duty rota ---------------------------------------------------------------------------


def test_the_rota_lists_shifts_and_takes_over_now(anna, ben):
    now = timezone.now()
    DutyShift.objects.create(
        organisation=anna.organisation,
        person=anna,
        starts_at=now + dt.timedelta(hours=8),
        ends_at=now + dt.timedelta(hours=16),
    )
    client = client_for(ben)
    response = client.post(reverse("inbox:duty_take"))
    assert response.status_code == 302
    shift = DutyShift.objects.get(person=ben)
    assert shift.starts_at <= timezone.now() and shift.ends_at - shift.starts_at == dt.timedelta(
        hours=8
    )
    html = client.get(reverse("inbox:duty")).content.decode()
    assert "Ich übernehme jetzt (8 h)" in html
    assert html.index("ben") < html.index("anna")  # on duty now, then upcoming


def test_an_admin_adds_and_deletes_a_shift(anna, ben):
    client = client_for(anna)
    response = client.post(
        reverse("inbox:duty"),
        {"person": ben.pk, "starts_at": "2030-01-06T08:00", "ends_at": "2030-01-06T16:00"},
    )
    assert response.status_code == 302
    shift = DutyShift.objects.get()
    assert shift.starts_at.hour == 7  # 08:00 in Berlin is 07:00 UTC in winter
    bad = client.post(
        reverse("inbox:duty"),
        {"person": ben.pk, "starts_at": "2030-01-06T16:00", "ends_at": "2030-01-06T08:00"},
    )
    assert bad.status_code == 200 and DutyShift.objects.count() == 1
    client.post(reverse("inbox:duty_delete", args=[shift.pk]))
    assert not DutyShift.objects.exists()


def test_a_department_editor_cannot_plan_others_shifts(clara, ben):
    client = client_for(clara)
    response = client.post(
        reverse("inbox:duty"),
        {"person": ben.pk, "starts_at": "2030-01-06T08:00", "ends_at": "2030-01-06T16:00"},
    )
    assert response.status_code == 403 and not DutyShift.objects.exists()
    now = timezone.now()
    shift = DutyShift.objects.create(
        organisation=ben.organisation,
        person=ben,
        starts_at=now,
        ends_at=now + dt.timedelta(hours=1),
    )
    assert client.post(reverse("inbox:duty_delete", args=[shift.pk])).status_code == 403


def test_the_empty_inbox_explains_itself(anna):
    html = client_for(anna).get(reverse("inbox:list")).content.decode()
    assert "Keine offenen Kommentare" in html


def test_channels_of_another_organisation_stay_out(items, anna, django_user_model):
    from carecast.core.models import Organisation, Person, Role

    other = Organisation.objects.create(name="Anderes Klinikum", slug="anderes")
    user = django_user_model.objects.create_user("eva", "eva@example.test", "pw")
    eva = Person.objects.create(user=user, organisation=other, role=Role.ADMIN)
    client = client_for(eva)
    assert client.get(reverse("inbox:item", args=[items["question"].pk])).status_code == 404
    assert "Besuchszeiten" not in client.get(reverse("inbox:list")).content.decode()
    assert Channel.objects.filter(organisation=other).count() == 0


def test_an_empty_reply_says_so(items, ben):
    response = client_for(ben).post(
        reverse("inbox:reply", args=[items["question"].pk]), {"text": "  "}, HTTP_HX_REQUEST="true"
    )
    assert "Die Antwort ist leer." in response.content.decode()
    assert not InboxReply.objects.exists()


def test_the_card_says_who_was_told_about_an_emergency(items, anna):
    html = client_for(anna).get(reverse("inbox:list")).content.decode()
    assert "Niemand hatte Dienst:" in html and "Informiert:" in html and "E-Mail gesendet" in html


def test_the_ready_reply_speaks_the_commenters_language(
    mastodon, comment, anna, django_capture_on_commit_callbacks
):
    comment("My husband collapsed and is not breathing, please help", handle="sam")
    comment("Mein Mann ist zusammengebrochen und atmet nicht", handle="lena")
    with django_capture_on_commit_callbacks(execute=True):
        fetch.fetch_all()
    html = client_for(anna).get(reverse("inbox:list")).content.decode()
    english, german = (InboxItem.objects.get(author=a) for a in ("sam", "lena"))
    assert english.is_emergency and german.is_emergency
    sam_card = html[html.index(f'id="item-{english.pk}"') :]
    lena_card = html[html.index(f'id="item-{german.pk}"') :]
    assert "Please call 112 now" in sam_card.split('id="item-')[1]
    assert "Bitte rufen Sie sofort die 112" in lena_card.split('id="item-')[1]
