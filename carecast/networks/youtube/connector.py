"""YouTube: ``videos.insert`` through the resumable upload protocol (Data API v3).

Endpoints (base ``https://www.googleapis.com``; reference URL next to each):
* ``POST /upload/youtube/v3/videos?uploadType=resumable&part=snippet,status`` with the video
  resource → 200 and the session address in ``Location`` —
  https://developers.google.com/youtube/v3/guides/using_resumable_upload_protocol
* ``PUT {session}`` chunk by chunk (multiples of 256 KiB) with ``Content-Range``; 308 and
  ``Range: bytes=0-N`` while incomplete, 200/201 with the video resource at the end; after
  an interruption ``PUT`` with ``Content-Range: bytes */SIZE`` asks what arrived — same page
* ``GET /youtube/v3/channels?part=snippet&mine=true`` (verify) —
  https://developers.google.com/youtube/v3/docs/channels/list
* ``DELETE /youtube/v3/videos?id=…`` — https://developers.google.com/youtube/v3/docs/videos/delete
* ``POST /upload/youtube/v3/captions?part=snippet&uploadType=multipart`` (captions.insert,
  needs the ``youtube.force-ssl`` scope) — https://developers.google.com/youtube/v3/docs/captions/insert
* ``POST https://oauth2.googleapis.com/token`` (refresh) —
  https://developers.google.com/identity/protocols/oauth2/web-server#offline
* errors — https://developers.google.com/youtube/v3/docs/errors

Exactly once: the video exists only when its upload completes, and the session address is
stored (``PostRequest.remember``) before the first byte goes out. A later attempt asks that
session what arrived: complete → that video; part of it → continue from there; gone (404)
→ no video was made, start again. The session is kept after success, so a worker killed
before it recorded the success finds the video instead of uploading it twice.

Captions (a WebVTT sidecar, ``MediaFile.captions``) follow the finished video once. They never
fail the post: the video is published already, so a refused caption track is logged and its
reason kept in the progress (``captions``) — resending the video would make a second one.
"""

from __future__ import annotations

import json
import logging
import re
import secrets
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from carecast.lib.http import (
    error_from_exception,
    json_object,
    parse_retry_after,
)
from carecast.networks.base import (
    Account,
    CannotVerify,
    ConnectorError,
    HTTPConnector,
    MediaFile,
    PostRequest,
    PostResult,
)
from carecast.networks.tokens import refresh_grant, renewed
from carecast.networks.youtube.captions import UPLOADED
from carecast.networks.youtube.metrics import YouTubeMetrics
from carecast.networks.youtube.rules import (
    DEFAULT_DAILY_QUOTA,
    VIDEO_TYPES,
    YouTube,
    is_short,
    language,
    title_and_description,
    uploads_per_day,
)

log = logging.getLogger(__name__)

LABEL = "YouTube"
CAPTIONS_SCOPE = "https://www.googleapis.com/auth/youtube.force-ssl"
CAPTION_NAMES = {"de": "Untertitel", "en": "Captions"}
QUANTUM = 256 * 1024  # chunks are multiples of 256 KiB (all but the last)
DEFAULT_CHUNK = 32 * QUANTUM  # 8 MiB
_RANGE = re.compile(r"bytes=(\d+)-(\d+)")
# Reasons that a person must fix (reconnect), not a retry.
_AUTH_REASONS = ("authError", "insufficientPermissions", "forbidden", "youtubeSignupRequired")
_QUOTA_REASONS = ("quotaExceeded", "uploadLimitExceeded", "dailyLimitExceeded", "rateLimitExceeded")


