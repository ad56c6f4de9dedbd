"""Private messages to a Facebook Page or an Instagram account ("Direktnachricht"): Meta's
signed ``messaging`` webhook makes them inbox items (once per message id, echoes left out,
triaged like comments); the answer goes out privately with the Send API on the sandbox —
never as a comment or post — and only within Meta's 24-hour window after the person's last
message: later it is refused before sending, with the reason in German."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from carecast.inbox.models import InboxItem, InboxReply, Kind, ReplyState
from carecast.inbox.send import send
from carecast.networks.base import ConnectorError, PostRequest
from carecast.networks.facebook.sandbox_messages import dm_network, visitor_message
from carecast.networks.models import Channel
from tests.inbox.conftest import META_SECRET, client_for, meta_signature

HOOK = "/inbox/hooks/meta/"
SECRET = META_SECRET
START = dt.datetime(2026, 12, 7, 10, 0, tzinfo=dt.UTC)
NETWORKS = ["facebook", "instagram"]


@pytest.fixture(autouse=True)
def meta_app(meta_settings, time_machine):
    """Received and sent times and the 24-hour window read the clock: pin it."""
    time_machine.move_to(START, tick=False)
    return meta_settings


signature = meta_signature


def deliver(payload: dict, secret: str = SECRET):
    body = json.dumps(payload).encode()
    return Client().post(
        HOOK,
        body,
        content_type="application/json",
        HTTP_X_HUB_SIGNATURE_256=signature(body, secret),
    )


def message(sandbox, channel: Channel, text: str, person: str = "psid-4711") -> dict:
    """The person writes to the channel on the sandbox; Meta's webhook body for it."""
    return visitor_message(sandbox, channel.network, channel.remote_user_id, person, text)


def public_posts(sandbox, network: str) -> list[dict]:
    return sandbox.posts(network)


@pytest.mark.parametrize("network", NETWORKS)
def test_a_signed_message_event_becomes_a_direktnachricht_once(
    graph_channel, sandbox, ben, network
):
    channel = graph_channel(network)
    payload = message(sandbox, channel, "Wann ist die Notaufnahme heute besetzt?")
    response = deliver(payload)
    assert (response.status_code, response.content) == (200, b"EVENT_RECEIVED")
    item = InboxItem.objects.get(channel=channel)
    mid = payload["entry"][0]["messaging"][0]["message"]["mid"]
    assert item.kind == Kind.DIRECT and item.remote_id == f"dm:{mid}"
    assert item.author_id == "psid-4711" and item.received_at == START
    # Meta redelivers events it thinks were lost: the message stays one item.
    assert deliver(payload).status_code == 200
    assert InboxItem.objects.filter(channel=channel).count() == 1
    html = client_for(ben).get(reverse("inbox:list")).content.decode()
    assert "Direktnachricht" in html and "Notaufnahme heute besetzt" in html


def test_an_unsigned_or_foreign_message_event_adds_nothing(graph_channel, sandbox):
    channel = graph_channel("facebook")
    payload = message(sandbox, channel, "Hallo?")
    body = json.dumps(payload).encode()
    assert Client().post(HOOK, body, content_type="application/json").status_code == 403
    assert deliver(payload, secret="another-app").status_code == 403
    assert not InboxItem.objects.exists()


def test_echoes_of_the_pages_own_messages_and_other_pages_are_not_items(graph_channel, sandbox):
    channel = graph_channel("facebook")
    payload = message(sandbox, channel, "Unsere Antwort von gestern")
    event = payload["entry"][0]["messaging"][0]
    event["message"]["is_echo"] = True
    event["sender"], event["recipient"] = event["recipient"], event["sender"]
    assert deliver(payload).status_code == 200
    other = message(sandbox, channel, "An eine andere Seite")
    other["entry"][0]["messaging"][0]["recipient"]["id"] = "999000999"
    assert deliver(other).status_code == 200
    assert not InboxItem.objects.exists()


def test_a_message_is_triaged_like_a_comment(graph_channel, sandbox):
    channel = graph_channel("instagram")
    deliver(message(sandbox, channel, "Mein Vater hat Brustschmerzen und keine Luft, was tun?"))
    item = InboxItem.objects.get()
    assert item.is_emergency and item.emergency_kinds


