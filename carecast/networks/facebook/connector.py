"""Facebook Pages: publish as the Page with a Page access token (Graph API).

Endpoints (reference URL next to each):
* ``POST /{page-id}/feed`` message, link, ``attached_media`` —
  https://developers.facebook.com/docs/graph-api/reference/page/feed#publish
* ``POST /{page-id}/photos`` with ``published=false`` and ``alt_text_custom`` —
  https://developers.facebook.com/docs/graph-api/reference/page/photos/
* ``POST /{object-id}/comments`` (a reply) —
  https://developers.facebook.com/docs/graph-api/reference/object/comments/
* ``GET /{page-id}/published_posts`` (find_existing) —
  https://developers.facebook.com/docs/graph-api/reference/page/published_posts/
* ``DELETE /{post-id}`` — https://developers.facebook.com/docs/graph-api/reference/post/
* ``GET /{page-id}/feed?fields=comments`` and ``POST /{comment-id}`` ``is_hidden=true`` —
  https://developers.facebook.com/docs/graph-api/reference/comment/
"""

from __future__ import annotations

import json
import unicodedata
from typing import Any

from carecast.networks.base import (
    CannotVerify,
    ConnectorError,
    MediaFile,
    PostRequest,
    PostResult,
    Reply,
)
from carecast.networks.facebook.graph import DUPLICATE_CODE, GraphConnector
from carecast.networks.facebook.messages import GraphMessages
from carecast.networks.facebook.metrics import FacebookMetrics

RECENT_POSTS = 100  # the most Graph lists in one page


def comparable(text: str) -> str:
    """Text as Facebook shows it back: NFC, whitespace collapsed (Facebook keeps the rest)."""
    return " ".join(unicodedata.normalize("NFC", text).split())


