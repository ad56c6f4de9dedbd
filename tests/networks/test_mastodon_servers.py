"""MastodonConnector against servers that speak Mastodon's API without being Mastodon.

The sandbox's settings make it answer like GoToSocial (another version string, 404 on
trailing slashes), glitch-soc, or Pleroma (ignoring ``Idempotency-Key`` too).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PIL import Image

from carecast.networks.base import Account, CannotVerify, ConnectorError, MediaFile, PostRequest
from carecast.networks.mastodon.answers import instance_limits
from carecast.networks.mastodon.connector import MastodonConnector

ALT = "Hebamme Clara zeigt den neuen Kreißsaal"
SERVERS = {
    "mastodon": {},
    "gotosocial": {
        "mastodon_version": "4.0.0 (compatible; GoToSocial 0.16.0)",
        "mastodon_trailing_slash": False,
    },
    "glitch": {"mastodon_version": "3.5.3+glitch"},
    "pleroma": {
        "mastodon_version": "2.7.2 (compatible; Pleroma 2.6.1)",
        "mastodon_trailing_slash": False,
        "mastodon_idempotency": False,
    },
}


@pytest.fixture(params=sorted(SERVERS))
def server(request, sandbox):
    """The sandbox, answering like one kind of server; Anna's hospital has an account there."""
    sandbox.settings.update(SERVERS[request.param])
    sandbox.add_account("mastodon", "klinikum", "anna-token")
    return sandbox


def account(sandbox, **fields) -> Account:
    return Account(
        base_url=sandbox.base_url,
        handle="klinikum",
        credentials={"access_token": "anna-token"},
        **fields,
    )


@pytest.fixture
def connector(server):
    return MastodonConnector(account(server), timeout=2)


@pytest.fixture
def picture(tmp_path) -> Path:
    path = tmp_path / "kreisssaal.png"
    Image.new("RGB", (8, 6), "white").save(path, "PNG")
    return path


def post(text: str = "Tag der offenen Tür am Samstag", key: str = "pub-1", **kw) -> PostRequest:
    return PostRequest(key=key, text=text, **kw)


def test_it_publishes_text_with_one_request(connector, server):
    result = connector.publish(post())
    (stored,) = server.posts("mastodon")
    assert result.remote_id == stored["id"]
    assert [r["path"] for r in server.requests("mastodon")] == ["/api/v1/statuses"]


def test_it_publishes_an_image_with_a_bounded_number_of_requests(connector, server, picture):
    connector.publish(post(media=(MediaFile(picture, "image/png", ALT),)))
    (stored,) = server.posts("mastodon")
    assert stored["media"][0]["alt_text"] == ALT
    # Mastodon.py probed the version here and looped ~970 requests into a RecursionError.
    paths = [r["path"] for r in server.requests("mastodon")]
    assert paths == ["/api/v2/media", "/api/v1/statuses"]


def test_it_uploads_through_v1_where_a_server_has_no_v2_media(connector, server, picture):
    server.inject_fault(path="/api/v2/media", status=404, body={"error": "Record not found"})
    connector.publish(post(media=(MediaFile(picture, "image/png", ALT),)))
    assert server.posts("mastodon")[0]["media"][0]["alt_text"] == ALT
    assert len(server.requests("mastodon", "/api/v1/media", "POST")) == 1


def test_it_stops_polling_a_server_that_never_finishes_processing(connector, server, picture):
    server.inject_fault(path="/api/v2/media", mode="processing", polls=1000)
    connector.media_poll_seconds, connector.media_max_polls = 0.001, 5
    with pytest.raises(ConnectorError) as error:
        connector.publish(post(media=(MediaFile(picture, "image/png", ALT),)))
    assert not error.value.permanent and not error.value.outcome_unknown
    assert len(server.requests("mastodon")) == 1 + 5
    assert server.posts("mastodon") == []


def test_it_turns_an_unreadable_upload_answer_into_a_connector_error(connector, server, picture):
    server.inject_fault(path="/api/v2/media", status=200, body="<html>proxy</html>")
    with pytest.raises(ConnectorError) as error:
        connector.publish(post(media=(MediaFile(picture, "image/png", ALT),)))
    assert "unexpected answer" in str(error.value)


def test_it_finds_a_post_that_went_out_before_the_connection_dropped(connector, server, picture):
    sent = post(
        "Neue Besuchszeiten:\n\nab Montag 10–18 Uhr #Klinikum",
        media=(MediaFile(picture, "image/png", ALT),),
    )
    server.inject_fault(path="/api/v1/statuses", mode="accept_then_drop")
    with pytest.raises(ConnectorError) as dropped:
        connector.publish(sent)
    assert dropped.value.outcome_unknown
    found = MastodonConnector(connector.account, timeout=2).find_existing(sent)
    (stored,) = server.posts("mastodon")
    assert found is not None and found.remote_id == stored["id"]
    assert found.url == stored["url"]


def test_it_finds_nothing_when_the_post_is_absent(connector):
    connector.publish(post("Ein anderer Beitrag", key="pub-0"))
    assert connector.find_existing(post()) is None


def test_it_tells_apart_posts_that_differ_in_their_image(connector, picture):
    connector.publish(post(media=(MediaFile(picture, "image/png", "Ein anderes Bild"),)))
    assert connector.find_existing(post(media=(MediaFile(picture, "image/png", ALT),))) is None
    assert connector.find_existing(post()) is None  # no image at all


