"""Threads: two-step container publishing on graph.threads.net (Graph-style errors).

Endpoints (reference URL next to each):
* ``POST /{threads-user-id}/threads`` (media_type TEXT/IMAGE/CAROUSEL, text, image_url,
  alt_text, is_carousel_item, children, reply_to_id) and ``POST /{threads-user-id}/threads_publish``
  — https://developers.facebook.com/docs/threads/posts
* ``GET /{container-id}?fields=status,error_message`` —
  https://developers.facebook.com/docs/threads/troubleshooting
* ``GET /{threads-user-id}/threads_publishing_limit`` and ``GET /{threads-user-id}/threads`` —
  https://developers.facebook.com/docs/threads/overview
* ``GET /{media-id}/replies`` and ``POST /{reply-id}/manage_reply`` (hide) —
  https://developers.facebook.com/docs/threads/reply-management
* ``DELETE /{media-id}`` — https://developers.facebook.com/docs/threads/posts/delete-posts
* ``GET /refresh_access_token?grant_type=th_refresh_token`` —
  https://developers.facebook.com/docs/threads/get-started/long-lived-tokens

Exactly once as for Instagram: only ``threads_publish`` makes a post, and ``find_existing``
looks for the text among the profile's recent threads before any resend.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from carecast.networks.base import (
    CannotVerify,
    ConnectorError,
    PostRequest,
    PostResult,
    Reply,
)
from carecast.networks.facebook.connector import comparable
from carecast.networks.facebook.containers import ContainerConnector
from carecast.networks.threads.metrics import ThreadsMetrics

RECENT = 50


class ThreadsConnector(ThreadsMetrics, ContainerConnector):
    label = "Threads"
    container_edge = "threads"
    status_field, error_field = "status", "error_message"
    image_fields = {"media_type": "IMAGE"}
    version = "v1.0"
    idempotent = False
    can_look_up = True
    supports_inbox = True
    supports_hide = True

    def publish(self, post: PostRequest) -> PostResult:
        self._check_quota()
        container = self._container(post)
        self._wait_until_ready(container)
        action = "Could not publish"
        data = self.request(
            "POST",
            f"{self.object_id}/threads_publish",
            action,
            creates_post=True,
            data={"creation_id": container},
        )
        if not data.get("id"):
            raise ConnectorError(f"{action} (Threads): no media id", outcome_unknown=True)
        media_id = str(data["id"])
        return PostResult(media_id, self._permalink(media_id), raw={**data, "container": container})

    def _container(self, post: PostRequest) -> str:
        body: dict[str, str] = {"text": post.text}
        if post.reply_to:
            body["reply_to_id"] = post.reply_to
        if not post.media:
            return self._create(body | {"media_type": "TEXT"})
        if any(m.mime_type.startswith("video/") for m in post.media):
            # https://developers.facebook.com/docs/threads/posts#single-thread-posts (VIDEO)
            return self._create(body | self._video(post.media, "VIDEO"))
        if len(post.media) == 1:
            return self._create(body | self._image(post.media[0]))
        children = [self._create(self._image(m) | {"is_carousel_item": "true"}) for m in post.media]
        return self._create(body | {"media_type": "CAROUSEL", "children": ",".join(children)})

    def publishing_limit(self) -> tuple[int, int]:
        """(posts in the last 24 hours, allowed), as Threads reports it now."""
        action = "Could not read the limit"
        params = {"fields": "quota_usage,config"}
        data = self.request(
            "GET", f"{self.object_id}/threads_publishing_limit", action, params=params
        )
        entry = (data.get("data") or [{}])[0]
        return int(entry.get("quota_usage") or 0), int(
            (entry.get("config") or {}).get("quota_total") or 0
        )

    def _check_quota(self) -> None:
        used, total = self.publishing_limit()
        if total and used >= total:
            message = f"Threads: {used} of {total} posts in 24 hours used; waiting for the limit."
            raise ConnectorError(message, retry_after=3600)

    def delete(self, remote_id: str) -> None:
        try:
            self.request("DELETE", remote_id, "Could not delete")
        except ConnectorError as exc:
            if exc.auth or not (exc.status == 404 or "does not exist" in exc.message):
                raise

    def verify_credentials(self) -> str:
        data = self.request("GET", "me", "Could not verify", params={"fields": "id,username"})
        return f"@{data.get('username') or ''}"

    def refresh_token(self) -> None:
        """Extend the long-lived token by another 60 days (it must be at least a day old)."""
        token = self.account.credentials.get("access_token", "")
        params = {"grant_type": "th_refresh_token", "access_token": token}
        data = self.request("GET", "refresh_access_token", "Could not refresh", params=params)
        if not data.get("access_token"):
            raise ConnectorError("Threads did not renew the token: reconnect", auth=True)
        expires = datetime.now(UTC) + timedelta(seconds=int(data.get("expires_in") or 0))
        self.updated_credentials = {
            **self.account.credentials,
            "access_token": str(data["access_token"]),
            "expires_at": expires.isoformat(timespec="seconds"),
        }

    def _recent(self, path: str, fields: str) -> list[dict[str, Any]]:
        action = "Could not read recent posts"
        data = self.request("GET", path, action, params={"fields": fields, "limit": RECENT})
        items = data.get("data")
        if not isinstance(items, list):
            raise ConnectorError(f"{action} (Threads): the answer held no list")
        return items

    def find_existing(self, post: PostRequest) -> PostResult | None:
        if not comparable(post.text):
            raise CannotVerify("Threads: a post of only images cannot be recognised.")
        path = f"{post.reply_to}/replies" if post.reply_to else f"{self.object_id}/threads"
        try:
            items = self._recent(path, "id,text,username,timestamp,permalink")
        except ConnectorError as exc:
            raise CannotVerify(
                str(exc), auth=exc.auth, retry_after=exc.retry_after, status=exc.status
            ) from exc
        own = self.account.handle.lstrip("@")
        for item in items:
            mine = not post.reply_to or item.get("username") == own
            if mine and comparable(str(item.get("text") or "")) == comparable(post.text):
                return PostResult(str(item["id"]), str(item.get("permalink") or ""), raw=item)
        return None

    def fetch_mentions(self, since_id: str = "") -> list[Reply]:
        """Replies to the profile's recent threads, newest first."""
        own = self.account.handle.lstrip("@")
        replies: list[Reply] = []
        for thread in self._recent(f"{self.object_id}/threads", "id")[:10]:
            for item in self._recent(
                f"{thread['id']}/replies", "id,text,username,timestamp,permalink"
            ):
                if item.get("username") != own:
                    replies.append(self._reply(item, str(thread["id"])))
        return sorted(replies, key=lambda r: r.created_at, reverse=True)

    def fetch_replies(self, remote_id: str) -> list[Reply]:
        """Replies to one thread (a live-consultation announcement)."""
        items = self._recent(f"{remote_id}/replies", "id,text,username,timestamp,permalink")
        return [self._reply(item, remote_id) for item in items]

    def _reply(self, item: dict[str, Any], parent: str) -> Reply:
        return Reply(
            remote_id=str(item.get("id") or ""),
            text=str(item.get("text") or ""),
            author=str(item.get("username") or ""),
            author_id=str(item.get("username") or ""),
            url=str(item.get("permalink") or ""),
            created_at=str(item.get("timestamp") or ""),
            in_reply_to=parent,
        )

    def hide_reply(self, remote_id: str) -> None:
        data = self.request(
            "POST", f"{remote_id}/manage_reply", "Could not hide", data={"hide": "true"}
        )
        if data.get("success") is not True:
            raise ConnectorError("Could not hide (Threads): the answer did not confirm it")
