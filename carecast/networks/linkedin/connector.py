"""LinkedIn: the versioned Posts API (api.linkedin.com/rest) for an organisation page.

Endpoints (reference URL next to each; every call sends ``LinkedIn-Version`` and
``X-Restli-Protocol-Version: 2.0.0``):
* ``POST /rest/posts`` → 201, the post's URN in ``x-restli-id`` —
  https://learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/posts-api
* ``GET /rest/posts?q=author&author=…`` (find_existing) and ``DELETE /rest/posts/{urn}`` — same page
* ``POST /rest/images?action=initializeUpload`` then ``PUT`` to the upload URL —
  https://learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/images-api
* ``POST /rest/videos?action=initializeUpload``, ``PUT`` each part, ``…?action=finalizeUpload``,
  ``GET /rest/videos/{urn}`` until AVAILABLE —
  https://learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/videos-api
* ``POST/GET /rest/socialActions/{urn}/comments`` (replies, inbox) —
  https://learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/comments-api
* Versioning, 426 for a sunset version —
  https://learn.microsoft.com/en-us/linkedin/marketing/versioning
LinkedIn offers no way to hide a comment through the API (``supports_hide`` is False).
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

import httpx

from carecast.lib.http import (
    error_from_exception,
    error_from_response,
    json_object,
)
from carecast.networks.base import (
    Account,
    CannotVerify,
    ConnectorError,
    HTTPConnector,
    MediaFile,
    PostRequest,
    PostResult,
    Reply,
)
from carecast.networks.facebook.connector import comparable
from carecast.networks.linkedin.metrics import LinkedInMetrics
from carecast.networks.linkedin.rules import escape_little, unescape_little
from carecast.networks.tokens import renewed

# The Marketing API version (YYYYMM). LinkedIn keeps each for about a year, then answers
# 426; ``CARECAST_LINKEDIN_VERSION`` (account config ``linkedin_version``) overrides it.
LINKEDIN_VERSION = "202509"
LABEL = "LinkedIn"
VIDEO_POLLS = 30  # status checks before the video goes back to the retry schedule


class LinkedInConnector(LinkedInMetrics, HTTPConnector):
    idempotent = False
    can_look_up = True
    supports_inbox = True
    supports_hide = False

    def __init__(self, account: Account, *, timeout: float | None = None) -> None:
        super().__init__(account, timeout=timeout)
        self.poll_interval = float(account.config.get("poll_seconds", 2))

    def client_headers(self) -> dict[str, str]:
        version = self.account.config.get("linkedin_version") or _configured_version()
        return {"LinkedIn-Version": version, "X-Restli-Protocol-Version": "2.0.0"}

    @property
    def author(self) -> str:
        return f"urn:li:organization:{self.account.remote_user_id}"

    def _send(
        self, method: str, path: str, action: str, *, creates_post: bool = False, **kw: Any
    ) -> httpx.Response:
        token = self.account.credentials.get("access_token", "")
        headers = {"Authorization": f"Bearer {token}", **kw.pop("headers", {})}
        try:
            response = self.client.request(method, path, headers=headers, **kw)
        except httpx.HTTPError as exc:
            raise error_from_exception(exc, creates_post, network_label=LABEL) from exc
        if response.status_code == 426:
            version = response.request.headers.get("LinkedIn-Version")
            raise ConnectorError(
                f"{action} ({LABEL}): API version {version} is no longer supported; "
                "carecast needs an update (or CARECAST_LINKEDIN_VERSION).",
                permanent=True,
                status=426,
            )
        if response.status_code >= 400:
            raise error_from_response(response, LABEL, action)
        return response

    def publish(self, post: PostRequest) -> PostResult:
        if post.reply_to:
            return self._comment(post)
        body: dict[str, Any] = {
            "author": self.author,
            "commentary": escape_little(post.text),
            "visibility": "PUBLIC",
            "distribution": {
                "feedDistribution": "MAIN_FEED",
                "targetEntities": [],
                "thirdPartyDistributionChannels": [],
            },
            "lifecycleState": "PUBLISHED",
            "isReshareDisabledByAuthor": False,
        }
        content = self._content(post)
        if content:
            body["content"] = content
        response = self._send(
            "POST", "/rest/posts", "Could not publish", creates_post=True, json=body
        )
        urn = response.headers.get("x-restli-id", "")
        if not urn:
            raise ConnectorError(
                f"Could not publish ({LABEL}): no x-restli-id", outcome_unknown=True
            )
        return PostResult(urn, f"https://www.linkedin.com/feed/update/{urn}/", raw={"id": urn})

    def _content(self, post: PostRequest) -> dict[str, Any] | None:
        if any(m.mime_type.startswith("video/") for m in post.media):
            if len(post.media) != 1:
                raise ConnectorError(f"{LABEL}: a video goes out alone.", permanent=True)
            return {"media": {"id": self._upload_video(post.media[0])}}
        images = [{"id": self._upload(item), "altText": item.alt_text} for item in post.media]
        if len(images) == 1:
            return {"media": images[0]}
        if images:
            return {"multiImage": {"images": images}}
        if post.link:
            return {"article": {"source": post.link, "title": post.link}}
        return None

    def _upload(self, item: MediaFile) -> str:
        try:
            content = item.path.read_bytes()
        except OSError as exc:
            raise ConnectorError(f"Media file cannot be read: {exc}", permanent=True) from exc
        action = "Could not upload the image"
        body = {"initializeUploadRequest": {"owner": self.author}}
        answer = self._send(
            "POST", "/rest/images", action, params={"action": "initializeUpload"}, json=body
        )
        value = json_object(answer).get("value") or {}
        if not value.get("uploadUrl") or not value.get("image"):
            raise ConnectorError(f"{action} ({LABEL}): no upload address")
        self._send(
            "PUT",
            value["uploadUrl"],
            action,
            content=content,
            headers={"Content-Type": item.mime_type},
        )
        return str(value["image"])

    def _upload_video(self, item: MediaFile) -> str:
        """The Videos API: initializeUpload (the parts to send), PUT each part, finalizeUpload
        with the parts' ETags, then wait until the video is AVAILABLE —
        https://learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/videos-api"""
        action = "Could not upload the video"
        size = item.path.stat().st_size
        body = {
            "initializeUploadRequest": {
                "owner": self.author,
                "fileSizeBytes": size,
                "uploadCaptions": False,
                "uploadThumbnail": False,
            }
        }
        answer = self._send(
            "POST", "/rest/videos", action, params={"action": "initializeUpload"}, json=body
        )
        value = json_object(answer).get("value") or {}
        video, parts = str(value.get("video") or ""), value.get("uploadInstructions") or []
        if not video or not parts:
            raise ConnectorError(f"{action} ({LABEL}): no upload instructions")
        etags = []
        try:
            handle = item.path.open("rb")
        except OSError as exc:
            raise ConnectorError(f"The video cannot be read: {exc}", permanent=True) from exc
        with handle:
            for part in parts:
                first, last = int(part["firstByte"]), int(part["lastByte"])
                handle.seek(first)
                chunk = handle.read(last - first + 1)
                headers = {"Content-Type": "application/octet-stream"}
                sent = self._send("PUT", part["uploadUrl"], action, content=chunk, headers=headers)
                etags.append(sent.headers.get("ETag", ""))
        finalize = {
            "finalizeUploadRequest": {
                "video": video,
                "uploadToken": str(value.get("uploadToken") or ""),
                "uploadedPartIds": etags,
            }
        }
        self._send(
            "POST", "/rest/videos", action, params={"action": "finalizeUpload"}, json=finalize
        )
        self._wait_until_available(video)
        return video

    def _wait_until_available(self, video: str) -> None:
        path = f"/rest/videos/{quote(video, safe='')}"
        for _poll in range(VIDEO_POLLS):
            status = str(
                json_object(self._send("GET", path, "Could not check the video")).get("status")
            )
            if status == "AVAILABLE":
                return
            if status == "PROCESSING_FAILED":
                raise ConnectorError(f"{LABEL} could not process the video.", permanent=True)
            time.sleep(self.poll_interval)
        raise ConnectorError(f"{LABEL} is still processing the video; trying again later.")

    def _comment(self, post: PostRequest) -> PostResult:
        body = {
            "actor": self.author,
            "object": post.reply_to,
            "message": {"text": escape_little(post.text)},
        }
        path = f"/rest/socialActions/{quote(post.reply_to, safe='')}/comments"
        response = self._send("POST", path, "Could not reply", creates_post=True, json=body)
        urn = response.headers.get("x-restli-id") or str(json_object(response).get("id") or "")
        return PostResult(urn, raw=json_object(response))

    @classmethod
    def can_renew(cls, credentials: dict[str, str]) -> bool:
        """Only apps LinkedIn granted refresh tokens to can renew without the person."""
        return bool(credentials.get("refresh_token"))

    def refresh_token(self) -> None:
        """Renew the token with the refresh token LinkedIn granted (only some apps get one).

        Without one, ``ConnectorError(auth=True)``: the health check then pauses the channel
        before its token runs out and its page asks for "reconnect", instead of posts failing.
        """
        from django.conf import settings

        refresh = self.account.credentials.get("refresh_token")
        if not refresh:
            raise ConnectorError(
                "LinkedIn grants this app no refresh token: reconnect the channel before its "
                "60-day token expires.",
                auth=True,
            )
        data = {
            "grant_type": "refresh_token",
            "refresh_token": refresh,
            "client_id": settings.CARECAST_LINKEDIN_CLIENT_ID,
            "client_secret": settings.CARECAST_LINKEDIN_CLIENT_SECRET,
        }
        url = f"{settings.CARECAST_LINKEDIN_OAUTH_URL}/accessToken"
        try:
            response = self.client.post(url, data=data)
        except httpx.HTTPError as exc:
            raise error_from_exception(exc, False, network_label=LABEL) from exc
        token = json_object(response)
        if response.status_code in (400, 401) or not token.get("access_token"):
            raise ConnectorError(
                f"LinkedIn refused the refresh token ({response.status_code})", auth=True
            )
        self.updated_credentials = renewed(self.account.credentials, token, refresh, 0)

    def delete(self, remote_id: str) -> None:
        try:
            self._send("DELETE", f"/rest/posts/{quote(remote_id, safe='')}", "Could not delete")
        except ConnectorError as exc:
            if exc.status != 404:
                raise

    def verify_credentials(self) -> str:
        path = f"/rest/organizations/{self.account.remote_user_id}"
        return str(
            json_object(self._send("GET", path, "Could not verify")).get("localizedName") or ""
        )

    def _recent(self) -> list[dict[str, Any]]:
        params = {"q": "author", "author": self.author, "count": 50}
        headers = {"X-RestLi-Method": "FINDER"}
        answer = self._send(
            "GET", "/rest/posts", "Could not read recent posts", params=params, headers=headers
        )
        elements = json_object(answer).get("elements")
        if not isinstance(elements, list):
            raise ConnectorError(f"Could not read recent posts ({LABEL}): no elements")
        return elements

    def find_existing(self, post: PostRequest) -> PostResult | None:
        if post.reply_to or not comparable(post.text):
            raise CannotVerify("LinkedIn: this post cannot be recognised among recent posts.")
        try:
            elements = self._recent()
        except ConnectorError as exc:
            raise CannotVerify(
                str(exc), auth=exc.auth, retry_after=exc.retry_after, status=exc.status
            ) from exc
        sent = comparable(escape_little(post.text))  # compare as LinkedIn stores it
        for item in elements:
            if comparable(str(item.get("commentary") or "")) == sent:
                urn = str(item["id"])
                return PostResult(urn, f"https://www.linkedin.com/feed/update/{urn}/", raw=item)
        return None

    def fetch_mentions(self, since_id: str = "") -> list[Reply]:
        """Comments on the organisation's recent posts, newest first."""
        replies = [r for item in self._recent()[:10] for r in self.fetch_replies(str(item["id"]))]
        return sorted(replies, key=lambda r: r.created_at, reverse=True)

    def fetch_replies(self, remote_id: str) -> list[Reply]:
        """Others' comments on one post (a live-consultation announcement)."""
        path = f"/rest/socialActions/{quote(remote_id, safe='')}/comments"
        elements = json_object(self._send("GET", path, "Could not read comments")).get("elements")
        return [
            Reply(
                remote_id=str(c.get("$URN") or c.get("id") or ""),
                text=unescape_little(str((c.get("message") or {}).get("text") or "")),
                author=str(c.get("actor") or ""),
                author_id=str(c.get("actor") or ""),
                created_at=_iso((c.get("created") or {}).get("time")),
                in_reply_to=remote_id,
            )
            for c in elements or []
            if isinstance(c, dict) and c.get("actor") != self.author
        ]


def _configured_version() -> str:
    """``CARECAST_LINKEDIN_VERSION`` when set (an operator moving ahead of a sunset), else ours."""
    try:
        from django.conf import settings

        return str(getattr(settings, "CARECAST_LINKEDIN_VERSION", "") or LINKEDIN_VERSION)
    except Exception:  # rules and connectors stay usable without Django set up
        return LINKEDIN_VERSION


def _iso(epoch_ms: Any) -> str:
    """LinkedIn's ``created.time`` (milliseconds since the epoch) as ISO text, like the
    other networks' timestamps; '' when it is missing."""
    try:
        moment = datetime.fromtimestamp(int(epoch_ms) / 1000, UTC)
    except (TypeError, ValueError, OverflowError):
        return ""
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")