def test_it_does_not_take_a_reply_for_a_new_post(connector, server):
    parent = server.add_mention("mastodon", "klinikum", "@klinikum Wann ist Besuchszeit?", "lena")
    reply = post("Ab 10 Uhr.", key="reply-1", reply_to=parent["id"])
    result = connector.publish(reply)
    assert connector.find_existing(post("Ab 10 Uhr.")) is None
    assert connector.find_existing(reply).remote_id == result.remote_id


def test_it_looks_up_the_account_id_when_the_channel_has_none(server):
    connector = MastodonConnector(account(server), timeout=2)
    connector.publish(post())
    assert connector.find_existing(post()) is not None
    (me,) = server.store.accounts("mastodon")
    assert connector.remote_user_id == me["user_id"]
    paths = [r["path"] for r in server.requests("mastodon", method="GET")]
    assert paths == [
        "/api/v1/accounts/verify_credentials",
        f"/api/v1/accounts/{me['user_id']}/statuses",
    ]


def test_it_reads_recent_posts_once_for_a_burst_of_look_ups(server):
    (me,) = server.store.accounts("mastodon")
    connector = MastodonConnector(account(server, remote_user_id=me["user_id"]), timeout=2)
    for number in range(5):
        assert connector.find_existing(post(f"Beitrag {number}", key=f"pub-{number}")) is None
    assert len(server.requests("mastodon", method="GET")) == 1


def test_it_cannot_verify_when_recent_posts_cannot_be_read(connector, server):
    server.inject_fault(path="/api/v1/accounts/*", status=503)
    with pytest.raises(CannotVerify) as error:
        connector.find_existing(post())
    assert not error.value.permanent and error.value.status == 503


def test_it_records_who_signed_in(connector, server):
    host = server.base_url.split("//")[1]
    assert connector.verify_credentials() == f"@klinikum@{host}"
    assert connector.remote_user_id == server.store.accounts("mastodon")[0]["user_id"]


def test_it_reads_the_limits_from_v2_then_v1(connector, server):
    server.settings["mastodon_max_characters"] = 5000
    assert connector.fetch_limits()["max_characters"] == 5000
    server.inject_fault(path="/api/v2/instance", status=404, body={"error": "Not found"})
    limits = connector.fetch_limits()
    assert limits["max_characters"] == 5000 and limits["max_media_attachments"] == 4
    assert [r["path"] for r in server.requests("mastodon")][-2:] == [
        "/api/v2/instance",
        "/api/v1/instance",
    ]


def test_it_does_not_fall_back_to_v1_on_a_blip(connector, server):
    server.inject_fault(path="/api/v2/instance", status=502)
    with pytest.raises(ConnectorError) as error:
        connector.fetch_limits()
    assert error.value.status == 502
    assert server.requests("mastodon", "/api/v1/instance") == []


def test_it_reads_pleromas_own_limit_field():
    # Pleroma's /api/v1/instance names the limit at the top, without "configuration".
    pleroma = {"uri": "social.example", "version": "2.7.2 (compatible; Pleroma 2.6.1)"}
    assert instance_limits({**pleroma, "max_toot_chars": 5000}) == {"max_characters": 5000}
    assert instance_limits({"configuration": {"statuses": {"max_characters": "x"}}}) == {}
    assert instance_limits(["not", "an", "instance"]) == {}


@pytest.fixture
def small_pages(monkeypatch):
    """Pages of two statuses, at most three of them, and no clock margin: small bursts."""
    from carecast.networks.mastodon import connector as mastodon

    monkeypatch.setattr(mastodon, "LOOKUP_PAGE", 2)
    monkeypatch.setattr(mastodon, "LOOKUP_PAGES", 1)
    monkeypatch.setattr(mastodon, "LOOKUP_MAX_PAGES", 3)
    monkeypatch.setattr(mastodon, "LOOKUP_MARGIN", dt.timedelta(0))


def burst(connector, count: int) -> None:
    for number in range(count):
        connector.publish(post(f"Später: Beitrag {number}", key=f"later-{number}"))


def test_it_reads_back_to_the_earlier_attempt_under_a_burst(server, small_pages):
    since = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
    connector = MastodonConnector(account(server), timeout=2)
    first = connector.publish(post())
    burst(connector, 4)  # buried under two pages of newer posts
    assert connector.find_existing(post()) is None  # without a time, one page: not seen
    found = connector.find_existing(post(maybe_sent=True, sent_since=since))
    assert found is not None and found.remote_id == first.remote_id


def test_it_says_absent_only_after_reading_back_far_enough(server, small_pages):
    connector = MastodonConnector(account(server), timeout=2)
    connector.publish(post("Ein älterer Beitrag", key="old"))
    since = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1)
    assert connector.find_existing(post(maybe_sent=True, sent_since=since)) is None


def test_it_cannot_verify_when_too_many_posts_came_since(server, small_pages):
    since = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
    connector = MastodonConnector(account(server), timeout=2)
    connector.publish(post())
    burst(connector, 6)  # seven statuses since: more than three pages of two
    with pytest.raises(CannotVerify) as error:
        connector.find_existing(post(maybe_sent=True, sent_since=since))
    assert "look at the channel" in str(error.value)
    assert len(server.requests("mastodon", method="GET")) == 1 + 3  # credentials, pages
