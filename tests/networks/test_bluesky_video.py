"""Video on Bluesky against a real PDS (npm @atproto/pds): the clip goes up as a blob and the
post embeds it as ``app.bsky.embed.video`` with alt text, aspect ratio and WebVTT captions
(https://docs.bsky.app/docs/tutorials/video, "simple method")."""

from __future__ import annotations

import httpx
import pytest

from carecast.networks.base import ConnectorError, MediaFile, PostRequest
from carecast.networks.bluesky.connector import BlueskyConnector
from tests.networks import video_clips
from tests.networks.test_bluesky_connector import klinikum, stored_session  # noqa: F401

CAPTIONS = "WEBVTT\n\n00:00.000 --> 00:02.000\nWillkommen auf der Kinderstation.\n"


@pytest.fixture(scope="session")
def clip(tmp_path_factory):
    return video_clips.small(tmp_path_factory)


def test_it_posts_a_video_with_alt_text_ratio_and_captions(pds, klinikum, clip, tmp_path):  # noqa: F811
    captions = tmp_path / "station.vtt"
    captions.write_text(CAPTIONS)
    probe = {"width": 720, "height": 1280, "duration": 2.0}
    video = MediaFile(
        clip, "video/mp4", "Pflegekräfte am Stationstresen", probe=probe, captions=captions
    )
    connector = BlueskyConnector(klinikum)
    result = connector.publish(
        PostRequest("bsky-video-1", "Ein Tag auf der Kinderstation", media=(video,))
    )
    repo, _, rkey = result.remote_id.removeprefix("at://").partition("/app.bsky.feed.post/")
    record = httpx.get(
        f"{pds.base_url}/xrpc/com.atproto.repo.getRecord",
        params={"repo": repo, "collection": "app.bsky.feed.post", "rkey": rkey},
    ).json()["value"]
    embed = record["embed"]
    assert embed["$type"] == "app.bsky.embed.video"
    assert embed["alt"] == "Pflegekräfte am Stationstresen"
    assert (embed["aspectRatio"]["width"], embed["aspectRatio"]["height"]) == (720, 1280)
    assert (
        embed["video"]["mimeType"] == "video/mp4" and embed["video"]["size"] == clip.stat().st_size
    )
    assert embed["captions"][0]["lang"] == "de"
    blob = httpx.get(
        f"{pds.base_url}/xrpc/com.atproto.sync.getBlob",
        params={"did": repo, "cid": embed["video"]["ref"]["$link"]},
    )
    assert blob.content == clip.read_bytes()


def test_it_refuses_a_video_with_images_or_over_100_mb(klinikum, clip, tmp_path):  # noqa: F811
    image = tmp_path / "a.jpg"
    image.write_bytes(b"\xff\xd8\xff")
    mixed = (MediaFile(clip, "video/mp4"), MediaFile(image, "image/jpeg"))
    with pytest.raises(ConnectorError) as refused:
        BlueskyConnector(klinikum).publish(PostRequest("bsky-video-2", "x", media=mixed))
    assert refused.value.permanent and "one video" in str(refused.value)
    huge = tmp_path / "gross.mp4"
    with huge.open("wb") as handle:
        handle.truncate(100_000_001)
    with pytest.raises(ConnectorError) as too_big:
        BlueskyConnector(klinikum).publish(
            PostRequest("bsky-video-3", "x", media=(MediaFile(huge, "video/mp4"),))
        )
    assert too_big.value.permanent and "100,000,000" in str(too_big.value)