class YouTubeConnector(YouTubeMetrics, HTTPConnector):
    idempotent = False
    can_look_up = True  # through the stored upload session (see the module docstring)

    def __init__(self, account: Account, *, timeout: float | None = None) -> None:
        super().__init__(account, timeout=timeout)
        wanted = int(account.config.get("chunk_bytes") or DEFAULT_CHUNK)
        self.chunk = max(QUANTUM, wanted // QUANTUM * QUANTUM)

    def _auth(self) -> dict[str, str]:
        credentials = self.updated_credentials or self.account.credentials
        return {"Authorization": f"Bearer {credentials.get('access_token', '')}"}

    def _request(self, method: str, url: str, action: str, **kw: Any) -> httpx.Response:
        headers = {**self._auth(), **kw.pop("headers", {})}
        try:
            response = self.client.request(method, url, headers=headers, **kw)
        except httpx.HTTPError as exc:
            raise error_from_exception(exc, False, network_label=LABEL) from exc
        if response.status_code >= 400:
            raise _error(response, action)
        return response

    # --- publishing ---------------------------------------------------------------------------

    def publish(self, post: PostRequest) -> PostResult:
        self._kept: dict[str, Any] = dict(post.progress or {})
        result = self._publish_video(post)
        return self._add_captions(post, _the_video(post), result)

    def _remember(self, post: PostRequest, progress: dict[str, Any]) -> None:
        self._kept = dict(progress)
        post.remember(progress)

    def _publish_video(self, post: PostRequest) -> PostResult:
        if post.reply_to:
            raise ConnectorError("YouTube: carecast cannot answer comments there.", permanent=True)
        video = _the_video(post)
        problems = YouTube().check_options(post.options or {})
        if problems:
            raise ConnectorError(" ".join(p.message for p in problems), permanent=True)
        self._refresh_if_due()
        size = video.path.stat().st_size
        stored = dict(post.progress or {})
        if stored.get("session"):
            # Asked with the size it was opened for: a finished video is found whatever the
            # file is now; an unfinished one is continued only with the same file.
            received = self._received(stored["session"], int(stored.get("video_size") or size))
            if isinstance(received, PostResult):
                return received
            if received is not None and stored.get("video_size") == size:
                return self._upload(video, stored["session"], size, received, post)
            self._remember(post, {})  # expired or another file: that session never made a video
        session = self._start_session(post, video, size)
        # Before the first byte: only a complete upload makes a video, and a successor
        # must find the session to continue (or find the finished video).
        self._remember(post, {"session": session, "video_size": size})
        return self._upload(video, session, size, 0, post)

    def _start_session(self, post: PostRequest, video: MediaFile, size: int) -> str:
        options = dict(post.options or {})
        title, description = title_and_description(post.text, str(options.get("title") or ""))
        resource = {
            "snippet": {
                "title": title,
                "description": description,
                "categoryId": str(options.get("category_id") or "22"),  # People & Blogs
                "defaultLanguage": language(options, post.language),
            },
            "status": {
                "privacyStatus": options["privacy_status"],
                "selfDeclaredMadeForKids": bool(options["made_for_kids"]),
            },
        }
        response = self._request(
            "POST",
            "/upload/youtube/v3/videos",
            "Could not start the upload",
            params={"uploadType": "resumable", "part": "snippet,status"},
            json=resource,
            headers={
                "X-Upload-Content-Length": str(size),
                "X-Upload-Content-Type": video.mime_type,
            },
        )
        session = response.headers.get("Location", "")
        if not session:
            raise ConnectorError("YouTube sent no upload session address.")
        return session

    def _upload(
        self, video: MediaFile, session: str, size: int, offset: int, post: PostRequest
    ) -> PostResult:
        """Send the file from ``offset`` in chunks; after a broken chunk, ask and continue."""
        interruptions, ask = 0, False
        try:
            handle = video.path.open("rb")
        except OSError as exc:
            raise ConnectorError(f"The video cannot be read: {exc}", permanent=True) from exc
        with handle:
            while True:
                if ask:
                    try:
                        received = self._received(session, size)
                    except ConnectorError as exc:
                        if exc.permanent:
                            raise
                        interruptions += 1
                        if interruptions > 3:
                            raise ConnectorError(
                                str(exc), outcome_unknown=True, retry_after=exc.retry_after
                            ) from exc
                        continue
                    if isinstance(received, PostResult):
                        return received
                    if received is None:
                        self._remember(post, {})
                        raise ConnectorError("YouTube: the upload session expired; starting again.")
                    offset, ask = received, False
                handle.seek(offset)
                part = handle.read(self.chunk)
                headers = {
                    **self._auth(),
                    "Content-Type": video.mime_type,
                    "Content-Range": f"bytes {offset}-{offset + len(part) - 1}/{size}",
                }
                try:
                    response = self.client.put(session, content=part, headers=headers)
                except httpx.HTTPError as exc:
                    failure = error_from_exception(exc, True, network_label=LABEL)
                else:
                    if response.status_code in (200, 201):
                        return self._result(response)
                    if response.status_code == 308:
                        offset = _next_byte(response)
                        continue
                    failure = _error(response, "Could not upload the video")
                    if response.status_code in (404, 410):  # session gone: no video was made
                        self._remember(post, {})
                        raise ConnectorError(f"{failure} — starting the upload again.")
                    if response.status_code < 500 and response.status_code != 429:
                        raise failure
                # Interrupted: ask what arrived and continue (the stored session lets a
                # later attempt do the same).
                interruptions += 1
                if interruptions > 3:
                    raise ConnectorError(
                        str(failure), outcome_unknown=True, retry_after=failure.retry_after
                    )
                ask = True

    # --- captions -----------------------------------------------------------------------------

    def _add_captions(self, post: PostRequest, video: MediaFile, result: PostResult) -> PostResult:
        """Upload the caption sidecar to the finished video, once; a refusal is recorded on the
        publication's progress and logged, and the post stays published."""
        if video.captions is None or "captions" in self._kept:
            return result  # none to send, or an earlier attempt already sent or tried them
        outcome = self._send_captions(post, video.captions, result.remote_id)
        if outcome != UPLOADED:
            log.warning(
                "YouTube video %s published without captions: %s", result.remote_id, outcome
            )
        try:
            self._remember(
                post,
                {
                    **self._kept,
                    "captions": outcome,
                    "captions_language": language(post.options or {}, post.language),
                },
            )
        except ConnectorError as exc:  # the video is out: its result must still be recorded
            log.warning("YouTube video %s: caption outcome not kept: %s", result.remote_id, exc)
        return result

    def _send_captions(self, post: PostRequest, path: Path, video_id: str) -> str:
        """Return "uploaded", or why the captions were not sent."""
        granted = (self.updated_credentials or self.account.credentials).get("scope")
        if granted is not None and CAPTIONS_SCOPE not in granted.split():
            return "skipped: the channel was connected without the youtube.force-ssl scope"
        try:
            data = path.read_bytes()
        except OSError as exc:
            return f"skipped: the caption file cannot be read ({exc})"
        spoken = language(post.options or {}, post.language)
        snippet = {
            "videoId": video_id,
            "language": spoken,
            "name": CAPTION_NAMES.get(spoken, spoken),
        }
        boundary = f"carecast-{secrets.token_hex(12)}"
        body = b"".join(
            (
                f"--{boundary}\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n".encode(),
                json.dumps({"snippet": snippet}).encode(),
                f"\r\n--{boundary}\r\nContent-Type: text/vtt\r\n\r\n".encode(),
                data,
                f"\r\n--{boundary}--\r\n".encode(),
            )
        )
        try:
            # https://developers.google.com/youtube/v3/docs/captions/insert
            self._request(
                "POST",
                "/upload/youtube/v3/captions",
                "Could not upload the captions",
                params={"part": "snippet", "uploadType": "multipart"},
                content=body,
                headers={"Content-Type": f"multipart/related; boundary={boundary}"},
            )
        except ConnectorError as exc:
            return f"failed: {exc}"
        return UPLOADED

    def _received(self, session: str, size: int) -> int | PostResult | None:
        """Ask the session what arrived: the next byte to send, the finished video, or None
        when the session no longer exists."""
        headers = {**self._auth(), "Content-Range": f"bytes */{size}", "Content-Length": "0"}
        try:
            response = self.client.put(session, content=b"", headers=headers)
        except httpx.HTTPError as exc:
            raise ConnectorError(
                f"{error_from_exception(exc, False, network_label=LABEL)}", outcome_unknown=True
            ) from exc
        if response.status_code in (200, 201):
            return self._result(response)
        if response.status_code == 308:
            return _next_byte(response)
        if response.status_code in (404, 410):
            return None
        raise _error(response, "Could not ask YouTube what arrived")

    def _result(self, response: httpx.Response) -> PostResult:
        video = json_object(response)
        video_id = str(video.get("id") or "")
        if not video_id:
            raise ConnectorError("YouTube answered without a video id.", outcome_unknown=True)
        return PostResult(video_id, f"https://www.youtube.com/watch?v={video_id}", raw=video)

    def find_existing(self, post: PostRequest) -> PostResult | None:
        stored = post.progress or {}
        if not stored.get("session"):
            return None  # no session was stored, so no byte went out: no video exists
        try:
            received = self._received(str(stored["session"]), int(stored.get("video_size") or 0))
        except ConnectorError as exc:
            raise CannotVerify(
                str(exc), auth=exc.auth, retry_after=exc.retry_after, status=exc.status
            ) from exc
        return received if isinstance(received, PostResult) else None

    def publishing_limit(self) -> tuple[int, int]:
        """Uploads the project's daily quota allows (``videos.insert`` costs 1,600 units).

        YouTube reports no quota use through the API; the day's plan is what counts.
        """
        from django.conf import settings

        configured = self.account.config.get("daily_quota") or getattr(
            settings, "CARECAST_YOUTUBE_DAILY_QUOTA", DEFAULT_DAILY_QUOTA
        )
        quota = int(configured or DEFAULT_DAILY_QUOTA)
        return 0, uploads_per_day(quota)

    def delete(self, remote_id: str) -> None:
        try:
            self._request(
                "DELETE", "/youtube/v3/videos", "Could not delete", params={"id": remote_id}
            )
        except ConnectorError as exc:
            if exc.status != 404:
                raise

    def verify_credentials(self) -> str:
        self._refresh_if_due()
        response = self._request(
            "GET",
            "/youtube/v3/channels",
            "Could not verify",
            params={"part": "snippet", "mine": "true"},
        )
        items = json_object(response).get("items") or []
        if not items:
            raise ConnectorError("This Google account has no YouTube channel.", auth=True)
        return str((items[0].get("snippet") or {}).get("title") or "")

    # --- tokens -------------------------------------------------------------------------------

    def _refresh_if_due(self) -> None:
        expires = self.account.credentials.get("expires_at", "")
        if not expires or self.updated_credentials:
            return
        try:
            due = datetime.fromisoformat(expires) - timedelta(minutes=5) <= datetime.now(UTC)
        except ValueError:
            return
        if due:
            self.refresh_token()

    def refresh_token(self) -> None:
        """A new access token (Google's live an hour); Google keeps the refresh token."""
        from django.conf import settings

        refresh = self.account.credentials.get("refresh_token", "")
        if not refresh:
            raise ConnectorError("YouTube: no refresh token; please reconnect.", auth=True)
        app = {
            "client_id": settings.CARECAST_GOOGLE_CLIENT_ID,
            "client_secret": settings.CARECAST_GOOGLE_CLIENT_SECRET,
        }
        url = settings.CARECAST_GOOGLE_TOKEN_URL
        token = refresh_grant(self.client, url, app, refresh, label=LABEL, issuer="Google")
        self.updated_credentials = renewed(self.account.credentials, token, refresh, 3600)


def _the_video(post: PostRequest) -> MediaFile:
    videos = [m for m in post.media if m.mime_type in VIDEO_TYPES]
    if len(videos) != 1 or len(post.media) != 1:
        raise ConnectorError("YouTube needs exactly one video per post.", permanent=True)
    if not videos[0].path.exists():
        raise ConnectorError("The video file is missing.", permanent=True)
    return videos[0]


def _next_byte(response: httpx.Response) -> int:
    """From a 308's ``Range: bytes=0-N``: N + 1; no Range means nothing arrived yet."""
    found = _RANGE.search(response.headers.get("Range") or "")
    return int(found.group(2)) + 1 if found else 0


def seconds_to_pacific_midnight(now: datetime | None = None) -> float:
    """YouTube's quota resets at midnight Pacific Time."""
    pacific = (now or datetime.now(UTC)).astimezone(ZoneInfo("America/Los_Angeles"))
    midnight = (pacific + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return (midnight - pacific).total_seconds()


def _error(response: httpx.Response, action: str) -> ConnectorError:
    status = response.status_code
    error = json_object(response).get("error")
    error = error if isinstance(error, dict) else {}
    details = error.get("errors") if isinstance(error.get("errors"), list) else []
    reason = str((details[0] if details else {}).get("reason") or "")
    message = str(error.get("message") or (response.text or "")[:200])
    text = f"{action} ({LABEL}, HTTP {status})"
    if reason:
        text = f"{text}: {reason}"
    if message:
        text = f"{text} — {message}"
    if status == 401 or (status == 403 and reason in _AUTH_REASONS):
        return ConnectorError(text, auth=True, status=status)
    if reason in _QUOTA_REASONS:
        wait = seconds_to_pacific_midnight() if reason != "rateLimitExceeded" else None
        return ConnectorError(text, retry_after=parse_retry_after(response) or wait, status=status)
    if status == 429 or status >= 500:
        return ConnectorError(text, retry_after=parse_retry_after(response), status=status)
    return ConnectorError(text, permanent=True, status=status)


__all__ = ["YouTubeConnector", "is_short"]
