"""Video on X against the sandbox: the chunked media upload (INIT, APPEND segments in order,
FINALIZE, STATUS until processed — https://docs.x.com/x-api/media/quickstart/media-upload-chunked),
then the post; a corrupt file fails with X's reason and nothing is posted."""

from __future__ import annotations

import pytest

from carecast.networks.base import Account, ConnectorError, MediaFile, PostRequest
from carecast.networks.x.connector import SEGMENT_BYTES, XConnector
from tests.networks import video_clips


@pytest.fixture(scope="session")
def big_clip(tmp_path_factory):
    return video_clips.big(tmp_path_factory)


@pytest.fixture
def connector(sandbox):
    sandbox.add_account("x", "KlinikumMS", "x-token")
    account = Account(
        base_url=sandbox.base_url,
        handle="@KlinikumMS",
        credentials={"access_token": "x-token"},
        config={"poll_scale": 0},
    )
    connector = XConnector(account, timeout=10)
    yield connector
    connector.close()


def _uploads(sandbox) -> list:
    return sandbox.requests("x", "/2/media/upload")


def _command(request: dict) -> str:
    return (request["form"].get("command") or request["query"].get("command") or [""])[0]


def test_it_uploads_a_video_in_segments_and_waits_for_processing(sandbox, connector, big_clip):
    sandbox.settings["x_processing_polls"] = 2
    video = MediaFile(big_clip, "video/mp4", alt_text="Rundgang durch die Notaufnahme")
    result = connector.publish(
        PostRequest("x-1", "Unsere neue Notaufnahme im Video", media=(video,))
    )
    commands = [_command(r) for r in _uploads(sandbox)]
    segments = -(-big_clip.stat().st_size // SEGMENT_BYTES)
    assert commands == ["INIT"] + ["APPEND"] * segments + ["FINALIZE", "STATUS", "STATUS", "STATUS"]
    appends = [r for r in _uploads(sandbox) if _command(r) == "APPEND"]
    indices = [r["form"]["segment_index"][0] for r in appends]
    assert indices == [str(i) for i in range(segments)]
    [post] = sandbox.posts("x")
    assert result.remote_id == post["id"]
    [media_id] = post["data"]["media_ids"]
    assert sandbox.store.media_content("x", media_id)[1] == big_clip.read_bytes()
    assert sandbox.store.media_info("x", media_id)["alt_text"] == "Rundgang durch die Notaufnahme"


def test_it_fails_with_xs_reason_for_a_corrupt_video(sandbox, connector, tmp_path):
    broken = tmp_path / "kaputt.mp4"
    broken.write_bytes(b"\0\0\0\x18ftypmp42" + b"no video" * 500)
    with pytest.raises(ConnectorError) as failed:
        connector.publish(PostRequest("x-2", "Kaputt", media=(MediaFile(broken, "video/mp4"),)))
    assert failed.value.permanent and "Invalid or Unsupported media" in str(failed.value)
    assert sandbox.posts("x") == []
