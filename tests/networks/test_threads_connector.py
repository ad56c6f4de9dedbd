"""Threads: rules, the two-step container flow, sign-in and token refresh against the sandbox."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import translation
from PIL import Image

from carecast.networks.base import Account, ConnectorError, MediaFile, PostRequest
from carecast.networks.connect import FLOWS
from carecast.networks.threads import Threads
from carecast.networks.threads.connect import ThreadsFlow
from carecast.networks.threads.connector import ThreadsConnector
from carecast.networks.threads.rules import threads_length

CALLBACK = "http://127.0.0.1:8000/channels/connect/callback/"


@pytest.fixture
def profile(sandbox):
    return sandbox.add_account("threads", "klinikum_ms", "th-token")


def connector_for(sandbox, profile, **config) -> ThreadsConnector:
    account = Account(
        base_url=f"{sandbox.base_url}/threads-graph",
        handle="@klinikum_ms",
        remote_user_id=profile["id"],
        credentials={"access_token": "th-token"},
        config=config,
    )
    connector = ThreadsConnector(account, timeout=5)
    connector.poll_interval = 0
    return connector


@pytest.fixture
def connector(sandbox, profile):
    connector = connector_for(sandbox, profile)
    yield connector
    connector.close()


def test_it_counts_emoji_by_their_utf8_bytes_and_at_most_five_links():
    assert threads_length("Hallo") == 5
    assert threads_length("Hallo 👶") == 6 + 4
    assert threads_length("❤️") == 3 + 3  # heart and variation selector
    assert threads_length("Grüße") == 5  # umlauts are one character
    rules = Threads()
    text = " ".join(f"https://klinikum.example/{i}" for i in range(6))
    assert "links" in {p.code for p in rules.check(text, [])}
    assert "links" not in {p.code for p in rules.check(text.rsplit(" ", 1)[0], [])}
    assert "too_long" in {p.code for p in rules.check("👶" * 126, [])}  # 504 bytes
    assert "too_long" not in {p.code for p in rules.check("👶" * 125, [])}


def test_it_publishes_text_through_a_container_and_finds_it_again(sandbox, connector):
    sandbox.settings["threads_processing_polls"] = 1
    result = connector.publish(PostRequest("k1", "Tag der offenen Tür am Samstag 👶"))
    [stored] = sandbox.posts("threads")
    assert stored["id"] == result.remote_id
    found = connector.find_existing(PostRequest("k1", "Tag der offenen Tür am Samstag 👶"))
    assert found is not None and found.remote_id == result.remote_id
    assert connector.find_existing(PostRequest("k2", "Etwas anderes")) is None


def test_it_publishes_once_when_the_publish_answer_is_lost(sandbox, connector, profile):
    path = f"/threads-graph/v1.0/{profile['id']}/threads_publish"
    sandbox.inject_fault(path=path, mode="accept_then_drop")
    with pytest.raises(ConnectorError) as caught:
        connector.publish(PostRequest("k1", "Neue Cafeteria"))
    assert caught.value.outcome_unknown
    assert connector.find_existing(PostRequest("k1", "Neue Cafeteria", maybe_sent=True))
    assert len(sandbox.posts("threads")) == 1


def test_it_publishes_an_image_that_the_sandbox_fetched(
    sandbox, profile, transactional_db, anna, live_server, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    path = Path(default_storage.path(default_storage.save("a.jpg", ContentFile(b""))))
    Image.new("RGB", (8, 8), "navy").save(path, "JPEG")
    connector = connector_for(sandbox, profile, public_base=live_server.url)
    media = (MediaFile(path, "image/jpeg", "Die neue Cafeteria"),)
    connector.publish(PostRequest("k1", "Neue Cafeteria", media=media))
    assert sandbox.posts("threads")[0]["media"][0]["alt_text"] == "Die neue Cafeteria"


def test_it_pauses_on_an_expired_token_and_refreshes_a_working_one(sandbox, connector):
    connector.refresh_token()
    assert connector.updated_credentials["access_token"] != "th-token"
    sandbox.expire("th-token")
    with pytest.raises(ConnectorError) as caught:
        connector.publish(PostRequest("k1", "Hallo"))
    assert caught.value.auth


def test_it_reads_replies_and_hides_one(sandbox, connector):
    result = connector.publish(PostRequest("k1", "Fragen zur Ausbildung?"))
    visitor = sandbox.add_comment("threads", result.remote_id, "Wann ist Bewerbungsschluss?", "mia")
    [reply] = connector.fetch_mentions()
    assert (reply.remote_id, reply.author) == (visitor["id"], "mia")
    connector.hide_reply(visitor["id"])
    assert sandbox.store.post("threads", visitor["id"])["data"]["hidden"] is True


def test_it_connects_a_profile_with_a_long_lived_token(db, sandbox, settings, profile):
    settings.CARECAST_THREADS_APP_ID = "th-app"
    settings.CARECAST_THREADS_APP_SECRET = "th-secret"
    settings.CARECAST_THREADS_AUTHORIZE_URL = f"{sandbox.base_url}/threads-net/oauth/authorize"
    settings.CARECAST_THREADS_API_URL = f"{sandbox.base_url}/threads-graph"
    flow = FLOWS["threads"]
    assert isinstance(flow, ThreadsFlow)
    started = flow.begin({}, CALLBACK)
    parts = urlsplit(started.url)
    form = {k: v[0] for k, v in parse_qs(parts.query).items()}
    form.update(account="klinikum_ms", decision="allow")
    answer = httpx.post(f"{parts.scheme}://{parts.netloc}{parts.path}", data=form)
    params = {k: v[0] for k, v in parse_qs(urlsplit(answer.headers["location"]).query).items()}
    with translation.override("en"):
        account = flow.complete(started.pending, params)
    assert (account.remote_user_id, account.handle) == (profile["id"], "@klinikum_ms")
    assert account.token_expires_at is not None
    assert sandbox.requests("threads", "/threads-graph/access_token", "GET")
