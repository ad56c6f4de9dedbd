"""TikTok: the Content Posting API's Direct Post with a chunked FILE_UPLOAD.

Endpoints (base ``https://open.tiktokapis.com``; reference URL next to each):
* ``POST /v2/post/publish/creator_info/query/`` before every post: the creator's privacy
  options, disabled interactions, longest allowed video —
  https://developers.tiktok.com/doc/content-posting-api-reference-query-creator-info
* ``POST /v2/post/publish/video/init/`` (``source_info.source = FILE_UPLOAD``) →
  ``publish_id`` and ``upload_url`` —
  https://developers.tiktok.com/doc/content-posting-api-reference-direct-post
* ``PUT {upload_url}`` chunk by chunk, in order, with ``Content-Range`` (206 for a part,
  201 when complete); chunks of 5–64 MB, the last one takes the remainder —
  https://developers.tiktok.com/doc/content-posting-api-media-transfer-guide
* ``POST /v2/post/publish/status/fetch/`` until ``PUBLISH_COMPLETE`` or ``FAILED`` —
  https://developers.tiktok.com/doc/content-posting-api-reference-get-video-status
* ``POST /v2/oauth/token/`` (refresh) —
  https://developers.tiktok.com/doc/oauth-user-access-token-management
* ``GET /v2/user/info/`` (verify) — https://developers.tiktok.com/doc/tiktok-api-v2-get-user-info

Exactly once: the upload only becomes a post when its last chunk arrives, and the
``publish_id`` with its upload address is stored (``PostRequest.remember``) before the first
chunk leaves. A later attempt reads TikTok's status of that ``publish_id``: complete → that
post; upload unfinished → continue at the byte TikTok reports; nothing stored → no video can
exist, so a fresh upload is safe.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any

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
from carecast.networks.tiktok.metrics import TikTokMetrics
from carecast.networks.tiktok.rules import VIDEO_TYPES, TikTok, privacy_label
from carecast.networks.tokens import refresh_grant, renewed

LABEL = "TikTok"
MB = 1024 * 1024
MIN_CHUNK, MAX_CHUNK, DEFAULT_CHUNK = 5 * MB, 64 * MB, 10 * MB
MAX_CHUNKS = 1000
DONE = ("PUBLISH_COMPLETE", "SEND_TO_USER_INBOX")
# Errors that a person must fix (or TikTok's audit), not a retry.
_AUTH_CODES = ("access_token_invalid", "scope_not_authorized", "scope_permission_missed")


def chunk_plan(size: int, wanted: int = DEFAULT_CHUNK) -> tuple[int, int]:
    """``(chunk_size, total_chunk_count)`` by TikTok's chunk rules.

    Under 5 MB (or not larger than one chunk): one chunk of the whole file. Otherwise chunks
    of ``wanted`` (kept within 5–64 MB), ``total = size // chunk`` and the last chunk takes
    the trailing bytes (it may be up to twice a chunk, within TikTok's 128 MB).
    """
    if size <= 0:
        raise ValueError("empty video")
    chunk = min(max(wanted, MIN_CHUNK), MAX_CHUNK)
    if size <= chunk:
        return size, 1
    count = size // chunk
    while count > MAX_CHUNKS:  # very large files: bigger chunks, never more than 1,000
        chunk = min(chunk * 2, MAX_CHUNK)
        count = size // chunk
    return chunk, count


def chunk_ranges(size: int, chunk: int, count: int) -> list[tuple[int, int]]:
    """Inclusive byte ranges of each chunk; the last one runs to the end of the file."""
    return [(i * chunk, size - 1 if i == count - 1 else (i + 1) * chunk - 1) for i in range(count)]


class TikTokConnector(TikTokMetrics, HTTPConnector):
    idempotent = False
    can_look_up = True  # through the stored publish_id (see the module docstring)

    def __init__(self, account: Account, *, timeout: float | None = None) -> None:
        super().__init__(account, timeout=timeout)
        # Seconds between status polls and how long to poll before trying again later.
        self.poll_seconds = float(account.config.get("poll_seconds", 5))
        self.poll_limit = float(account.config.get("poll_limit_seconds", 600))
        self.creator: dict[str, Any] = {}

    # --- requests -----------------------------------------------------------------------------

    def _token(self) -> str:
        credentials = self.updated_credentials or self.account.credentials
        return credentials.get("access_token", "")

    def _api(self, path: str, action: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        """One JSON call of the Content Posting API; TikTok's ``error.code`` decides."""
        headers = {
            "Authorization": f"Bearer {self._token()}",
            "Content-Type": "application/json; charset=UTF-8",
        }
        try:
            response = self.client.post(path, json=body or {}, headers=headers)
        except httpx.HTTPError as exc:
            raise error_from_exception(exc, False, network_label=LABEL) from exc
        answer = json_object(response)
        error = _error_body(answer)
        code = str(error.get("code") or "")
        if response.status_code < 400 and code in ("", "ok"):
            data = answer.get("data")
            return data if isinstance(data, dict) else {}
        raise _error(response, code, str(error.get("message") or ""), action)

    def creator_info(self) -> dict[str, Any]:
        """The creator's current options; TikTok asks apps to read them before every post."""
        self.creator = self._api(
            "/v2/post/publish/creator_info/query/", "Could not read the account"
        )
        return self.creator

    # --- publishing ---------------------------------------------------------------------------

    def publish(self, post: PostRequest) -> PostResult:
        if post.reply_to:
            raise ConnectorError("TikTok: carecast cannot answer comments there.", permanent=True)
        video = _the_video(post)
        self._refresh_if_due()
        stored = dict(post.progress or {})
        if stored.get("publish_id"):
            resumed = self._resume(post, video, stored)
            if resumed is not None:
                return resumed
        creator = self.creator_info()
        post_info = self._post_info(post, creator)
        size = video.path.stat().st_size
        chunk, count = chunk_plan(
            size, int(self.account.config.get("chunk_bytes") or DEFAULT_CHUNK)
        )
        body = {
            "post_info": post_info,
            "source_info": {
                "source": "FILE_UPLOAD",
                "video_size": size,
                "chunk_size": chunk,
                "total_chunk_count": count,
            },
        }
        data = self._api("/v2/post/publish/video/init/", "Could not start the upload", body)
        publish_id, upload_url = (
            str(data.get("publish_id") or ""),
            str(data.get("upload_url") or ""),
        )
        if not publish_id or not upload_url:
            raise ConnectorError("TikTok sent no publish_id or upload address.")
        state = {
            "publish_id": publish_id,
            "upload_url": upload_url,
            "video_size": size,
            "chunk_size": chunk,
            "chunk_count": count,
        }
        # Before the first chunk: the last one makes the post, and a successor must find it.
        post.remember(state)
        self._upload(video, state, 0)
        return self._wait(post, state)

    def _post_info(self, post: PostRequest, creator: dict[str, Any]) -> dict[str, Any]:
        options = dict(post.options or {})
        config = {"privacy_level_options": creator.get("privacy_level_options") or []}
        problems = TikTok().check_options(options, config)
        if problems:
            raise ConnectorError(" ".join(p.message for p in problems), permanent=True)
        limit = int(creator.get("max_video_post_duration_sec") or 0)
        duration = _duration(_the_video(post))
        if limit and duration > limit:
            raise ConnectorError(
                f"TikTok: this account may post videos of up to {limit} seconds; "
                f"the video is {duration:.0f} seconds long.",
                permanent=True,
            )
        return {
            "title": post.text,
            "privacy_level": options["privacy_level"],
            # Whatever the creator disabled in TikTok stays disabled.
            "disable_comment": bool(
                options.get("disable_comment") or creator.get("comment_disabled")
            ),
            "disable_duet": bool(options.get("disable_duet") or creator.get("duet_disabled")),
            "disable_stitch": bool(options.get("disable_stitch") or creator.get("stitch_disabled")),
            "brand_organic_toggle": bool(options.get("brand_organic")),
            "brand_content_toggle": bool(options.get("brand_content")),
            "is_aigc": bool(options.get("is_aigc")),
            "video_cover_timestamp_ms": int(options.get("cover_ms") or 0),
        }

    def _upload(self, video: MediaFile, state: dict[str, Any], start: int) -> None:
        """Send the chunks from byte ``start`` (a chunk boundary) to the end, in order."""
        size, chunk, count = state["video_size"], state["chunk_size"], state["chunk_count"]
        try:
            handle = video.path.open("rb")
        except OSError as exc:
            raise ConnectorError(f"The video cannot be read: {exc}", permanent=True) from exc
        with handle:
            for first, last in chunk_ranges(size, chunk, count):
                if last < start:
                    continue
                handle.seek(first)
                part = handle.read(last - first + 1)
                headers = {
                    "Content-Type": video.mime_type,
                    "Content-Range": f"bytes {first}-{last}/{size}",
                }
                try:
                    response = self.client.put(state["upload_url"], content=part, headers=headers)
                except httpx.HTTPError as exc:
                    # The last chunk may have arrived: the stored publish_id tells next time.
                    raise error_from_exception(exc, last == size - 1, network_label=LABEL) from exc
                if response.status_code not in (200, 201, 206):
                    raise _upload_error(response)

    def _status(self, publish_id: str) -> dict[str, Any]:
        return self._api(
            "/v2/post/publish/status/fetch/",
            "Could not read the post's status",
            {"publish_id": publish_id},
        )

    def _wait(self, post: PostRequest, state: dict[str, Any]) -> PostResult:
        """Poll the status until TikTok published the video or says why it failed."""
        deadline = time.monotonic() + self.poll_limit
        while True:
            data = self._status(state["publish_id"])
            status = str(data.get("status") or "")
            if status in DONE:
                return self._result(state["publish_id"], data)
            if status == "FAILED":
                post.remember({})  # nothing was posted: a later attempt starts afresh
                reason = str(data.get("fail_reason") or "unknown")
                raise ConnectorError(
                    f"TikTok did not publish the video: {_reason(reason)} ({reason})",
                    permanent=True,
                )
            if time.monotonic() >= deadline:
                raise ConnectorError(
                    f"TikTok is still processing the video ({status}); checking again later.",
                    outcome_unknown=True,
                    retry_after=60,
                )
            time.sleep(self.poll_seconds)

    def _resume(
        self, post: PostRequest, video: MediaFile, state: dict[str, Any]
    ) -> PostResult | None:
        """Continue what an earlier attempt began; ``None`` when a fresh upload is safe."""
        data = self._status(state["publish_id"])
        status = str(data.get("status") or "")
        if status == "PROCESSING_UPLOAD":
            received = int(data.get("uploaded_bytes") or 0)
            if received >= state["video_size"]:
                return self._wait(post, state)
            if video.path.stat().st_size != state["video_size"]:
                return None  # another file now (a new version): the old upload never completes
            # Continue at the chunk TikTok has not got (chunks are whole or absent).
            start = (received // state["chunk_size"]) * state["chunk_size"]
            last_start = (state["chunk_count"] - 1) * state["chunk_size"]
            try:
                self._upload(video, state, min(start, last_start))
            except ConnectorError as exc:
                if exc.status in (403, 404):  # the upload address expired: nothing was posted
                    post.remember({})
                raise
            return self._wait(post, state)
        if status == "FAILED" or not status:
            return None
        return self._wait(post, state)

    def _result(self, publish_id: str, data: dict[str, Any]) -> PostResult:
        ids = (
            data.get("publicaly_available_post_id") or data.get("publicly_available_post_id") or []
        )
        username = str(self.creator.get("creator_username") or self.account.handle).lstrip("@")
        if ids:
            post_id = str(ids[0])
            return PostResult(
                post_id, f"https://www.tiktok.com/@{username}/video/{post_id}", raw=data
            )
        # A private post has no public id: TikTok's publish_id is what identifies it.
        return PostResult(publish_id, "", raw=data)

    def find_existing(self, post: PostRequest) -> PostResult | None:
        """Through the stored publish_id; without one no video was sent, so none exists."""
        publish_id = str((post.progress or {}).get("publish_id") or "")
        if not publish_id:
            return None
        try:
            data = self._status(publish_id)
        except ConnectorError as exc:
            raise CannotVerify(
                str(exc), auth=exc.auth, retry_after=exc.retry_after, status=exc.status
            ) from exc
        if str(data.get("status") or "") in DONE:
            return self._result(publish_id, data)
        return None  # still uploading or processing: ``publish`` continues with it

    def delete(self, remote_id: str) -> None:
        raise ConnectorError(
            "TikTok offers apps no way to delete a video: please delete it in the TikTok app.",
            permanent=True,
        )

    def verify_credentials(self) -> str:
        headers = {"Authorization": f"Bearer {self._token()}"}
        try:
            response = self.client.get(
                "/v2/user/info/", params={"fields": "open_id,display_name"}, headers=headers
            )
        except httpx.HTTPError as exc:
            raise error_from_exception(exc, False, network_label=LABEL) from exc
        answer = json_object(response)
        error = _error_body(answer)
        if response.status_code >= 400 or str(error.get("code") or "ok") != "ok":
            raise _error(
                response,
                str(error.get("code") or ""),
                str(error.get("message") or ""),
                "Could not verify",
            )
        user = (answer.get("data") or {}).get("user") or {}
        return str(user.get("display_name") or self.account.handle)

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
        """A new access token (TikTok's live 24 hours) from the refresh token (365 days).

        TikTok may rotate the refresh token; a refresh without one keeps the old.
        """
        from django.conf import settings

        refresh = self.account.credentials.get("refresh_token", "")
        if not refresh:
            raise ConnectorError("TikTok: no refresh token; please reconnect.", auth=True)
        app = {
            "client_key": settings.CARECAST_TIKTOK_CLIENT_KEY,
            "client_secret": settings.CARECAST_TIKTOK_CLIENT_SECRET,
        }
        token = refresh_grant(self.client, "/v2/oauth/token/", app, refresh, label=LABEL)
        self.updated_credentials = renewed(self.account.credentials, token, refresh, 86400)


def _the_video(post: PostRequest) -> MediaFile:
    videos = [m for m in post.media if m.mime_type in VIDEO_TYPES]
    if len(videos) != 1 or len(post.media) != 1:
        raise ConnectorError("TikTok needs exactly one video per post.", permanent=True)
    if not videos[0].path.exists():
        raise ConnectorError("The video file is missing.", permanent=True)
    return videos[0]


def _error_body(answer: dict[str, Any]) -> dict[str, Any]:
    error = answer.get("error")
    return error if isinstance(error, dict) else {}


def _duration(video: MediaFile) -> float:
    """Seconds, from the probe the media pipeline made (read again here if it is missing)."""
    found = video.probe
    if not found:
        try:
            from carecast.media import probe as probing

            found = probing.probe(video.path)
        except Exception:  # unreadable here: TikTok's own check names the reason
            return 0.0
    return float(found.get("duration") or 0)


def _error(response: httpx.Response, code: str, message: str, action: str) -> ConnectorError:
    status = response.status_code
    text = f"{action} ({LABEL}, HTTP {status}): {code or 'error'}"
    if message:
        text = f"{text} — {message}"
    if code == "unaudited_client_can_only_post_to_private_accounts":
        text += " (carecast's TikTok app is not audited yet: only private posts are possible)"
    if status == 401 or code in _AUTH_CODES:
        return ConnectorError(text, auth=True, status=status)
    if status == 429 or code == "rate_limit_exceeded" or status >= 500:
        return ConnectorError(text, retry_after=parse_retry_after(response), status=status)
    return ConnectorError(text, permanent=True, status=status)


def _upload_error(response: httpx.Response) -> ConnectorError:
    status = response.status_code
    detail = (response.text or "").strip()[:200]
    text = f"Could not upload the video ({LABEL}, HTTP {status})"
    if detail and not detail.startswith("<"):
        text = f"{text}: {detail}"
    if status == 429 or status >= 500:
        return ConnectorError(text, retry_after=parse_retry_after(response), status=status)
    if status in (403, 404):  # the upload address expired (after an hour): start over
        return ConnectorError(f"{text} — the upload address has expired.", status=status)
    return ConnectorError(text, permanent=True, status=status)


def _reason(code: str) -> str:
    """TikTok's fail_reason in words (the status reference's list)."""
    reasons = {
        "file_format_check_failed": "the file is not a video TikTok can read",
        "duration_check_failed": "the video is too long or too short",
        "frame_rate_check_failed": "the frame rate is not supported",
        "picture_size_check_failed": "the picture size is not supported",
        "internal": "TikTok had an internal error",
        "video_pull_failed": "TikTok could not fetch the video",
        "photo_pull_failed": "TikTok could not fetch the photo",
        "publish_cancelled": "the post was cancelled",
        "auth_removed": "the account withdrew carecast's access",
        "spam_risk_too_many_posts": "the account posted too much today",
        "spam_risk_user_banned_from_posting": "the account may not post at the moment",
        "spam_risk_text": "TikTok considers the caption spam",
        "spam_risk": "TikTok considers the post spam",
    }
    return reasons.get(code, "TikTok gave no further reason")


__all__ = ["TikTokConnector", "chunk_plan", "chunk_ranges", "privacy_label"]
