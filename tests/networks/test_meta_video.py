"""Video on Instagram (a Reel) and Threads against the sandbox: a container with ``video_url``
(carecast's signed public address, really fetched by the sandbox), processed before it is
published; a corrupt clip fails with Meta's words and nothing is posted."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from django.core.files.storage import default_storage

from carecast.networks.base import Account, ConnectorError, MediaFile, PostRequest
from carecast.networks.instagram.connector import InstagramConnector
from carecast.networks.threads.connector import ThreadsConnector
from tests.networks import video_clips


@pytest.fixture(scope="session")
def clip(tmp_path_factory):
    return video_clips.small(tmp_path_factory)


@pytest.fixture
def public_carecast(transactional_db, anna, live_server, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return live_server.url


def _in_media(source: Path, name: str = "station.mp4") -> Path:
    path = Path(default_storage.path(name))
    shutil.copyfile(source, path)
    return path


def _instagram(sandbox, public_carecast) -> InstagramConnector:
    ig = sandbox.add_account("instagram", "klinikum_jobs", "ig-token")
    account = Account(
        base_url=f"{sandbox.base_url}/graph",
        handle="@klinikum_jobs",
        remote_user_id=ig["id"],
        credentials={"access_token": "ig-token"},
        config={"public_base": public_carecast},
    )
    connector = InstagramConnector(account, timeout=10)
    connector.poll_interval = 0
    return connector


def _threads(sandbox, public_carecast) -> ThreadsConnector:
    th = sandbox.add_account("threads", "klinikum_ms", "th-token")
    account = Account(
        base_url=f"{sandbox.base_url}/threads-graph",
        handle="@klinikum_ms",
        remote_user_id=th["id"],
        credentials={"access_token": "th-token"},
        config={"public_base": public_carecast},
    )
    connector = ThreadsConnector(account, timeout=10)
    connector.poll_interval = 0
    return connector


def test_it_publishes_a_reel_once_it_is_processed(sandbox, public_carecast, clip):
    video = MediaFile(_in_media(clip), "video/mp4")
    result = _instagram(sandbox, public_carecast).publish(
        PostRequest("ig-v", "Ein Tag auf der Kinderstation", media=(video,))
    )
    [stored] = sandbox.posts("instagram")
    assert result.remote_id == stored["id"]
    assert stored["media"][0]["mime_type"] == "video/mp4"
    [create] = [
        r for r in sandbox.requests("facebook", method="POST") if r["path"].endswith("/media")
    ]
    assert create["form"]["media_type"] == ["REELS"] and create["form"]["share_to_feed"] == ["true"]


def test_it_publishes_a_video_on_threads(sandbox, public_carecast, clip):
    video = MediaFile(_in_media(clip), "video/mp4")
    result = _threads(sandbox, public_carecast).publish(
        PostRequest("th-v", "Ein Tag auf der Kinderstation", media=(video,))
    )
    [stored] = sandbox.posts("threads")
    assert result.remote_id == stored["id"]
    assert (
        sandbox.store.media_info("threads", stored["data"]["media_ids"][0])["mime_type"]
        == "video/mp4"
    )


def test_it_fails_with_metas_words_for_a_corrupt_clip(sandbox, public_carecast, tmp_path):
    broken = tmp_path / "kaputt-quelle.mp4"
    broken.write_bytes(b"\0\0\0\x18ftypmp42" + b"no video" * 500)
    video = MediaFile(_in_media(broken, "kaputt.mp4"), "video/mp4")
    with pytest.raises(ConnectorError) as failed:
        _instagram(sandbox, public_carecast).publish(PostRequest("ig-x", "Kaputt", media=(video,)))
    assert failed.value.permanent and "Unsupported video format" in str(failed.value)
    with pytest.raises(ConnectorError) as refused:
        _threads(sandbox, public_carecast).publish(PostRequest("th-x", "Kaputt", media=(video,)))
    assert refused.value.permanent and "Unsupported video format" in str(refused.value)
    assert sandbox.posts("instagram") == [] and sandbox.posts("threads") == []
