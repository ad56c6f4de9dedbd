"""Fault test: the worker is SIGKILLed in the middle of Instagram's two-step publishing.

Between container creation and ``media_publish``, and while ``media_publish`` is in flight:
either way the post must be on Instagram exactly once and the publication ``published``.
"""

from __future__ import annotations

import io
import time

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image

from carecast.networks.models import Channel
from carecast.publishing import services
from carecast.publishing.models import Publication, State
from carecast.stories.models import MediaAsset

pytestmark = pytest.mark.fault


@pytest.fixture
def instagram(org, sandbox, live_server, settings, tmp_path):
    remote = sandbox.add_account("instagram", "klinikum_karriere", "ig-token")
    channel = Channel(
        organisation=org,
        network="instagram",
        name="Instagram – Karriere",
        handle="@klinikum_karriere",
        base_url=f"{sandbox.base_url}/graph",
        remote_user_id=remote["id"],
        is_sandbox=True,
        config={"public_base": live_server.url},
    )
    channel.set_credentials({"access_token": "ig-token"})
    channel.save()
    return channel


def _story(org, channel, story_for):
    buffer = io.BytesIO()
    Image.new("RGB", (32, 32), (40, 90, 160)).save(buffer, format="JPEG")
    asset = MediaAsset(organisation=org, mime_type="image/jpeg", alt_text="Das Pflegeteam")
    asset.file.save("team.jpg", ContentFile(buffer.getvalue()))
    story = story_for(channel, text="Wir suchen Pflegekräfte! #pflege", media=[asset])
    return services.schedule(story.variants.get(), timezone.now())


def _wait(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def _requests(sandbox, suffix: str, method: str = "POST") -> list:
    return [r for r in sandbox.requests("facebook", method=method) if r["path"].endswith(suffix)]


def _settled(publication) -> bool:
    publication.refresh_from_db()
    return publication.state in (State.PUBLISHED, State.FAILED, State.UNCONFIRMED)


def test_it_publishes_once_when_killed_between_container_and_publish(
    worker, worker_env, org, instagram, story_for, sandbox
):
    worker_env.update(CARECAST_CLAIM_LEASE_SECONDS="5", CARECAST_DISPATCH_LEAD_SECONDS="0")
    sandbox.settings["instagram_processing_polls"] = 1  # the worker waits a poll interval
    publication = _story(org, instagram, story_for)
    worker.start()
    assert _wait(lambda: _requests(sandbox, "/media"), 60), worker.log()[-2000:]
    worker.kill()
    assert not _requests(sandbox, "/media_publish"), "killed too late for this scenario"
    worker.start()
    assert _wait(lambda: _settled(publication), 120), worker.log()[-2000:]
    assert publication.state == State.PUBLISHED
    assert len(sandbox.posts("instagram")) == 1
    assert len(_requests(sandbox, "/media")) == 2  # the first container was never published
    assert publication.remote_id == sandbox.posts("instagram")[0]["id"]


def test_it_publishes_once_when_killed_while_publish_is_in_flight(
    worker, worker_env, org, instagram, story_for, sandbox
):
    worker_env.update(CARECAST_CLAIM_LEASE_SECONDS="5", CARECAST_DISPATCH_LEAD_SECONDS="0")
    # Instagram takes its time to answer; the worker dies before the answer comes.
    path = f"/graph/v21.0/{instagram.remote_user_id}/media_publish"
    sandbox.inject_fault(network="facebook", path=path, mode="delay", seconds=2)
    publication = _story(org, instagram, story_for)
    worker.start()
    assert _wait(lambda: _requests(sandbox, "/media_publish"), 60), worker.log()[-2000:]
    worker.kill()
    worker.start()
    assert _wait(lambda: _settled(publication), 120), worker.log()[-2000:]
    assert publication.state == State.PUBLISHED
    assert len(sandbox.posts("instagram")) == 1
    assert Publication.objects.count() == 1
