"""FacebookConnector against the sandbox's Graph API (httpx over real HTTP on 127.0.0.1)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import time_machine
from PIL import Image

from carecast.networks.base import Account, CannotVerify, ConnectorError, MediaFile, PostRequest
from carecast.networks.facebook.connector import FacebookConnector
from carecast.networks.facebook.graph import graph_error, reset_throttles

FIXTURES = Path(__file__).parent.parent / "fixtures" / "facebook"
ALT = "Hebamme Jana hält ein Neugeborenes im Kreißsaal"


@pytest.fixture(autouse=True)
def _no_remembered_limits():
    reset_throttles()
    yield
    reset_throttles()


@pytest.fixture
def page(sandbox):
    return sandbox.add_account("facebook", "babytown", "page-token", display_name="Babytown")


@pytest.fixture
def connector(sandbox, page):
    account = Account(
        base_url=f"{sandbox.base_url}/graph",
        handle="Babytown",
        remote_user_id=page["id"],
        credentials={"access_token": "page-token"},
    )
    connector = FacebookConnector(account, timeout=2)
    yield connector
    connector.close()


@pytest.fixture
def picture(tmp_path) -> Path:
    path = tmp_path / "kreisssaal.png"
    Image.new("RGB", (6, 4), "pink").save(path, "PNG")
    return path


def post(text="Infoabend im Babytown: Donnerstag, 18 Uhr", key="pub-1", **kw) -> PostRequest:
    return PostRequest(key=key, text=text, **kw)


def test_it_publishes_text_with_a_link_as_the_page(sandbox, connector):
    result = connector.publish(post(link="https://klinikum.example/babytown"))
    [stored] = sandbox.posts("facebook")
    assert result.remote_id == stored["id"]
    assert stored["text"] == "Infoabend im Babytown: Donnerstag, 18 Uhr"
    assert stored["data"]["link"] == "https://klinikum.example/babytown"
    [sent] = sandbox.requests("facebook", method="POST")
    assert sent["headers"]["authorization"] == "Bearer page-token"
    assert sent["path"].endswith(f"/{connector.object_id}/feed")


def test_it_publishes_several_photos_with_their_alt_text(sandbox, connector, picture):
    media = (MediaFile(picture, "image/png", ALT), MediaFile(picture, "image/png", "Zweites Bild"))
    result = connector.publish(post(media=media))
    stored = sandbox.store.post("facebook", result.remote_id)
    assert [m["alt_text"] for m in stored["media"]] == [ALT, "Zweites Bild"]
    uploads = sandbox.requests("facebook", method="POST")[:2]
    assert all(u["form"]["published"] == ["false"] for u in uploads)


def test_it_replies_to_a_comment_and_deletes_the_reply(sandbox, connector):
    first = connector.publish(post())
    visitor = sandbox.add_comment("facebook", first.remote_id, "Muss man sich anmelden?")
    reply = connector.publish(post("Nein, einfach vorbeikommen!", "pub-2", reply_to=visitor["id"]))
    assert sandbox.store.post("facebook", reply.remote_id)["data"]["parent"] == visitor["id"]
    connector.delete(reply.remote_id)
    connector.delete(reply.remote_id)  # already gone: still fine
    assert sandbox.store.post("facebook", reply.remote_id) is None


def test_it_finds_its_own_post_after_an_unknown_outcome(sandbox, connector):
    sandbox.inject_fault(path="/graph/*", method="POST", mode="accept_then_drop")
    with pytest.raises(ConnectorError) as caught:
        connector.publish(post())
    assert caught.value.outcome_unknown
    found = connector.find_existing(post(maybe_sent=True))
    assert found is not None
    assert found.remote_id == sandbox.posts("facebook")[0]["id"]
    assert connector.find_existing(post("Ein anderer Text", "pub-9")) is None


def test_it_takes_a_duplicate_answer_to_a_resend_as_the_earlier_post(sandbox, connector):
    first = connector.publish(post())
    again = connector.publish(post(maybe_sent=True))
    assert again.remote_id == first.remote_id
    assert len(sandbox.posts("facebook")) == 1


def test_it_pauses_on_an_expired_token_code_190(sandbox, connector):
    sandbox.expire("page-token")
    with pytest.raises(ConnectorError) as caught:
        connector.publish(post())
    assert caught.value.auth and caught.value.permanent
    assert "code 190" in caught.value.message and "463" in caught.value.message


def test_it_cannot_verify_when_the_posts_cannot_be_read(sandbox, connector):
    sandbox.inject_fault(path="/graph/*", method="GET", status=500, times=None)
    with pytest.raises(CannotVerify):
        connector.find_existing(post())


def test_it_waits_as_long_as_a_429_says_when_meta_names_no_time(sandbox, connector):
    body = {"error": {"message": "limit", "type": "OAuthException", "code": 4}}
    sandbox.inject_fault(path="/graph/*", status=429, body=body, retry_after=20)
    with pytest.raises(ConnectorError) as caught:
        connector.publish(post())
    assert caught.value.retry_after == 20 and not caught.value.permanent


@pytest.mark.parametrize("code", [4, 17, 32, 613])
def test_it_waits_on_a_rate_limit_code(sandbox, connector, code):
    usage = {"123": [{"type": "pages", "call_count": 100, "estimated_time_to_regain_access": 7}]}
    body = {"error": {"message": "limit", "type": "OAuthException", "code": code}}
    headers = {"X-Business-Use-Case-Usage": json.dumps(usage)}
    sandbox.inject_fault(path="/graph/*", status=400, body=body, headers=headers)
    with pytest.raises(ConnectorError) as caught:
        connector.publish(post())
    assert not caught.value.permanent and not caught.value.auth
    assert caught.value.retry_after == 7 * 60


def test_it_slows_down_before_the_limit_when_usage_is_high(sandbox, connector):
    with time_machine.travel("2026-03-02 09:00", tick=False) as clock:
        sandbox.settings["meta_app_usage"] = {
            "call_count": 95,
            "total_time": 10,
            "total_cputime": 4,
        }
        connector.publish(post())
        with pytest.raises(ConnectorError) as caught:
            connector.publish(post("Zweiter Beitrag", "pub-2"))
        assert caught.value.retry_after == 300 and not caught.value.outcome_unknown
        assert len(sandbox.requests("facebook", method="POST")) == 1  # never sent
        sandbox.settings["meta_app_usage"] = {"call_count": 20}
        clock.shift(301)
        connector.publish(post("Zweiter Beitrag", "pub-2"))
    assert len(sandbox.posts("facebook")) == 2


def test_it_reads_comments_and_hides_one(sandbox, connector):
    first = connector.publish(post())
    visitor = sandbox.add_comment("facebook", first.remote_id, "Werbung: billige Kredite!")
    [reply] = connector.fetch_mentions()
    assert (reply.remote_id, reply.in_reply_to) == (visitor["id"], first.remote_id)
    assert reply.text == "Werbung: billige Kredite!"
    connector.hide_reply(visitor["id"])
    assert sandbox.store.post("facebook", visitor["id"])["data"]["is_hidden"] is True


def test_it_maps_the_recorded_error_bodies():
    import httpx

    recorded = json.loads((FIXTURES / "errors.json").read_text())
    for case in recorded["cases"]:
        response = httpx.Response(case["status"], json=case["body"])
        error = graph_error(response, "Facebook", "Could not publish")
        assert (error.auth, error.permanent, error.retry_after is not None) == tuple(
            case["expect"]
        ), case["body"]
