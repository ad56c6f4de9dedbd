"""Video on LinkedIn against the sandbox: the Videos API's initializeUpload (its parts),
each part PUT, finalizeUpload with the parts' ETags in order, the status polled until
AVAILABLE, then the post; a clip LinkedIn cannot process fails and nothing is posted."""

from __future__ import annotations

import pytest

from carecast.networks.base import Account, ConnectorError, MediaFile, PostRequest
from carecast.networks.linkedin.connector import LinkedInConnector
from tests.networks import video_clips


@pytest.fixture(scope="session")
def big_clip(tmp_path_factory):
    return video_clips.big(tmp_path_factory)


@pytest.fixture
def connector(sandbox):
    org = sandbox.add_account("linkedin", "klinikum-ms", "li-token", display_name="Klinikum")
    account = Account(
        base_url=f"{sandbox.base_url}/linkedin",
        handle="Klinikum",
        remote_user_id=org["id"],
        credentials={"access_token": "li-token"},
        config={"poll_seconds": 0},
    )
    connector = LinkedInConnector(account, timeout=10)
    yield connector
    connector.close()


def test_it_uploads_the_parts_finalizes_and_posts_when_available(sandbox, connector, big_clip):
    sandbox.settings["linkedin_processing_polls"] = 2
    video = MediaFile(big_clip, "video/mp4")
    result = connector.publish(
        PostRequest("li-v", "Ein Rundgang durch die Notaufnahme", media=(video,))
    )
    parts = sandbox.requests("linkedin", method="PUT")
    assert len(parts) == -(-big_clip.stat().st_size // (4 * 1024 * 1024)) >= 3
    assert [p["path"].rsplit("/", 1)[-1] for p in parts] == [str(i) for i in range(len(parts))]
    [finalize] = [
        r
        for r in sandbox.requests("linkedin", "/linkedin/rest/videos", "POST")
        if r["query"].get("action") == ["finalizeUpload"]
    ]
    assert len(finalize["json"]["finalizeUploadRequest"]["uploadedPartIds"]) == len(parts)
    statuses = [
        r for r in sandbox.requests("linkedin", method="GET") if "/rest/videos/" in r["path"]
    ]
    assert len(statuses) == 3  # PROCESSING twice, then AVAILABLE
    [post] = sandbox.posts("linkedin")
    assert result.remote_id == post["id"]
    [media_id] = post["data"]["media_ids"]
    assert media_id.startswith("urn:li:video:")
    assert sandbox.store.media_content("linkedin", media_id)[1] == big_clip.read_bytes()


def test_it_fails_when_linkedin_cannot_process_the_clip(sandbox, connector, tmp_path):
    broken = tmp_path / "kaputt.mp4"
    broken.write_bytes(b"\0\0\0\x18ftypmp42" + b"no video" * 20_000)
    with pytest.raises(ConnectorError) as failed:
        connector.publish(PostRequest("li-x", "Kaputt", media=(MediaFile(broken, "video/mp4"),)))
    assert failed.value.permanent and "could not process the video" in str(failed.value)
    assert sandbox.posts("linkedin") == []
