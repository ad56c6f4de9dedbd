"""Fault test: the worker is SIGKILLed in the middle of a chunked video upload (TikTok,
YouTube). The upload's publish_id / session was stored before the first chunk, so the next
worker continues that upload where the network says it stands: one video, published once."""

from __future__ import annotations

import time

import pytest
from django.core.files import File
from django.utils import timezone

from carecast.networks.models import Channel
from carecast.publishing import services
from carecast.publishing.models import Publication, State
from carecast.stories.models import MediaAsset
from tests.networks import video_clips

pytestmark = pytest.mark.fault
MB = 1024 * 1024


@pytest.fixture(scope="session")
def big_clip(tmp_path_factory):
    return video_clips.big(tmp_path_factory)


def _channel(org, sandbox, network: str, handle: str, config: dict) -> Channel:
    remote = sandbox.add_account(network, handle, f"{network}-token", display_name="Klinikum")
    channel = Channel(
        organisation=org,
        network=network,
        name=f"{network} – Klinikum",
        handle=f"@{handle}",
        base_url=f"{sandbox.base_url}/{network}",
        remote_user_id=remote["id"],
        is_sandbox=True,
        config=config,
    )
    channel.set_credentials({"access_token": f"{network}-token"})
    channel.save()
    return channel


def _schedule(org, channel, story_for, clip, options: dict) -> Publication:
    asset = MediaAsset(organisation=org, kind="video", mime_type="video/mp4", alt_text="Rundgang")
    with clip.open("rb") as handle:
        asset.file.save("rundgang.mp4", File(handle))
    asset.size_bytes = clip.stat().st_size
    asset.save()
    story = story_for(
        channel, text="Ein Rundgang durch die neue Notaufnahme #klinik", media=[asset]
    )
    variant = story.variants.get()
    variant.options = options
    variant.save(update_fields=["options"])
    return services.schedule(variant, timezone.now())


def _wait(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def _settled(publication) -> bool:
    publication.refresh_from_db()
    return publication.state in (State.PUBLISHED, State.FAILED, State.UNCONFIRMED)


def _puts(sandbox, network: str, path: str) -> list:
    return [r for r in sandbox.requests(network, method="PUT") if r["path"] == path]


def test_it_publishes_a_tiktok_video_once_when_killed_mid_upload(
    worker, worker_env, org, story_for, sandbox, big_clip
):
    worker_env.update(CARECAST_CLAIM_LEASE_SECONDS="5", CARECAST_DISPATCH_LEAD_SECONDS="0")
    config = {"poll_seconds": 0.2, "chunk_bytes": 5 * MB}
    channel = _channel(org, sandbox, "tiktok", "klinikum_pflege", config)
    choices = {"privacy_level": "PUBLIC_TO_EVERYONE", "music_confirmed": True}
    publication = _schedule(org, channel, story_for, big_clip, choices)
    # The first chunk takes its time; the worker dies while it is on its way.
    sandbox.inject_fault(network="tiktok", path="/tiktok/video/upload", mode="delay", seconds=2)
    worker.start()
    assert _wait(lambda: _puts(sandbox, "tiktok", "/tiktok/video/upload"), 60), worker.log()[-3000:]
    worker.kill()
    publication.refresh_from_db()
    assert publication.upload_state["publish_id"]  # kept before the first chunk left
    worker.start()
    assert _wait(lambda: _settled(publication), 120), worker.log()[-3000:]
    assert publication.state == State.PUBLISHED, publication.last_error
    [post] = sandbox.posts("tiktok")
    assert publication.remote_id == post["id"]
    assert len(sandbox.requests("tiktok", "/tiktok/v2/post/publish/video/init", "POST")) == 1
    stored = sandbox.store.media_content("tiktok", post["data"]["media_ids"][0])
    assert stored[1] == big_clip.read_bytes()


def test_it_publishes_a_youtube_video_once_when_killed_mid_upload(
    worker, worker_env, org, story_for, sandbox, big_clip
):
    worker_env.update(CARECAST_CLAIM_LEASE_SECONDS="5", CARECAST_DISPATCH_LEAD_SECONDS="0")
    channel = _channel(org, sandbox, "youtube", "klinikum", {"chunk_bytes": 4 * MB})
    choices = {"title": "Rundgang Notaufnahme", "privacy_status": "public", "made_for_kids": False}
    publication = _schedule(org, channel, story_for, big_clip, choices)
    path = "/youtube/upload/youtube/v3/videos"
    sandbox.inject_fault(network="youtube", path=path, method="PUT", mode="delay", seconds=2)
    worker.start()
    assert _wait(lambda: _puts(sandbox, "youtube", path), 60), worker.log()[-3000:]
    worker.kill()
    publication.refresh_from_db()
    assert publication.upload_state["session"]
    worker.start()
    assert _wait(lambda: _settled(publication), 120), worker.log()[-3000:]
    assert publication.state == State.PUBLISHED, publication.last_error
    [video] = sandbox.posts("youtube")
    assert publication.remote_id == video["id"]
    assert len(sandbox.requests("youtube", path, "POST")) == 1  # one session: resumed, not redone
    stored = sandbox.store.media_content("youtube", video["data"]["media_ids"][0])
    assert stored[1] == big_clip.read_bytes()
