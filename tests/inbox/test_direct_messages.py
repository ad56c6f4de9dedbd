"""Direct messages in the inbox ("Direktnachricht"): Mastodon's ``direct`` statuses and X's DM
events, fetched from the sandbox speaking each documented API, answered privately — never as
a public post — with the same rights and reply checks as comments."""

from __future__ import annotations

import httpx
import pytest
from django.urls import reverse

from carecast.inbox import fetch
from carecast.inbox.models import InboxItem, InboxReply, Kind, ReplyState
from carecast.inbox.send import send
from tests.inbox.conftest import client_for


def mastodon_dm(sandbox, text: str, handle: str = "lena") -> dict:
    token = f"token-{handle}"
    if not sandbox.store.account("mastodon", handle):
        sandbox.add_account("mastodon", handle, token)
    response = httpx.post(
        f"{sandbox.base_url}/api/v1/statuses",
        data={"status": f"@klinikum {text}", "visibility": "direct"},
        headers={"Authorization": f"Bearer {token}"},
    )
    response.raise_for_status()
    return response.json()


def x_dm(sandbox, channel, text: str, handle: str = "paul") -> dict:
    token = f"token-x-{handle}"
    if not sandbox.store.account("x", handle):
        sandbox.add_account("x", handle, token)
    response = httpx.post(
        f"{sandbox.base_url}/2/dm_conversations/with/{channel.remote_user_id}/messages",
        json={"text": text},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 201
    return response.json()["data"]


@pytest.fixture(autouse=True)
def pinned_clock(time_machine):
    """Received, assigned and sent times are read from the clock: pin it."""
    time_machine.move_to("2026-12-07T10:00:00+01:00", tick=False)


@pytest.fixture
def x_channel(channel_on):
    return channel_on("x", name="X – Klinikum")


def test_a_mastodon_direct_status_arrives_as_a_direktnachricht(mastodon, sandbox, ben):
    mastodon_dm(sandbox, "Kann ich meinen Befund auch per Post bekommen?")
    fetch.fetch_channel(mastodon)
    item = InboxItem.objects.get()
    assert item.kind == Kind.DIRECT and item.author == "lena"
    html = client_for(ben).get(reverse("inbox:list")).content.decode()
    assert "Direktnachricht" in html and "Private Antwort schreiben" in html


def test_a_mastodon_direct_message_is_answered_privately(
    mastodon, sandbox, ben, django_capture_on_commit_callbacks
):
    status = mastodon_dm(sandbox, "Wie lange dauert die Anmeldung?")
    fetch.fetch_channel(mastodon)
    item = InboxItem.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(ben).post(
            reverse("inbox:reply", args=[item.pk]), {"text": "Etwa zehn Minuten, am Empfang."}
        )
    assert response.status_code == 302
    reply = InboxReply.objects.get()
    assert reply.state == ReplyState.SENT
    [ours] = [p for p in sandbox.posts("mastodon") if p["account"] == "klinikum"]
    assert ours["data"]["visibility"] == "direct"
    assert ours["data"]["in_reply_to_id"] == status["id"]
    assert ours["text"].startswith("@lena ")  # only the mentioned account sees a direct status


def test_an_x_dm_arrives_and_is_answered_in_the_conversation_not_in_public(
    x_channel, sandbox, ben, django_capture_on_commit_callbacks
):
    sent = x_dm(sandbox, x_channel, "Hallo, gibt es noch Plätze im Geburtsvorbereitungskurs?")
    fetch.fetch_channel(x_channel)
    item = InboxItem.objects.get()
    assert item.kind == Kind.DIRECT and item.author == "paul"
    assert item.remote_id == f"dm:{sent['dm_event_id']}"
    tweets_before = len(sandbox.posts("x"))

    with django_capture_on_commit_callbacks(execute=True):
        client_for(ben).post(
            reverse("inbox:reply", args=[item.pk]), {"text": "Ja, im März noch drei Plätze."}
        )
    reply = InboxReply.objects.get()
    assert reply.state == ReplyState.SENT and reply.remote_id.startswith("dm:")
    assert len(sandbox.posts("x")) == tweets_before  # no public post
    messages = sandbox.posts("x_dm", "klinikum")
    assert [m["text"] for m in messages] == ["Ja, im März noch drei Plätze."]
    assert messages[0]["data"]["dm_conversation_id"] == sent["dm_conversation_id"]


def test_x_dms_are_stored_once_and_do_not_move_the_mentions_cursor(x_channel, sandbox):
    x_dm(sandbox, x_channel, "Erste Nachricht")
    fetch.fetch_channel(x_channel)
    x_dm(sandbox, x_channel, "Zweite Nachricht")
    fetch.fetch_channel(x_channel)
    assert sorted(InboxItem.objects.values_list("text", flat=True)) == [
        "Erste Nachricht",
        "Zweite Nachricht",
    ]
    assert not x_channel.inbox_state.since_id.startswith("dm:")


def test_the_reply_guard_runs_on_private_replies_too(mastodon, sandbox, ben):
    mastodon_dm(sandbox, "Ich war letzte Woche bei Ihnen, wie sind meine Werte?")
    fetch.fetch_channel(mastodon)
    item = InboxItem.objects.get()
    response = client_for(ben).post(
        reverse("inbox:reply", args=[item.pk]),
        {"text": "Ihr Aufenthalt auf Station 4 war sicher schwer, Ihre Werte sind gut."},
    )
    assert response.status_code == 200 and "Nicht gesendet" in response.content.decode()
    assert not InboxReply.objects.exists()
    assert not [p for p in sandbox.posts("mastodon") if p["account"] == "klinikum"]


def test_a_department_editor_sees_no_dm_of_another_departments_channel(mastodon, sandbox, clara):
    mastodon_dm(sandbox, "Private Frage an die Klinik")
    fetch.fetch_channel(mastodon)
    item = InboxItem.objects.get()
    client = client_for(clara)
    assert "Private Frage" not in client.get(reverse("inbox:list")).content.decode()
    assert client.get(reverse("inbox:item", args=[item.pk])).status_code == 404


def test_a_dm_reply_on_a_network_without_messages_fails_and_is_never_public(
    channel_on, sandbox, ben
):
    """A direct item on a channel whose connector cannot message: fail, do not post."""
    bluesky = channel_on("bluesky", handle="klinikum.test")
    item = InboxItem.objects.create(
        organisation=bluesky.organisation,
        channel=bluesky,
        remote_id="at://did:plc:x/app.bsky.feed.post/abc",
        kind=Kind.DIRECT,
        author="someone",
        text="Hallo",
        received_at="2026-12-07T10:00:00Z",
    )
    reply = InboxReply.objects.create(item=item, text="Danke!", author=ben.user)
    assert send(reply.pk) == ReplyState.FAILED
    assert not sandbox.posts("bluesky", "klinikum.test")
