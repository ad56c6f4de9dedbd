"""Video on Mastodon against the sandbox: ``POST /api/v2/media`` answers 202 while the server
processes the clip, the connector polls ``GET /api/v1/media/:id`` (206) until it is processed
(200, with a URL) and only then attaches it to the status
(https://docs.joinmastodon.org/methods/media/#v2)."""

from __future__ import annotations

import pytest

from carecast.networks.base import Account, ConnectorError, MediaFile, PostRequest
from carecast.networks.mastodon.connector import MastodonConnector
from tests.networks import video_clips


@pytest.fixture(scope="session")
def clip(tmp_path_factory):
    return video_clips.small(tmp_path_factory)


@pytest.fixture
def connector(sandbox, settings):
    settings.CARECAST_SANDBOX = True
    sandbox.add_account("mastodon", "klinikum", "m-token")
    account = Account(
        base_url=sandbox.base_url, handle="@klinikum", credentials={"access_token": "m-token"}
    )
    connector = MastodonConnector(account, timeout=10)
    connector.media_poll_seconds = 0
    yield connector
    connector.close()


def test_it_waits_for_the_video_to_be_processed_before_posting(sandbox, connector, clip):
    sandbox.inject_fault(network="mastodon", path="/api/v2/media", mode="processing", polls=3)
    video = MediaFile(clip, "video/mp4", alt_text="Rundgang durch die Station")
    result = connector.publish(PostRequest("m-1", "Ein Rundgang durch die Station", media=(video,)))
    [upload] = sandbox.requests("mastodon", "/api/v2/media", "POST")
    polls = [
        r
        for r in sandbox.requests("mastodon", method="GET")
        if r["path"].startswith("/api/v1/media/")
    ]
    assert len(polls) == 4  # three times 206 (processing), then 200 with its URL
    assert upload["files"]["file"][0]["content_type"] == "video/mp4"
    [post] = sandbox.posts("mastodon")
    assert result.remote_id == post["id"]
    [media_id] = post["data"]["media_ids"]
    info = sandbox.store.media_info("mastodon", media_id)
    assert info["mime_type"] == "video/mp4" and info["alt_text"] == "Rundgang durch die Station"
    assert sandbox.store.media_content("mastodon", media_id)[1] == clip.read_bytes()


def test_it_tries_again_later_when_the_server_keeps_processing(sandbox, connector, clip):
    connector.media_max_polls = 2
    sandbox.inject_fault(network="mastodon", path="/api/v2/media", mode="processing", polls=10)
    with pytest.raises(ConnectorError) as later:
        connector.publish(PostRequest("m-2", "Rundgang", media=(MediaFile(clip, "video/mp4"),)))
    assert not later.value.permanent and not later.value.outcome_unknown
    assert sandbox.posts("mastodon") == []  # no status without its processed video
