"""Instagram: two-step container publishing through the Graph API (graph.facebook.com).

Endpoints (reference URL next to each):
* ``POST /{ig-user-id}/media`` (image_url, caption, alt_text, is_carousel_item; CAROUSEL
  with children) — https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-user/media
* ``GET /{ig-container-id}?fields=status_code,status`` —
  https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-container
* ``POST /{ig-user-id}/media_publish`` (creation_id) —
  https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-user/media_publish
* ``GET /{ig-user-id}/content_publishing_limit`` —
  https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-user/content_publishing_limit
* ``GET /{ig-user-id}/media`` (find_existing, comments) and ``POST /{ig-comment-id}`` hide —
  https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-comment

Exactly once: a container only becomes a post through ``media_publish``. If the worker dies
before that call, the retry finds nothing among the recent media and builds a new container
(the old one expires unpublished after 24 hours); if it dies during the call, dispatch's
``find_existing`` finds the post by its caption before any resend.
"""

from __future__ import annotations

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
from carecast.networks.facebook.messages import GraphMessages
from carecast.networks.instagram.metrics import InstagramMetrics

RECENT = 50


class InstagramConnector(InstagramMetrics, GraphMessages, ContainerConnector):
    label = "Instagram"
    container_edge = "media"
    status_field, error_field = "status_code", "status"
    idempotent = False
    can_look_up = True
    supports_inbox = True
    supports_hide = True

    def publish(self, post: PostRequest) -> PostResult:
        if post.reply_to:
            return self._reply(post)
        if not post.media:
            raise ConnectorError("Instagram needs at least one image.", permanent=True)
        self._check_quota()
        container = self._container(post)
        self._wait_until_ready(container)
        action = "Could not publish"
        data = self.request(
            "POST",
            f"{self.object_id}/media_publish",
            action,
            creates_post=True,
            data={"creation_id": container},
        )
        media_id = str(data.get("id") or "")
        if not media_id:
            raise ConnectorError(f"{action} (Instagram): no media id", outcome_unknown=True)
        return PostResult(media_id, self._permalink(media_id), raw={**data, "container": container})

    def _container(self, post: PostRequest) -> str:
        if any(m.mime_type.startswith("video/") for m in post.media):
            # A Reel (https://developers.facebook.com/docs/instagram-platform/content-publishing#reels-posts),
            # shown in the feed too.
            reel = self._video(post.media, "REELS")
            return self._create(reel | {"caption": post.text, "share_to_feed": "true"})
        if len(post.media) == 1:
            return self._create(self._image(post.media[0]) | {"caption": post.text})
        children = [self._create(self._image(m) | {"is_carousel_item": "true"}) for m in post.media]
        body = {"media_type": "CAROUSEL", "children": ",".join(children), "caption": post.text}
        return self._create(body)

    def publishing_limit(self) -> tuple[int, int]:
        """(posts in the last 24 hours, allowed), as Instagram reports it now."""
        params = {"fields": "config,quota_usage"}
        data = self.request(
            "GET",
            f"{self.object_id}/content_publishing_limit",
            "Could not read the limit",
            params=params,
        )
        entry = (data.get("data") or [{}])[0]
        total = int((entry.get("config") or {}).get("quota_total") or 0)
        return int(entry.get("quota_usage") or 0), total

    def _check_quota(self) -> None:
        used, total = self.publishing_limit()
        if total and used >= total:
            raise ConnectorError(
                f"Instagram: {used} of {total} posts in 24 hours used; waiting for the limit.",
                retry_after=3600,
            )

    def _reply(self, post: PostRequest) -> PostResult:
        data = self.request(
            "POST",
            f"{post.reply_to}/replies",
            "Could not reply",
            creates_post=True,
            data={"message": post.text},
        )
        return PostResult(str(data.get("id") or ""), raw=data)

    def delete(self, remote_id: str) -> None:
        """Comments can be deleted; Instagram's API cannot delete a published post."""
        self.request("DELETE", remote_id, "Could not delete")

    def verify_credentials(self) -> str:
        data = self.request(
            "GET", self.object_id, "Could not verify", params={"fields": "id,username"}
        )
        return f"@{data.get('username') or self.account.handle.lstrip('@')}"

    def _recent_media(self, fields: str) -> list[dict[str, Any]]:
        action = "Could not read recent posts"
        data = self.request(
            "GET", f"{self.object_id}/media", action, params={"fields": fields, "limit": RECENT}
        )
        items = data.get("data")
        if not isinstance(items, list):
            raise ConnectorError(f"{action} (Instagram): the answer held no list")
        return items

    def find_existing(self, post: PostRequest) -> PostResult | None:
        """Our post among the account's recent media, by its caption."""
        if post.reply_to or not comparable(post.text):
            raise CannotVerify("Instagram: this post cannot be recognised among recent media.")
        try:
            items = self._recent_media("id,caption,timestamp,permalink")
        except ConnectorError as exc:
            raise CannotVerify(
                str(exc), auth=exc.auth, retry_after=exc.retry_after, status=exc.status
            ) from exc
        for item in items:
            if comparable(str(item.get("caption") or "")) == comparable(post.text):
                return PostResult(str(item["id"]), str(item.get("permalink") or ""), raw=item)
        return None

    def fetch_mentions(self, since_id: str = "") -> list[Reply]:
        """Comments on the recent media, newest first (the caller dedupes by id)."""
        items = self._recent_media("id,comments{id,text,username,timestamp}")
        replies = [
            Reply(
                remote_id=str(c.get("id") or ""),
                text=str(c.get("text") or ""),
                author=str(c.get("username") or ""),
                author_id=str(c.get("username") or ""),
                created_at=str(c.get("timestamp") or ""),
                in_reply_to=str(item.get("id") or ""),
            )
            for item in items
            for c in (item.get("comments") or {}).get("data") or []
        ]
        return sorted(replies, key=lambda r: r.created_at, reverse=True)

    def fetch_replies(self, remote_id: str) -> list[Reply]:
        """Comments on one post (a live-consultation announcement)."""
        params = {"fields": "id,text,username,timestamp", "limit": 50}
        data = self.request(
            "GET", f"{remote_id}/comments", "Could not read comments", params=params
        )
        return [
            Reply(
                remote_id=str(c.get("id") or ""),
                text=str(c.get("text") or ""),
                author=str(c.get("username") or ""),
                author_id=str(c.get("username") or ""),
                created_at=str(c.get("timestamp") or ""),
                in_reply_to=remote_id,
            )
            for c in data.get("data") or []
            if isinstance(c, dict)
        ]

    def hide_reply(self, remote_id: str) -> None:
        data = self.request("POST", remote_id, "Could not hide", data={"hide": "true"})
        if data.get("success") is not True:
            raise ConnectorError("Could not hide (Instagram): the answer did not confirm it")