@pytest.mark.parametrize("network", NETWORKS)
def test_a_reply_within_24_hours_goes_out_privately_with_the_send_api(
    graph_channel, sandbox, ben, network, time_machine, django_capture_on_commit_callbacks
):
    channel = graph_channel(network)
    deliver(message(sandbox, channel, "Kann ich meinen Befund per Post bekommen?"))
    item = InboxItem.objects.get()
    public_before = len(public_posts(sandbox, network))
    time_machine.move_to(START + dt.timedelta(hours=23, minutes=50), tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(ben).post(
            reverse("inbox:reply", args=[item.pk]), {"text": "Ja, schreiben Sie uns Ihre Adresse."}
        )
    assert response.status_code == 302
    reply = InboxReply.objects.get()
    assert reply.state == ReplyState.SENT and reply.remote_id.startswith("dm:m_")
    assert len(public_posts(sandbox, network)) == public_before  # nothing public
    [sent] = sandbox.posts(dm_network(network), "klinikum")
    assert sent["text"] == "Ja, schreiben Sie uns Ihre Adresse."
    assert sent["data"]["recipient"] == "psid-4711"
    assert sent["data"]["messaging_type"] == "RESPONSE"
    [request] = sandbox.requests(path=f"/graph/v21.0/{channel.remote_user_id}/messages")
    assert request["method"] == "POST"


@pytest.mark.parametrize("network", NETWORKS)
def test_a_reply_after_24_hours_is_refused_before_sending(
    graph_channel, sandbox, ben, network, time_machine
):
    channel = graph_channel(network)
    deliver(message(sandbox, channel, "Haben Sie am Wochenende Besuchszeiten?"))
    item = InboxItem.objects.get()
    time_machine.move_to(START + dt.timedelta(hours=24, minutes=1), tick=False)
    reply = InboxReply.objects.create(item=item, text="Ja, bis 19 Uhr.", author=ben.user)
    assert send(reply.pk) == ReplyState.FAILED
    reply.refresh_from_db()
    assert not reply.outcome_unknown
    label = "Facebook" if network == "facebook" else "Instagram"
    assert f"{label} erlaubt eine private Antwort nur innerhalb von 24 Stunden" in reply.error
    assert not sandbox.posts(dm_network(network), "klinikum")
    assert not sandbox.requests(path=f"/graph/v21.0/{channel.remote_user_id}/messages")
    channel.refresh_from_db()
    assert not channel.is_paused


def test_the_window_reason_names_when_the_person_last_wrote(
    graph_channel, sandbox, ben, time_machine
):
    channel = graph_channel("facebook")
    deliver(message(sandbox, channel, "Wo parke ich am besten?"))
    item = InboxItem.objects.get()
    time_machine.move_to(START + dt.timedelta(days=2), tick=False)
    reply = InboxReply.objects.create(item=item, text="Im Parkhaus Süd.", author=ben.user)
    with translation.override("en"):
        assert send(reply.pk) == ReplyState.FAILED
    reply.refresh_from_db()
    assert "Facebook allows a private answer only within 24 hours" in reply.error
    assert "(received 07.12.2026 " in reply.error


def test_a_newer_message_of_the_same_person_opens_the_window_again(
    graph_channel, sandbox, ben, time_machine
):
    channel = graph_channel("facebook")
    deliver(message(sandbox, channel, "Erste Frage"))
    first = InboxItem.objects.get()
    time_machine.move_to(START + dt.timedelta(hours=30), tick=False)
    deliver(message(sandbox, channel, "Noch da?"))
    time_machine.move_to(START + dt.timedelta(hours=31), tick=False)
    reply = InboxReply.objects.create(item=first, text="Ja, wir sind da.", author=ben.user)
    assert send(reply.pk) == ReplyState.SENT
    assert [m["text"] for m in sandbox.posts(dm_network("facebook"), "klinikum")] == [
        "Ja, wir sind da."
    ]


@pytest.mark.parametrize("network", NETWORKS)
def test_the_sandbox_refuses_a_late_response_as_meta_does(
    graph_channel, sandbox, network, time_machine
):
    """Should the window pass between the check and the call, Meta's refusal (code 10,
    subcode 2018278) is a permanent failure, not an expired token that pauses the channel."""
    channel = graph_channel(network)
    message(sandbox, channel, "Frage")
    time_machine.move_to(START + dt.timedelta(hours=25), tick=False)
    connector = channel.rules.connector(channel.account())
    try:
        with pytest.raises(ConnectorError) as refused:
            connector.send_direct(PostRequest(key="k1", text="Antwort"), "psid-4711")
        with pytest.raises(ConnectorError) as wrong_token:
            channel.set_credentials({"access_token": "someone-elses"})
            channel.rules.connector(channel.account()).send_direct(
                PostRequest(key="k2", text="Antwort"), "psid-4711"
            )
    finally:
        connector.close()
    assert refused.value.permanent and not refused.value.auth
    assert "2018278" in str(refused.value)
    assert wrong_token.value.auth
    assert not sandbox.posts(dm_network(network), "klinikum")


def test_connecting_instagram_asks_for_its_messages_only_with_webhooks(meta_app):
    from carecast.networks.instagram.connect import InstagramFlow

    assert "instagram_manage_messages" in InstagramFlow().scopes.split()
    meta_app.CARECAST_META_WEBHOOK_VERIFY_TOKEN = ""
    assert "instagram_manage_messages" not in InstagramFlow().scopes.split()
    assert "instagram_manage_comments" in InstagramFlow().scopes.split()


def test_the_reply_form_says_why_before_anything_is_queued(
    graph_channel, sandbox, ben, time_machine
):
    channel = graph_channel("instagram")
    deliver(message(sandbox, channel, "Gibt es noch Termine für die Hebammensprechstunde?"))
    item = InboxItem.objects.get()
    time_machine.move_to(START + dt.timedelta(hours=25), tick=False)
    response = client_for(ben).post(
        reverse("inbox:reply", args=[item.pk]), {"text": "Ja, am Dienstag um 14 Uhr."}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Instagram erlaubt eine private Antwort nur innerhalb von 24 Stunden" in html
    assert "Ja, am Dienstag um 14 Uhr." in html  # the text is kept for later
    assert not InboxReply.objects.exists()
    # Within the window the same form queues the reply.
    time_machine.move_to(START + dt.timedelta(hours=2), tick=False)
    client_for(ben).post(reverse("inbox:reply", args=[item.pk]), {"text": "Ja, am Dienstag."})
    assert InboxReply.objects.count() == 1
