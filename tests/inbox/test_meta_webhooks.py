"""Meta webhooks: the verification challenge, the X-Hub-Signature-256 check with the app
secret, and a signed comment event that makes the channel's comments be read at once —
only when the installation has a public address; polling stays."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.test import Client

from carecast.inbox import fetch, meta_webhooks
from carecast.inbox.models import InboxItem
from tests.inbox.conftest import META_SECRET, meta_signature

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
HOOK = "/inbox/hooks/meta/"
SECRET = META_SECRET


@pytest.fixture(autouse=True)
def meta_app(meta_settings):
    return meta_settings


def event(network: str, account_id: str) -> bytes:
    name = "webhook_feed_comment.json" if network == "facebook" else "webhook_comments.json"
    body = json.loads((FIXTURES / network / name).read_text())["body"]
    body["entry"][0]["id"] = account_id
    return json.dumps(body).encode()


signature = meta_signature


def send(body: bytes, header: str | None):
    headers = {} if header is None else {"HTTP_X_HUB_SIGNATURE_256": header}
    return Client().post(HOOK, body, content_type="application/json", **headers)


def test_it_answers_metas_verification_challenge(org):
    params = {
        "hub.mode": "subscribe",
        "hub.verify_token": "hook-token-7f3a",
        "hub.challenge": "1158201444",
    }
    response = Client().get(HOOK, params)
    assert (response.status_code, response.content) == (200, b"1158201444")
    wrong = {**params, "hub.verify_token": "guessed"}
    assert Client().get(HOOK, wrong).status_code == 403


@pytest.mark.parametrize("network", ["facebook", "instagram"])
def test_it_reads_the_comment_at_once_when_meta_signs_the_event(graph_channel, sandbox, network):
    channel = graph_channel(network)
    post_id = f"{channel.remote_user_id}_1" if network == "facebook" else "17890001"
    sandbox.store.add_post(network, "klinikum", post_id, "Neuer MRT", "", {})
    sandbox.add_comment(network, post_id, "Tut die Untersuchung weh?", "lena")
    body = event(network, channel.remote_user_id)
    response = send(body, signature(body))
    assert (response.status_code, response.content) == (200, b"EVENT_RECEIVED")
    item = InboxItem.objects.get(channel=channel)
    assert item.text == "Tut die Untersuchung weh?"
    # The minute's poll finds nothing new: the comment is in the inbox once.
    assert fetch.fetch_channel(channel).new == 0
    assert InboxItem.objects.filter(channel=channel).count() == 1


def test_it_refuses_events_not_signed_with_the_app_secret(graph_channel, sandbox):
    channel = graph_channel("facebook")
    body = event("facebook", channel.remote_user_id)
    assert send(body, None).status_code == 403
    assert send(body, signature(body, secret="another-app")).status_code == 403
    tampered = body.replace(b"Lena", b"Mallory")
    assert send(tampered, signature(body)).status_code == 403
    assert sandbox.requests("facebook") == []  # nothing was read on their word


def test_it_ignores_changes_that_are_not_comments(graph_channel, sandbox):
    channel = graph_channel("facebook")
    body = json.loads(event("facebook", channel.remote_user_id))
    body["entry"][0]["changes"][0]["value"]["item"] = "reaction"
    raw = json.dumps(body).encode()
    assert send(raw, signature(raw)).status_code == 200
    assert meta_webhooks.channels_with_new_comments(body) == []
    assert sandbox.requests("facebook") == []


@pytest.mark.parametrize(
    "public_url", ["http://127.0.0.1:8000", "http://localhost:8000", "https://10.1.2.3", ""]
)
def test_it_is_off_without_a_public_address_and_polling_stays(meta_app, org, public_url):
    meta_app.CARECAST_PUBLIC_URL = public_url
    assert not meta_webhooks.enabled()
    params = {"hub.mode": "subscribe", "hub.verify_token": "hook-token-7f3a", "hub.challenge": "1"}
    assert Client().get(HOOK, params).status_code == 404
    assert send(b"{}", signature(b"{}")).status_code == 404


def test_it_is_off_without_a_verify_token(meta_app, org):
    meta_app.CARECAST_META_WEBHOOK_VERIFY_TOKEN = ""
    assert not meta_webhooks.enabled()
    assert meta_webhooks.has_public_address("https://carecast.klinikum-musterstadt.de")
    assert meta_webhooks.has_public_address("https://93.184.216.34")
