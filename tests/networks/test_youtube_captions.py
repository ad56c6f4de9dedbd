"""YouTube captions as a sidecar: after the video, ``captions.insert`` with the WebVTT file;
a refused caption track never fails or resends the published video."""

from __future__ import annotations

import logging

import pytest

from carecast.networks.base import MediaFile, PostRequest
from tests.networks import video_clips
from tests.networks.test_youtube_connector import CHOICES, Progress, _connector

CAPTIONS = "/youtube/upload/youtube/v3/captions"
VTT = b"WEBVTT\n\n00:00.000 --> 00:01.500\nWillkommen in der Notaufnahme.\n"


@pytest.fixture(scope="session")
def clip(tmp_path_factory):
    return video_clips.small(tmp_path_factory)


@pytest.fixture
def vtt(tmp_path):
    path = tmp_path / "untertitel.vtt"
    path.write_bytes(VTT)
    return path


def _post(clip, progress: Progress, captions=None, language: str = "de") -> PostRequest:
    return PostRequest(
        "yt-captions",
        "Wie arbeitet eine Notaufnahme?",
        media=(MediaFile(clip, "video/mp4", captions=captions),),
        language=language,
        options=CHOICES,
        progress=dict(progress.value),
        save_progress=progress.save,
    )


def _captions(sandbox) -> list[dict]:
    return getattr(sandbox, "youtube_state", {}).get("captions", [])


def test_it_uploads_the_captions_to_the_new_video(sandbox, clip, vtt):
    sandbox.add_account("youtube", "klinikum", "yt-token")
    progress = Progress()
    result = _connector(sandbox).publish(_post(clip, progress, vtt))
    [caption] = _captions(sandbox)
    assert caption["snippet"] == {
        "videoId": result.remote_id,
        "language": "de",
        "name": "Untertitel",
    }
    assert caption["data"] == VTT and caption["type"] == "text/vtt"
    assert progress.value["captions"] == "uploaded"
    assert progress.value["session"]  # the session stays: a successor finds the video
    # A later attempt (worker killed before it recorded success) sends neither again.
    again = _connector(sandbox).publish(_post(clip, progress, vtt))
    assert again.remote_id == result.remote_id
    assert len(_captions(sandbox)) == 1 and len(sandbox.posts("youtube")) == 1


def test_it_keeps_the_video_published_once_when_youtube_refuses_the_captions(
    sandbox, clip, vtt, caplog
):
    sandbox.add_account("youtube", "klinikum", "yt-token", options={"force_ssl": False})
    progress = Progress()
    with caplog.at_level(logging.WARNING, "carecast.networks.youtube.connector"):
        result = _connector(sandbox).publish(_post(clip, progress, vtt))
    [video] = sandbox.posts("youtube")
    assert result.remote_id == video["id"]
    assert _captions(sandbox) == []
    reason = progress.value["captions"]
    assert reason.startswith("failed:") and "HTTP 403" in reason
    assert "insufficientPermissions" in reason
    assert result.remote_id in caplog.text and "insufficientPermissions" in caplog.text
    # A retry of the same publication neither uploads the video nor asks for captions again.
    _connector(sandbox).publish(_post(clip, progress, vtt))
    assert len(sandbox.posts("youtube")) == 1
    assert len(sandbox.requests("youtube", CAPTIONS, "POST")) == 1


def test_it_skips_captions_without_the_force_ssl_scope_and_says_why(sandbox, clip, vtt):
    sandbox.add_account("youtube", "klinikum", "yt-token")
    connector = _connector(sandbox)
    connector.account.credentials["scope"] = "https://www.googleapis.com/auth/youtube.upload"
    progress = Progress()
    connector.publish(_post(clip, progress, vtt))
    assert len(sandbox.posts("youtube")) == 1
    assert sandbox.requests("youtube", CAPTIONS, "POST") == []
    assert "youtube.force-ssl" in progress.value["captions"]


def test_it_sends_no_caption_request_for_a_video_without_captions(sandbox, clip):
    sandbox.add_account("youtube", "klinikum", "yt-token")
    progress = Progress()
    _connector(sandbox).publish(_post(clip, progress))
    assert len(sandbox.posts("youtube")) == 1
    assert sandbox.requests("youtube", CAPTIONS, "POST") == []
    assert "captions" not in progress.value


def test_it_refuses_captions_for_an_unknown_video_in_the_sandbox(sandbox, vtt):
    sandbox.add_account("youtube", "klinikum", "yt-token")
    connector = _connector(sandbox)
    post = PostRequest("x", "", language="de")
    reason = connector._send_captions(post, vtt, "no-such-vid")
    assert reason.startswith("failed:") and "videoNotFound" in reason
