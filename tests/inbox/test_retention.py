"""Comment copies are erased after the retention period and on request; the numbers stay."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from carecast.core.models import AuditLog
from carecast.inbox import fetch
from carecast.inbox.models import ChannelInbox, Erasure, InboxItem, InboxReply, ReplyState
from carecast.inbox.retention import erase_on_request, purge_expired
from carecast.inbox.tasks import purge_expired_comments
from tests.inbox.conftest import client_for

SECRET = "Ich bin Diabetikerin und liege auf der 4B"


@pytest.fixture
def items(mastodon, comment, django_capture_on_commit_callbacks):
    comment(SECRET + ", wann darf ich Besuch haben?", handle="lena")
    comment("Wie sind die Besuchszeiten?", handle="jonas")
    with django_capture_on_commit_callbacks(execute=True):
        fetch.fetch_all()
    return InboxItem.objects.get(author="lena"), InboxItem.objects.get(author="jonas")


def _age(item: InboxItem, days: int) -> None:
    InboxItem.objects.filter(pk=item.pk).update(
        received_at=timezone.now() - dt.timedelta(days=days)
    )


def test_old_comments_lose_words_and_names_but_keep_their_numbers(items, org):
    old, recent = items
    InboxReply.objects.create(item=old, text="Liebe Lena, ...", state=ReplyState.SENT)
    org.comment_retention_days = 30
    org.save()
    _age(old, 31)
    _age(recent, 29)

    assert purge_expired() == 1

    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.text == old.author == old.author_id == old.url == ""
    assert old.reasons == {} and old.erased_at and old.erasure == Erasure.RETENTION
    assert "health_data" in old.labels  # the monthly numbers still count it
    assert old.replies.get().text == ""
    assert recent.text and recent.erased_at is None
    log = AuditLog.objects.get(action="inbox.retention")
    assert log.detail == {"erased": 1, "days": 30} and "Diabet" not in str(log.detail)
    assert purge_expired() == 0  # nothing erased twice


def test_an_erased_comment_does_not_come_back_on_the_next_read(items, mastodon):
    old, _recent = items
    _age(old, 400)
    purge_expired()
    ChannelInbox.objects.filter(channel=mastodon).update(since_id="")  # read everything again
    fetch.fetch_all()
    assert InboxItem.objects.count() == 2
    assert not InboxItem.objects.filter(text__contains="Diabetikerin").exists()


def test_a_reply_still_being_sent_keeps_its_comment_until_it_has_left(items):
    old, _recent = items
    reply = InboxReply.objects.create(item=old, text="Hallo", state=ReplyState.SENDING)
    _age(old, 400)
    assert purge_expired() == 0
    InboxReply.objects.filter(pk=reply.pk).update(state=ReplyState.SENT)
    assert purge_expired() == 1


def test_the_periodic_task_runs_the_purge(items):
    old, _recent = items
    _age(old, 400)
    assert purge_expired_comments.call_local() == 1


def test_an_erasure_request_erases_one_comment_now_and_is_audited(items, anna):
    old, recent = items
    assert erase_on_request(old, anna.user)
    assert not erase_on_request(old, anna.user)  # once
    old.refresh_from_db()
    assert old.erasure == Erasure.REQUEST and old.text == ""
    assert InboxItem.objects.get(pk=recent.pk).text
    log = AuditLog.objects.get(action="inbox.erased")
    assert log.actor == anna.user and "Diabet" not in f"{log.subject}{log.detail}"


def test_the_team_erases_from_the_inbox_and_the_page_says_so(items, ben):
    old, _recent = items
    client = client_for(ben)
    response = client.post(reverse("inbox:erase", args=[old.pk]), {"next": "/inbox/?status=all"})
    assert response.status_code == 302
    html = client.get(reverse("inbox:list") + "?status=all").content.decode()
    assert "Diabetikerin" not in html and "lena" not in html
    assert "auf Anfrage gelöscht" in html
    assert "nach 90 Tagen" in html  # the retention period, said on the page


def test_department_editors_and_viewers_cannot_erase(items, clara, django_user_model, org):
    old, _recent = items
    assert client_for(clara).post(reverse("inbox:erase", args=[old.pk])).status_code == 404
    from carecast.core.models import Person, Role

    user = django_user_model.objects.create_user("vera", "vera@example.test", "pw")
    viewer = Person.objects.create(user=user, organisation=org, role=Role.VIEWER)
    assert client_for(viewer).post(reverse("inbox:erase", args=[old.pk])).status_code == 403
    assert InboxItem.objects.get(pk=old.pk).text


def test_the_communications_lead_sets_the_retention_period(org, anna, ben):
    client = client_for(anna)
    assert "Kommentare aufbewahren (Tage)" in client.get(reverse("inbox:duty")).content.decode()
    response = client.post(reverse("inbox:retention"), {"comment_retention_days": "30"})
    assert response.status_code == 302
    org.refresh_from_db()
    assert org.comment_retention_days == 30
    log = AuditLog.objects.get(action="inbox.retention_period")
    assert log.actor == anna.user and log.detail == {"before": 90, "after": 30}

    too_short = client.post(reverse("inbox:retention"), {"comment_retention_days": "1"})
    assert (
        too_short.status_code == 200 and "Zwischen 7 und 3650 Tagen" in too_short.content.decode()
    )
    org.refresh_from_db()
    assert org.comment_retention_days == 30

    assert (
        client_for(ben)
        .post(reverse("inbox:retention"), {"comment_retention_days": "9"})
        .status_code
        == 403
    )
    assert "nach 30 Tagen gelöscht" in client_for(ben).get(reverse("inbox:duty")).content.decode()


def test_a_long_backlog_is_erased_in_batches(items, monkeypatch):
    from carecast.inbox import retention

    monkeypatch.setattr(retention, "BATCH", 1)
    for item in items:
        _age(item, 400)
    assert purge_expired() == 2
    assert not InboxItem.objects.filter(erased_at__isnull=True).exists()
