"""YouTube's resumable upload against the sandbox: chunks in order, 308 with Range, resuming
after an interruption (``Content-Range: bytes */N``), a stored session found again, metadata
limits, quota, and the Google sign-in."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from carecast.networks.base import Account, ConnectorError, MediaFile, PostRequest
from carecast.networks.connect import FLOWS
from carecast.networks.registry import get
from carecast.networks.youtube.connector import QUANTUM, YouTubeConnector
from carecast.networks.youtube.rules import is_short, title_and_description, uploads_per_day
from tests.networks import video_clips

CALLBACK = "http://127.0.0.1:8000/channels/connect/callback/"


@pytest.fixture(scope="session")
def clip(tmp_path_factory):
    return video_clips.small(tmp_path_factory)


CHOICES = {
    "title": "Ein Tag in der Notaufnahme",
    "privacy_status": "public",
    "made_for_kids": False,
}


@pytest.fixture
def channel(sandbox):
    return sandbox.add_account(
        "youtube", "klinikum", "yt-token", display_name="Klinikum Musterstadt"
    )


def _connector(sandbox, **config) -> YouTubeConnector:
    account = Account(
        base_url=f"{sandbox.base_url}/youtube",
        handle="@klinikum",
        credentials={"access_token": "yt-token"},
        config={"chunk_bytes": QUANTUM, **config},
    )
    return YouTubeConnector(account, timeout=10)


class Progress:
    def __init__(self) -> None:
        self.value: dict = {}

    def save(self, value: dict) -> None:
        self.value = value


def _post(
    path: Path,
    progress: Progress | None = None,
    text: str = "Wie arbeitet eine Notaufnahme? #klinik",
    **options,
) -> PostRequest:
    progress = progress or Progress()
    return PostRequest(
        "yt-1",
        text,
        media=(MediaFile(path, "video/mp4"),),
        options={**CHOICES, **options},
        progress=dict(progress.value),
        save_progress=progress.save,
    )


def test_it_uploads_in_ordered_chunks_answered_with_308(sandbox, channel, clip):
    progress = Progress()
    result = _connector(sandbox).publish(_post(clip, progress))
    [stored] = sandbox.posts("youtube")
    assert result.remote_id == stored["id"] and result.url.endswith(f"watch?v={stored['id']}")
    assert stored["data"]["snippet"]["title"] == "Ein Tag in der Notaufnahme"
    assert stored["data"]["status"] == {"privacyStatus": "public", "selfDeclaredMadeForKids": False}
    size = clip.stat().st_size
    puts = sandbox.requests("youtube", "/youtube/upload/youtube/v3/videos", "PUT")
    assert len(puts) == -(-size // QUANTUM)  # one request per 256 KiB chunk, none repeated
    assert progress.value["session"].startswith(sandbox.base_url)  # kept before the first byte
    content = sandbox.store.media_content("youtube", stored["data"]["media_ids"][0])
    assert content[1] == clip.read_bytes()


def test_it_answers_the_status_question_and_refuses_a_gap(sandbox, channel):
    headers = {"Authorization": "Bearer yt-token", "X-Upload-Content-Length": str(3 * QUANTUM)}
    with httpx.Client(base_url=sandbox.base_url) as http:
        start = http.post(
            "/youtube/upload/youtube/v3/videos",
            params={"uploadType": "resumable", "part": "snippet,status"},
            json={"snippet": {"title": "T"}, "status": {"privacyStatus": "private"}},
            headers=headers,
        )
        session = start.headers["Location"]
        empty = http.put(session, headers={"Content-Range": f"bytes */{3 * QUANTUM}"})
        first = http.put(
            session,
            content=b"a" * QUANTUM,
            headers={"Content-Range": f"bytes 0-{QUANTUM - 1}/{3 * QUANTUM}"},
        )
        gap = http.put(
            session,
            content=b"c" * QUANTUM,
            headers={"Content-Range": f"bytes {2 * QUANTUM}-{3 * QUANTUM - 1}/{3 * QUANTUM}"},
        )
        asked = http.put(session, headers={"Content-Range": f"bytes */{3 * QUANTUM}"})
    assert empty.status_code == 308 and "Range" not in empty.headers
    assert first.status_code == 308 and first.headers["Range"] == f"bytes=0-{QUANTUM - 1}"
    assert gap.status_code == 400
    assert asked.status_code == 308 and asked.headers["Range"] == f"bytes=0-{QUANTUM - 1}"


def test_it_resumes_after_an_interruption_from_the_range_youtube_has(sandbox, channel, clip):
    progress = Progress()
    # The third chunk arrives but its answer is lost; the connector asks and continues.
    sandbox.inject_fault(
        network="youtube",
        path="/youtube/upload/youtube/v3/videos",
        method="PUT",
        mode="accept_then_drop",
        times=1,
    )
    sandbox.inject_fault(
        network="youtube",
        path="/youtube/upload/youtube/v3/videos",
        method="PUT",
        status=503,
        times=1,
    )
    result = _connector(sandbox).publish(_post(clip, progress))
    puts = sandbox.requests("youtube", "/youtube/upload/youtube/v3/videos", "PUT")
    asks = [r for r in puts if r["headers"]["content-range"].startswith("bytes */")]
    chunks = [r for r in puts if not r["headers"]["content-range"].startswith("bytes */")]
    assert len(asks) == 2  # one answered 503, the next said where to continue
    assert len(chunks) == -(-clip.stat().st_size // QUANTUM)  # the lost answer's chunk not resent
    [stored] = sandbox.posts("youtube")
    assert result.remote_id == stored["id"]
    assert (
        sandbox.store.media_content("youtube", stored["data"]["media_ids"][0])[1]
        == clip.read_bytes()
    )
    assert len(sandbox.requests("youtube", "/youtube/upload/youtube/v3/videos", "POST")) == 1


def test_it_continues_a_stored_session_in_a_later_attempt(sandbox, channel, clip):
    progress = Progress()
    sandbox.inject_fault(
        network="youtube",
        path="/youtube/upload/youtube/v3/videos",
        method="PUT",
        status=400,
        times=None,
    )
    with pytest.raises(ConnectorError):
        _connector(sandbox).publish(_post(clip, progress))
    sandbox.clear_faults()
    assert progress.value["session"]
    result = _connector(sandbox).publish(_post(clip, progress))
    assert len(sandbox.requests("youtube", "/youtube/upload/youtube/v3/videos", "POST")) == 1
    assert [p["id"] for p in sandbox.posts("youtube")] == [result.remote_id]


def test_it_finds_the_finished_video_through_its_session_and_never_uploads_twice(
    sandbox, channel, clip
):
    progress = Progress()
    first = _connector(sandbox).publish(_post(clip, progress))
    again = _post(clip, progress)
    found = _connector(sandbox).find_existing(again)
    assert found is not None and found.remote_id == first.remote_id
    assert _connector(sandbox).publish(again).remote_id == first.remote_id
    assert len(sandbox.posts("youtube")) == 1
    assert _connector(sandbox).find_existing(_post(clip)) is None  # no session: no video


def test_it_starts_again_when_the_session_expired_before_completion(sandbox, channel, clip):
    progress = Progress()
    progress.value = {
        "session": f"{sandbox.base_url}/youtube/upload/youtube/v3/videos?uploadType=resumable&upload_id=gone",
        "video_size": clip.stat().st_size,
    }
    result = _connector(sandbox).publish(_post(clip, progress))
    assert [p["id"] for p in sandbox.posts("youtube")] == [result.remote_id]
    assert "upload_id=gone" not in progress.value["session"]  # the new session is kept


def test_it_refuses_bad_metadata_with_youtubes_reason(sandbox, channel, clip):
    with pytest.raises(ConnectorError) as refused:
        _connector(sandbox).publish(_post(clip, text="A <b>bold</b> claim"))
    assert refused.value.permanent and "invalidDescription" in str(refused.value)
    with pytest.raises(ConnectorError) as untitled:
        _connector(sandbox).publish(_post(clip, title="x" * 101))
    assert untitled.value.permanent  # checked before any request
    assert sandbox.requests("youtube", "/youtube/upload/youtube/v3/videos", "PUT") == []


def test_it_waits_for_the_quota_to_reset_when_it_is_used_up(sandbox, channel, clip):
    sandbox.settings["youtube_daily_quota"] = 1_600
    _connector(sandbox).publish(_post(clip))
    with pytest.raises(ConnectorError) as exhausted:
        _connector(sandbox).publish(_post(clip))
    assert not exhausted.value.permanent and "quotaExceeded" in str(exhausted.value)
    assert 0 < exhausted.value.retry_after <= 24 * 3600
    assert _connector(sandbox, daily_quota=10_000).publishing_limit() == (0, 6)


def test_it_maps_a_revoked_token_to_auth(sandbox, channel, clip):
    sandbox.revoke("yt-token")
    with pytest.raises(ConnectorError) as revoked:
        _connector(sandbox).publish(_post(clip))
    assert revoked.value.auth


def test_it_knows_titles_shorts_and_the_quota():
    assert title_and_description("Erste Zeile\nMehr") == ("Erste Zeile", "Erste Zeile\nMehr")
    assert is_short(1080, 1920, 170) and is_short(1080, 1080, 60)
    assert not is_short(1920, 1080, 30) and not is_short(1080, 1920, 181)
    assert uploads_per_day() == 6
    rules = get("youtube")
    assert rules.count_text("ä") == 2  # the description's limit is in bytes
    codes = [p.code for p in rules.check_options({"title": "<x>"})]
    assert codes == ["title_brackets", "privacy_missing", "kids_missing"]
    shorts = MediaFile(
        Path("s.mp4"), "video/mp4", probe={"width": 1080, "height": 1920, "duration": 42}
    )
    assert rules.video_limits_key(shorts) == "youtube_shorts"


def test_it_signs_in_with_google_and_refreshes(sandbox, channel, settings):
    settings.CARECAST_GOOGLE_CLIENT_ID = "google-client"
    settings.CARECAST_GOOGLE_CLIENT_SECRET = "secret"
    settings.CARECAST_GOOGLE_AUTHORIZE_URL = f"{sandbox.base_url}/youtube/o/oauth2/v2/auth"
    settings.CARECAST_GOOGLE_TOKEN_URL = f"{sandbox.base_url}/youtube/token"
    settings.CARECAST_YOUTUBE_API_URL = f"{sandbox.base_url}/youtube"
    flow = FLOWS["youtube"]
    start = flow.begin({}, CALLBACK)
    query = parse_qs(urlsplit(start.url).query)
    assert query["access_type"] == ["offline"] and "youtube.upload" in query["scope"][0]
    with httpx.Client() as http:
        assert "YouTube-Konto" in http.get(start.url).text
        answer = http.post(
            f"{sandbox.base_url}/youtube/o/oauth2/v2/auth",
            data={
                **{
                    k: v[0]
                    for k, v in query.items()
                    if k in ("client_id", "redirect_uri", "scope", "state")
                },
                "account": "klinikum",
                "decision": "allow",
            },
        )
    params = {k: v[0] for k, v in parse_qs(urlsplit(answer.headers["Location"]).query).items()}
    connected = flow.complete(start.pending, params)
    assert connected.remote_user_id == channel["id"] and connected.handle == "@klinikum"
    assert "youtube.force-ssl" in connected.credentials["scope"]  # captions can go out
    connector = YouTubeConnector(
        Account(base_url=connected.base_url, credentials=connected.credentials)
    )
    connector.refresh_token()
    fresh = connector.updated_credentials
    assert fresh and fresh["refresh_token"] == connected.credentials["refresh_token"]
    assert (
        YouTubeConnector(
            Account(base_url=connected.base_url, credentials=fresh)
        ).verify_credentials()
        == "Klinikum Musterstadt"
    )


def test_it_finds_a_finished_video_even_when_the_file_changed_since(
    sandbox, channel, clip, tmp_path
):
    progress = Progress()
    first = _connector(sandbox).publish(_post(clip, progress))
    other = tmp_path / "neue-fassung.mp4"
    other.write_bytes(clip.read_bytes() + b"\0" * 10)
    again = _connector(sandbox).publish(_post(other, progress))
    assert again.remote_id == first.remote_id and len(sandbox.posts("youtube")) == 1