class FacebookConnector(FacebookMetrics, GraphMessages, GraphConnector):
    """A Page's connector. Not idempotent: ``find_existing`` looks among the Page's posts."""

    label = "Facebook"
    idempotent = False
    can_look_up = True
    supports_inbox = True
    supports_hide = True

    def publish(self, post: PostRequest) -> PostResult:
        try:
            if post.reply_to:
                return self._comment(post)
            return self._post(post)
        except ConnectorError as exc:
            if post.maybe_sent and exc.status == DUPLICATE_CODE:
                found = self.find_existing(post)
                if found is not None:
                    return found
            raise

    def _post(self, post: PostRequest) -> PostResult:
        if any(m.mime_type.startswith("video/") for m in post.media):
            return self._video(post)
        body: dict[str, Any] = {"message": post.text}
        if post.link:
            body["link"] = post.link
        photo_ids = [self._upload(item) for item in post.media]
        for index, photo_id in enumerate(photo_ids):
            body[f"attached_media[{index}]"] = json.dumps({"media_fbid": photo_id})
        data = self.request(
            "POST", f"{self.object_id}/feed", "Could not publish", creates_post=True, data=body
        )
        return self._result(data, "Could not publish")

    def _comment(self, post: PostRequest) -> PostResult:
        body = {"message": post.text}
        data = self.request(
            "POST", f"{post.reply_to}/comments", "Could not reply", creates_post=True, data=body
        )
        return self._result(data, "Could not reply")

    def _result(self, data: dict[str, Any], action: str) -> PostResult:
        remote_id = str(data.get("id") or "")
        if not remote_id:
            raise ConnectorError(
                f"{action} (Facebook): the answer named no post", outcome_unknown=True
            )
        return PostResult(remote_id, self.post_url(remote_id), raw=data)

    def _video(self, post: PostRequest) -> PostResult:
        """A Page video post: ``POST /{page-id}/videos`` with the clip and the text as its
        description (https://developers.facebook.com/docs/video-api/guides/publishing).
        The post is made by this one request; after an unknown outcome the Page's posts are
        read (``find_existing``) before it is sent again."""
        if len(post.media) != 1:
            raise ConnectorError("Facebook: a video goes out alone.", permanent=True)
        item = post.media[0]
        try:
            content = item.path.read_bytes()
        except OSError as exc:
            raise ConnectorError(f"Media file cannot be read: {exc}", permanent=True) from exc
        files = {"source": (item.path.name, content, item.mime_type)}
        data = self.request(
            "POST",
            f"{self.object_id}/videos",
            "Could not publish the video",
            creates_post=True,
            data={"description": post.text},
            files=files,
        )
        return self._result(data, "Could not publish the video")

    def _upload(self, item: MediaFile) -> str:
        """An unpublished photo with its alt text, to attach to the post."""
        if not item.mime_type.startswith("image/"):
            raise ConnectorError("Facebook: only images can be attached for now.", permanent=True)
        try:
            content = item.path.read_bytes()
        except OSError as exc:
            raise ConnectorError(f"Media file cannot be read: {exc}", permanent=True) from exc
        form = {"published": "false"}
        if item.alt_text.strip():
            form["alt_text_custom"] = item.alt_text
        files = {"source": (item.path.name, content, item.mime_type)}
        action = "Could not upload the photo"
        data = self.request("POST", f"{self.object_id}/photos", action, data=form, files=files)
        if not data.get("id"):
            raise ConnectorError(f"{action} (Facebook): the answer named no photo")
        return str(data["id"])

    def post_url(self, remote_id: str) -> str:
        web = str(self.account.config.get("web_url") or "https://www.facebook.com").rstrip("/")
        return f"{web}/{remote_id}"

    def delete(self, remote_id: str) -> None:
        """Delete a post or comment; one that is already gone counts as deleted."""
        try:
            self.request("DELETE", remote_id, "Could not delete")
        except ConnectorError as exc:
            gone = exc.status == 404 or (exc.status == 400 and "does not exist" in exc.message)
            if exc.auth or not gone:
                raise

    def verify_credentials(self) -> str:
        data = self.request(
            "GET", self.object_id, "Could not verify the token", params={"fields": "id,name"}
        )
        return str(data.get("name") or self.account.handle)

    def find_existing(self, post: PostRequest) -> PostResult | None:
        """Look for ``post`` among the Page's last 100 posts (or the comments it answers)."""
        if not comparable(post.text):
            raise CannotVerify("Facebook: a post of only images cannot be recognised.")
        try:
            items = self._recent(post)
        except ConnectorError as exc:
            raise CannotVerify(
                str(exc), auth=exc.auth, retry_after=exc.retry_after, status=exc.status
            ) from exc
        wanted = comparable(post.text)
        for item in items:
            if comparable(str(item.get("message") or "")) == wanted and self._ours(item, post):
                return PostResult(str(item["id"]), self.post_url(str(item["id"])), raw=item)
        return None

    def _recent(self, post: PostRequest) -> list[dict[str, Any]]:
        action = "Could not read recent posts"
        if post.reply_to:
            path, fields = f"{post.reply_to}/comments", "id,message,from,created_time"
        else:
            path, fields = f"{self.object_id}/published_posts", "id,message,created_time"
        data = self.request("GET", path, action, params={"fields": fields, "limit": RECENT_POSTS})
        items = data.get("data")
        if not isinstance(items, list):
            raise ConnectorError(f"{action} (Facebook): the answer held no list")
        return [item for item in items if isinstance(item, dict) and item.get("id")]

    def _ours(self, item: dict[str, Any], post: PostRequest) -> bool:
        if not post.reply_to:
            return True
        author = item.get("from") or {}
        return str(author.get("id") or "") == self.object_id

    def fetch_mentions(self, since_id: str = "") -> list[Reply]:
        """Comments on the Page's recent posts, newest first (the caller dedupes by id)."""
        fields = "id,comments.limit(50){id,message,from,created_time,permalink_url}"
        action = "Could not read comments"
        data = self.request(
            "GET", f"{self.object_id}/feed", action, params={"fields": fields, "limit": 25}
        )
        replies: list[Reply] = []
        for item in data.get("data") or []:
            for comment in ((item.get("comments") or {}).get("data")) or []:
                replies.append(self._reply(comment, str(item.get("id") or "")))
        replies.sort(key=lambda reply: reply.created_at, reverse=True)
        return replies

    def fetch_replies(self, remote_id: str) -> list[Reply]:
        """Comments on one post (a live-consultation announcement), oldest first."""
        fields = "id,message,from,created_time,permalink_url"
        params = {"fields": fields, "filter": "stream", "limit": 100}
        data = self.request(
            "GET", f"{remote_id}/comments", "Could not read comments", params=params
        )
        return [self._reply(c, remote_id) for c in data.get("data") or [] if isinstance(c, dict)]

    def _reply(self, comment: dict[str, Any], post_id: str) -> Reply:
        author = comment.get("from") or {}
        return Reply(
            remote_id=str(comment.get("id") or ""),
            text=str(comment.get("message") or ""),
            author=str(author.get("name") or ""),
            author_id=str(author.get("id") or ""),
            url=str(comment.get("permalink_url") or ""),
            created_at=str(comment.get("created_time") or ""),
            in_reply_to=post_id,
        )

    def hide_reply(self, remote_id: str) -> None:
        """``POST /{comment-id}`` with ``is_hidden=true``: hidden from all but its author."""
        data = self.request("POST", remote_id, "Could not hide", data={"is_hidden": "true"})
        if data.get("success") is not True:
            raise ConnectorError("Could not hide (Facebook): the answer did not confirm it")
