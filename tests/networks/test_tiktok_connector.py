"""TikTok's Direct Post against the sandbox: creator_info, chunked FILE_UPLOAD in order, the
status states until PUBLISH_COMPLETE or FAILED, resuming a stored publish_id, and the sign-in."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from django.utils import translation

from carecast.networks.base import Account, ConnectorError, MediaFile, PostRequest
from carecast.networks.connect import FLOWS, ConnectError
from carecast.networks.registry import get
from carecast.networks.tiktok.connector import TikTokConnector, chunk_plan, chunk_ranges
from tests.networks import video_clips

MB = 1024 * 1024
CALLBACK = "http://127.0.0.1:8000/channels/connect/callback/"


@pytest.fixture(scope="session")
def clip(tmp_path_factory):
    return video_clips.small(tmp_path_factory)


@pytest.fixture(scope="session")
def big_clip(tmp_path_factory):
    return video_clips.big(tmp_path_factory)


CHOICES = {"privacy_level": "PUBLIC_TO_EVERYONE", "music_confirmed": True}


@pytest.fixture
def creator(sandbox):
    return sandbox.add_account(
        "tiktok", "klinikum_pflege", "tt-token", display_name="Klinikum Pflege"
    )


def _connector(sandbox, **config) -> TikTokConnector:
    account = Account(
        base_url=f"{sandbox.base_url}/tiktok",
        handle="@klinikum_pflege",
        credentials={"access_token": "tt-token"},
        config={"poll_seconds": 0, **config},
    )
    return TikTokConnector(account, timeout=10)


class Progress:
    """Where dispatch keeps the upload state (a publication's column), in memory."""

    def __init__(self) -> None:
        self.value: dict = {}
        self.saved: list[dict] = []

    def save(self, value: dict) -> None:
        self.saved.append(value)
        self.value = value


def _post(path: Path, progress: Progress | None = None, **options) -> PostRequest:
    progress = progress or Progress()
    return PostRequest(
        "tt-1",
        "Ein Tag auf der Kinderstation 🎈 #pflege",
        media=(MediaFile(path, "video/mp4"),),
        options={**CHOICES, **options},
        progress=dict(progress.value),
        save_progress=progress.save,
    )


def test_it_plans_chunks_by_tiktoks_rules():
    assert chunk_plan(3 * MB) == (3 * MB, 1)  # under 5 MB: one chunk, the whole file
    assert chunk_plan(12 * MB, 5 * MB) == (5 * MB, 2)  # the last chunk takes the rest
    assert chunk_plan(12 * MB, 1 * MB) == (5 * MB, 2)  # never below 5 MB
    assert chunk_plan(700 * MB, 100 * MB) == (64 * MB, 10)  # never above 64 MB
    assert chunk_ranges(12 * MB, 5 * MB, 2) == [(0, 5 * MB - 1), (5 * MB, 12 * MB - 1)]
    with pytest.raises(ValueError):
        chunk_plan(0)


def test_it_publishes_a_small_video_in_one_chunk_and_polls_until_complete(sandbox, creator, clip):
    sandbox.settings["tiktok_processing_polls"] = 2
    progress = Progress()
    connector = _connector(sandbox)
    result = connector.publish(_post(clip, progress))
    [stored] = sandbox.posts("tiktok")
    assert result.remote_id == stored["id"]
    assert result.url.endswith(f"/@klinikum_pflege/video/{stored['id']}")
    assert stored["text"] == "Ein Tag auf der Kinderstation 🎈 #pflege"
    info = stored["data"]["post_info"]
    assert info["privacy_level"] == "PUBLIC_TO_EVERYONE"
    assert info["disable_comment"] is False and info["brand_content_toggle"] is False
    paths = [r["path"] for r in sandbox.requests("tiktok")]
    assert paths[0] == "/tiktok/v2/post/publish/creator_info/query"  # before each post
    assert paths.count("/tiktok/video/upload") == 1
    statuses = [p for p in paths if p.endswith("status/fetch")]
    assert len(statuses) == 3  # PROCESSING_DOWNLOAD twice, then PUBLISH_COMPLETE
    # The publish_id was kept before the upload, and stays (a killed worker's successor finds it).
    assert progress.saved and progress.value["publish_id"] == stored["data"]["publish_id"]
    content = sandbox.store.media_content("tiktok", stored["data"]["media_ids"][0])
    assert content[1] == clip.read_bytes()


def test_it_uploads_a_big_video_in_ordered_chunks(sandbox, creator, big_clip):
    connector = _connector(sandbox, chunk_bytes=5 * MB)
    result = connector.publish(_post(big_clip))
    size = big_clip.stat().st_size
    puts = sandbox.requests("tiktok", "/tiktok/video/upload", "PUT")
    chunks = size // (5 * MB)
    assert len(puts) == chunks >= 2
    [init] = sandbox.requests("tiktok", "/tiktok/v2/post/publish/video/init", "POST")
    assert init["json"]["source_info"] == {
        "source": "FILE_UPLOAD",
        "video_size": size,
        "chunk_size": 5 * MB,
        "total_chunk_count": chunks,
    }
    [stored] = sandbox.posts("tiktok")
    assert result.remote_id == stored["id"]
    assert (
        sandbox.store.media_content("tiktok", stored["data"]["media_ids"][0])[1]
        == big_clip.read_bytes()
    )


def test_it_answers_chunks_out_of_order_with_416(sandbox, creator, big_clip):
    token = {"Authorization": "Bearer tt-token"}
    size = big_clip.stat().st_size
    with httpx.Client(base_url=sandbox.base_url) as http:
        init = http.post(
            "/tiktok/v2/post/publish/video/init/",
            headers=token,
            json={
                "post_info": {"title": "x", "privacy_level": "SELF_ONLY"},
                "source_info": {
                    "source": "FILE_UPLOAD",
                    "video_size": size,
                    "chunk_size": 5 * MB,
                    "total_chunk_count": size // (5 * MB),
                },
            },
        ).json()["data"]
        second = http.put(
            init["upload_url"],
            content=b"\0" * (5 * MB),
            headers={"Content-Range": f"bytes {5 * MB}-{10 * MB - 1}/{size}"},
        )
        bad_plan = http.post(
            "/tiktok/v2/post/publish/video/init/",
            headers=token,
            json={
                "post_info": {"privacy_level": "SELF_ONLY"},
                "source_info": {
                    "source": "FILE_UPLOAD",
                    "video_size": size,
                    "chunk_size": 2 * MB,
                    "total_chunk_count": 5,
                },
            },
        )
    assert second.status_code == 416
    assert bad_plan.status_code == 400 and bad_plan.json()["error"]["code"] == "invalid_params"


def test_it_resumes_a_stored_upload_at_the_chunk_tiktok_lacks(sandbox, creator, big_clip):
    progress = Progress()
    # The first chunk arrives, then the connection breaks before TikTok's answer.
    sandbox.inject_fault(
        network="tiktok", path="/tiktok/video/upload", mode="accept_then_drop", times=1
    )
    with pytest.raises(ConnectorError) as broken:
        _connector(sandbox, chunk_bytes=5 * MB).publish(_post(big_clip, progress))
    assert not broken.value.outcome_unknown  # not the last chunk: no post can exist yet
    assert progress.value["publish_id"]
    result = _connector(sandbox, chunk_bytes=5 * MB).publish(_post(big_clip, progress))
    puts = sandbox.requests("tiktok", "/tiktok/video/upload", "PUT")
    chunks = big_clip.stat().st_size // (5 * MB)
    assert len(puts) == chunks  # the first chunk was not sent twice
    assert len(sandbox.requests("tiktok", "/tiktok/v2/post/publish/video/init", "POST")) == 1
    [stored] = sandbox.posts("tiktok")
    assert result.remote_id == stored["id"]
    assert (
        sandbox.store.media_content("tiktok", stored["data"]["media_ids"][0])[1]
        == big_clip.read_bytes()
    )


def test_it_finds_a_finished_post_by_its_stored_publish_id_and_never_posts_twice(
    sandbox, creator, clip
):
    progress = Progress()
    first = _connector(sandbox).publish(_post(clip, progress))
    again = _post(clip, progress)
    found = _connector(sandbox).find_existing(again)
    assert found is not None and found.remote_id == first.remote_id
    assert _connector(sandbox).publish(again).remote_id == first.remote_id
    assert len(sandbox.posts("tiktok")) == 1
    assert _connector(sandbox).find_existing(_post(clip)) is None  # nothing stored: nothing sent


def test_it_reports_failed_with_tiktoks_reason_for_a_corrupt_file(sandbox, creator, tmp_path):
    broken = tmp_path / "kaputt.mp4"
    broken.write_bytes(b"\0\0\0\x18ftypmp42" + b"not a video" * 1000)
    progress = Progress()
    with pytest.raises(ConnectorError) as failed:
        _connector(sandbox).publish(_post(broken, progress))
    assert failed.value.permanent
    assert "file_format_check_failed" in str(failed.value)
    assert "not a video TikTok can read" in str(failed.value)
    assert progress.value == {}  # a later attempt starts afresh
    assert sandbox.posts("tiktok") == []


def test_it_says_why_an_unaudited_app_can_post_only_privately(sandbox, clip):
    sandbox.add_account("tiktok", "klinikum_pflege", "tt-token", options={"audited": False})
    connector = _connector(sandbox)
    assert connector.creator_info()["privacy_level_options"] == ["SELF_ONLY"]
    with translation.override("de"), pytest.raises(ConnectorError) as refused:
        connector.publish(_post(clip))
    assert (
        refused.value.permanent and str(refused.value) == "Dieses TikTok-Konto bietet nur: Nur ich."
    )
    private = connector.publish(_post(clip, privacy_level="SELF_ONLY"))
    assert private.url == ""  # a private post has no public id: the publish_id names it
    assert private.remote_id.startswith("v_pub_file~")


def test_it_requires_the_persons_choices(sandbox, creator, clip):
    rules = get("tiktok")
    assert [p.code for p in rules.check_options({})] == ["privacy_missing", "music_confirmation"]
    branded = {"privacy_level": "SELF_ONLY", "music_confirmed": True, "brand_content": True}
    assert [p.code for p in rules.check_options(branded)] == ["branded_private"]
    with pytest.raises(ConnectorError) as refused:
        _connector(sandbox).publish(_post(clip, privacy_level=""))
    assert refused.value.permanent
    assert sandbox.requests("tiktok", "/tiktok/v2/post/publish/video/init") == []


def test_it_keeps_interactions_off_that_the_creator_disabled(sandbox, clip):
    sandbox.add_account("tiktok", "klinikum_pflege", "tt-token", options={"comment_disabled": True})
    _connector(sandbox).publish(_post(clip))
    [stored] = sandbox.posts("tiktok")
    assert stored["data"]["post_info"]["disable_comment"] is True


def test_it_maps_tiktoks_errors(sandbox, creator, clip):
    connector = _connector(sandbox)
    sandbox.inject_fault(
        network="tiktok",
        path="/tiktok/v2/post/publish/creator_info/query",
        status=429,
        retry_after=30,
    )
    with pytest.raises(ConnectorError) as limited:
        connector.publish(_post(clip))
    assert not limited.value.permanent and limited.value.retry_after == 30
    sandbox.revoke("tt-token")
    with pytest.raises(ConnectorError) as revoked:
        connector.publish(_post(clip))
    assert revoked.value.auth and "access_token_invalid" in str(revoked.value)


def test_it_counts_the_caption_in_utf16_and_needs_one_video(clip):
    rules = get("tiktok")
    assert rules.count_text("🎈") == 2
    problems = rules.check("Hallo", [], None)
    assert "video_missing" in [p.code for p in problems]


def test_it_signs_in_with_video_publish_and_refreshes_the_token(sandbox, creator, settings):
    settings.CARECAST_TIKTOK_CLIENT_KEY = "client-key"
    settings.CARECAST_TIKTOK_CLIENT_SECRET = "secret"
    settings.CARECAST_TIKTOK_AUTHORIZE_URL = f"{sandbox.base_url}/tiktok/v2/auth/authorize/"
    settings.CARECAST_TIKTOK_API_URL = f"{sandbox.base_url}/tiktok"
    flow = FLOWS["tiktok"]
    start = flow.begin({}, CALLBACK)
    query = parse_qs(urlsplit(start.url).query)
    assert query["client_key"] == ["client-key"] and query["scope"] == [
        "user.info.basic,video.publish,video.list,user.info.stats"
    ]
    with httpx.Client() as http:
        page = http.get(start.url)
        assert "TikTok: carecast erlauben?" in page.text
        answer = http.post(
            f"{sandbox.base_url}/tiktok/v2/auth/authorize",
            data={
                **{
                    k: v[0]
                    for k, v in query.items()
                    if k in ("client_key", "redirect_uri", "scope", "state")
                },
                "account": "klinikum_pflege",
                "decision": "allow",
            },
        )
    params = {k: v[0] for k, v in parse_qs(urlsplit(answer.headers["Location"]).query).items()}
    connected = flow.complete(start.pending, params)
    assert connected.handle == "@klinikum_pflege" and connected.credentials["refresh_token"]
    assert connected.remote_user_id == creator["id"]
    # What the composer and the limits table read until the post reads it again.
    assert connected.config["creator_nickname"] == "Klinikum Pflege"
    assert connected.config["max_video_post_duration_sec"] == 600
    assert "PUBLIC_TO_EVERYONE" in connected.config["privacy_level_options"]
    account = Account(
        base_url=connected.base_url, handle=connected.handle, credentials=connected.credentials
    )
    connector = TikTokConnector(account, timeout=5)
    connector.refresh_token()
    fresh = connector.updated_credentials
    assert fresh and fresh["access_token"] != connected.credentials["access_token"]
    assert (
        TikTokConnector(
            Account(base_url=connected.base_url, credentials=fresh)
        ).verify_credentials()
        == "Klinikum Pflege"
    )
    with pytest.raises(ConnectError):
        flow.complete(start.pending, {"state": start.pending["state"], "error": "access_denied"})


def test_it_refuses_a_video_longer_than_the_creator_may_post_before_uploading(sandbox, clip):
    sandbox.add_account("tiktok", "klinikum_pflege", "tt-token", options={"max_duration": 1})
    with pytest.raises(ConnectorError) as refused:
        _connector(sandbox).publish(_post(clip))
    assert refused.value.permanent
    assert "up to 1 seconds; the video is 2 seconds long" in str(refused.value)
    assert sandbox.requests("tiktok", "/tiktok/v2/post/publish/video/init") == []


def test_it_reports_tiktoks_duration_check_when_the_creator_limit_was_not_known(sandbox, clip):
    sandbox.add_account("tiktok", "klinikum_pflege", "tt-token", options={"max_duration": 1})
    # The creator_info answer says nothing about the limit; TikTok checks it after the upload.
    sandbox.inject_fault(
        network="tiktok",
        path="/tiktok/v2/post/publish/creator_info/query",
        status=200,
        body={"data": {"privacy_level_options": ["PUBLIC_TO_EVERYONE"]}, "error": {"code": "ok"}},
    )
    with pytest.raises(ConnectorError) as failed:
        _connector(sandbox).publish(_post(clip))
    assert failed.value.permanent and "duration_check_failed" in str(failed.value)
    assert "too long or too short" in str(failed.value)


def test_it_starts_afresh_when_the_stored_upload_address_has_expired(sandbox, creator, big_clip):
    progress = Progress()
    sandbox.inject_fault(
        network="tiktok", path="/tiktok/video/upload", mode="accept_then_drop", times=1
    )
    with pytest.raises(ConnectorError):
        _connector(sandbox, chunk_bytes=5 * MB).publish(_post(big_clip, progress))
    # An hour later TikTok no longer knows the upload address.
    sandbox.inject_fault(network="tiktok", path="/tiktok/video/upload", status=404, times=1)
    with pytest.raises(ConnectorError) as expired:
        _connector(sandbox, chunk_bytes=5 * MB).publish(_post(big_clip, progress))
    assert not expired.value.permanent and progress.value == {}
    result = _connector(sandbox, chunk_bytes=5 * MB).publish(_post(big_clip, progress))
    assert [p["id"] for p in sandbox.posts("tiktok")] == [result.remote_id]
