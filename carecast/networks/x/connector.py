"""The X client (API v2): publishing with media, look-ups before a resend, mentions, hiding replies."""

from __future__ import annotations

import html
import re
import time
import unicodedata
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import httpx
import twitter_text
from pydantic import BaseModel, ConfigDict, ValidationError

from carecast.lib.http import error_from_exception, error_from_response
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
from carecast.networks.x.direct import XDirect
from carecast.networks.x.metrics import XMetrics

LABEL = "X"
ALT_TEXT_LIMIT = 1000  # X's own limit for media alt text
SEGMENT_BYTES = 4 * 1024 * 1024  # APPEND segments: at most 5 MB each
RECENT_POSTS = 100  # the most X lists in one page
LOOKUP_MAX_PAGES = 5  # how far a look-up pages back: X bills every post it returns
LOOKUP_MARGIN = timedelta(minutes=10)  # X's clock may differ from ours
MENTIONS_PAGE = 50  # mentions per request: X bills every post it returns
MENTIONS_PAGES = 4  # how far back one poll pages while looking for ``since_id``
MENTION_FIELDS = "author_id,created_at,conversation_id,in_reply_to_user_id,referenced_tweets"


# --- what X answers (validated, never dict-poked) ----------------------------------------


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore")


class UrlEntity(_Model):
    url: str = ""
    expanded_url: str = ""
    media_key: str | None = None


class Entities(_Model):
    urls: list[UrlEntity] = []


class ReferencedTweet(_Model):
    type: str
    id: str


class Tweet(_Model):
    id: str
    text: str = ""
    created_at: str | None = None
    entities: Entities | None = None
    author_id: str | None = None
    conversation_id: str | None = None
    in_reply_to_user_id: str | None = None
    referenced_tweets: list[ReferencedTweet] | None = None

    @property
    def replied_to(self) -> str:
        """The id of the post this one answers, or ''."""
        refs = self.referenced_tweets or []
        return next((ref.id for ref in refs if ref.type == "replied_to"), "")


class TweetCreated(_Model):
    data: Tweet


class User(_Model):
    id: str
    username: str
    name: str = ""


class UserResponse(_Model):
    data: User


class Problem(_Model):
    title: str = ""
    detail: str = ""


class Timeline(_Model):
    data: list[Tweet] | None = None
    meta: dict[str, Any] | None = None
    errors: list[Problem] | None = None


class Includes(_Model):
    users: list[User] = []


class MentionTimeline(Timeline):
    includes: Includes | None = None


class Media(_Model):
    id: str
    media_key: str | None = None


class MediaUploaded(_Model):
    data: Media


class TokenResponse(_Model):
    access_token: str
    refresh_token: str | None = None
    expires_in: int | None = None
    scope: str = ""


M = TypeVar("M", bound=_Model)


# --- recognising our own post ------------------------------------------------------------


def comparable_text(text: str) -> str:
    """Text with URLs removed and whitespace collapsed (NFC), for comparing with what X shows."""
    text = unicodedata.normalize("NFC", text)
    kept, last = [], 0
    for found in twitter_text.extract_urls_with_indices(text):
        start, end = found["indices"]
        kept.append(text[last:start])
        last = end
    kept.append(text[last:])
    return " ".join(" ".join(kept).split())


def comparable_url(url: str) -> str:
    """A URL without scheme, with lower-case host and no trailing slash."""
    rest = url.split("://", 1)[-1]
    host, slash, path = rest.partition("/")
    return (host.lower() + slash + path).rstrip("/")


_LEADING_MENTIONS = re.compile(r"^(\s*@\w{1,15})+\s*")


def is_same_post(tweet: Tweet, post: PostRequest) -> bool:
    """Whether ``tweet`` (as X lists it) is ``post`` (as we sent it).

    X rewrites what we sent: every URL (also bare domains) becomes a t.co link, a link to
    attached media is appended, and ``&``, ``<``, ``>`` come back HTML-escaped. So neither
    the text nor ``post.fingerprint`` (a hash of the exact text) can be compared directly.
    We compare the text with all URLs removed on both sides, and then the URLs themselves
    through the ``expanded_url`` of X's URL entities, so that two job ads that differ only
    in their link are told apart. A reply must answer the same post (``referenced_tweets``);
    without that field (X left it out) only the text is compared.
    """
    if tweet.referenced_tweets is not None and tweet.replied_to != post.reply_to:
        return False  # a reply is never a new post, nor a reply to another post
    shown = html.unescape(tweet.text)
    if post.reply_to:  # X puts the @names being answered in front of a reply's text
        shown, sent = _LEADING_MENTIONS.sub("", shown), _LEADING_MENTIONS.sub("", post.text)
    else:
        sent = post.text
    if comparable_text(shown) != comparable_text(sent):
        return False
    if tweet.entities is None:  # X gave no entities: the text is all we can go by
        return True
    theirs = {comparable_url(u.expanded_url) for u in tweet.entities.urls if not u.media_key}
    ours = {comparable_url(u) for u in twitter_text.extract_urls(post.text)}
    return ours <= theirs


# --- the connector -----------------------------------------------------------------------


class XConnector(XMetrics, XDirect, HTTPConnector):
    """Client of the X API v2 over httpx (OAuth 2 user context).

    Not idempotent: X has no idempotency key. Before re-sending a post whose outcome is
    unknown, the caller asks ``find_existing``. An expired access token is refreshed once
    per connector with the stored refresh token; the new tokens are left in
    ``updated_credentials`` for the caller to store.
    """

    idempotent = False
    can_look_up = True
    supports_inbox = True
    supports_hide = True

    def __init__(self, account: Account, *, timeout: float | None = None) -> None:
        super().__init__(account, timeout=timeout)
        self._refreshed = False
        # How long to wait for X to process a video, and a factor on its check_after_secs.
        self.video_wait_seconds = float(account.config.get("video_wait_seconds", 300))
        self.poll_scale = float(account.config.get("poll_scale", 1))

    @property
    def credentials(self) -> dict[str, str]:
        return self.updated_credentials or self.account.credentials

    # --- HTTP ------------------------------------------------------------------------------

    def _request(
        self, method: str, path: str, action: str, *, creates_post: bool = False, **kwargs: Any
    ) -> Any:
        """Send with the bearer token; on 401 refresh once and send again."""
        response = self._send(method, path, creates_post, **kwargs)
        if response.status_code == 401 and self._can_refresh():
            self._refresh()
            response = self._send(method, path, creates_post, **kwargs)
        if response.status_code >= 400:
            raise error_from_response(response, LABEL, action)
        try:
            return response.json()
        except ValueError as exc:
            # 2xx we cannot read: the network acted, we do not know on what.
            message = f"{action} ({LABEL}): unreadable answer"
            raise ConnectorError(message, outcome_unknown=creates_post) from exc

    def _send(self, method: str, path: str, creates_post: bool, **kwargs: Any) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.credentials.get('access_token', '')}"}
        try:
            return self.client.request(method, path, headers=headers, **kwargs)
        except httpx.HTTPError as exc:
            raise error_from_exception(exc, creates_post, network_label=LABEL) from exc

    def _can_refresh(self) -> bool:
        return not self._refreshed and bool(self.credentials.get("refresh_token"))

    def refresh_token(self) -> None:
        """Refresh now, before the access token expires (``publishing.health``); the new
        tokens land in ``updated_credentials``. ``ConnectorError(auth=True)`` if refused."""
        if not self.credentials.get("refresh_token"):
            raise ConnectorError("No refresh token stored: reconnect the account", auth=True)
        self._refreshed = False
        self._refresh()

    def _refresh(self) -> None:
        """Trade the refresh token for new tokens; keep the old refresh token if none comes back."""
        self._refreshed = True
        old = self.credentials
        data = {"grant_type": "refresh_token", "refresh_token": old["refresh_token"]}
        auth: tuple[str | bytes, str | bytes] | httpx.Auth = httpx.Auth()  # no authentication
        if old.get("client_secret"):  # confidential client: HTTP Basic
            auth = (old.get("client_id", ""), old["client_secret"])
        else:
            data["client_id"] = old.get("client_id", "")
        try:
            response = self.client.post("/2/oauth2/token", data=data, auth=auth)
        except httpx.HTTPError as exc:  # a blip must not disconnect the channel: transient
            raise error_from_exception(exc, False, network_label=LABEL) from exc
        action = "Could not refresh the access token"
        if response.status_code in (400, 401):  # the refresh token itself was refused
            refused = error_from_response(response, LABEL, action)
            raise ConnectorError(str(refused), auth=True, status=response.status_code)
        if response.status_code >= 400:
            raise error_from_response(response, LABEL, action)
        token = self._parse(TokenResponse, _json_or_none(response), action)
        updated = {**old, "access_token": token.access_token}
        updated["refresh_token"] = token.refresh_token or old["refresh_token"]
        if token.expires_in:
            expires = datetime.now(UTC) + timedelta(seconds=token.expires_in)
            updated["expires_at"] = expires.isoformat(timespec="seconds")
        self.updated_credentials = updated

    def _parse(self, model: type[M], data: Any, action: str, *, creates_post: bool = False) -> M:
        try:
            return model.model_validate(data)
        except ValidationError as exc:
            message = f"{action} ({LABEL}): unexpected answer ({exc.error_count()} problems)"
            raise ConnectorError(message, outcome_unknown=creates_post) from exc

    # --- the contract ----------------------------------------------------------------------

    def publish(self, post: PostRequest) -> PostResult:
        """Upload images (with alt text), then ``POST /2/tweets``.

        With ``post.reply_to`` the post answers that tweet (``reply.in_reply_to_tweet_id``);
        X adds the @names being answered itself.
        """
        media_ids = [self._upload(item) for item in post.media]
        body: dict[str, Any] = {"text": post.text}
        if media_ids:
            body["media"] = {"media_ids": media_ids}
        if post.reply_to:
            body["reply"] = {"in_reply_to_tweet_id": post.reply_to}
        action = "Could not publish"
        try:
            data = self._request("POST", "/2/tweets", action, creates_post=True, json=body)
        except ConnectorError as exc:
            if post.maybe_sent and exc.status == 403 and "duplicate" in exc.message.lower():
                return self._the_duplicate(post, exc)
            raise
        created = self._parse(TweetCreated, data, action, creates_post=True)
        return PostResult(created.data.id, self.post_url(created.data.id), raw=data)

    def _the_duplicate(self, post: PostRequest, refused: ConnectorError) -> PostResult:
        """X refused the resend of a post whose earlier outcome is unknown as a duplicate.

        Found among the recent posts, it is the result. Not found, X's answer stands
        (the same text went out earlier, for something else). If the recent posts cannot
        be read, the outcome is unknown, and the post is looked up again later.
        """
        try:
            found = self.find_existing(post)
        except CannotVerify as exc:
            if exc.auth:
                raise ConnectorError(exc.message, auth=True, status=exc.status) from exc
            raise ConnectorError(
                f"{refused.message} — and the recent posts could not be read ({exc.message}); "
                "looking again later.",
                retry_after=exc.retry_after,
                outcome_unknown=True,
                status=exc.status,
            ) from exc
        if found is None:
            raise refused
        return found

    def _upload(self, item: MediaFile) -> str:
        if item.mime_type.startswith("video/"):
            return self._set_alt(self._upload_video(item), item)
        if not item.mime_type.startswith("image/"):
            raise ConnectorError(
                f"{LABEL}: only images and videos can be attached.", permanent=True
            )
        try:
            content = item.path.read_bytes()
        except OSError as exc:
            raise ConnectorError(f"Media file cannot be read: {exc}", permanent=True) from exc
        category = "tweet_gif" if item.mime_type == "image/gif" else "tweet_image"
        form = {"media_category": category, "media_type": item.mime_type}
        files = {"media": (item.path.name, content, item.mime_type)}
        action = "Could not upload media"
        data = self._request("POST", "/2/media/upload", action, data=form, files=files)
        media_id = self._parse(MediaUploaded, data, action).data.id
        return self._set_alt(media_id, item)

    def _set_alt(self, media_id: str, item: MediaFile) -> str:
        if item.alt_text.strip():
            alt = {"alt_text": {"text": item.alt_text[:ALT_TEXT_LIMIT]}}
            body = {"id": media_id, "metadata": alt}
            self._request("POST", "/2/media/metadata", "Could not set the alt text", json=body)
        return media_id

    def _upload_video(self, item: MediaFile) -> str:
        """The chunked upload (https://docs.x.com/x-api/media/quickstart/media-upload-chunked):
        INIT with the size, APPEND segments of at most 5 MB in order, FINALIZE, then STATUS
        until X has processed the video. An upload left unfinished by a crash is never
        attached to anything; X drops it (``expires_after_secs``)."""
        action = "Could not upload the video"
        size = item.path.stat().st_size
        init = {
            "command": "INIT",
            "media_type": item.mime_type,
            "total_bytes": str(size),
            "media_category": "amplify_video",
        }
        media_id = self._parse(
            MediaUploaded, self._request("POST", "/2/media/upload", action, data=init), action
        ).data.id
        try:
            handle = item.path.open("rb")
        except OSError as exc:
            raise ConnectorError(f"The video cannot be read: {exc}", permanent=True) from exc
        with handle:
            index = 0
            while part := handle.read(SEGMENT_BYTES):
                form = {"command": "APPEND", "media_id": media_id, "segment_index": str(index)}
                files = {"media": (item.path.name, part, "application/octet-stream")}
                self._send_upload(form, files, action)
                index += 1
        form = {"command": "FINALIZE", "media_id": media_id}
        info = self._request("POST", "/2/media/upload", action, data=form)
        deadline = time.monotonic() + self.video_wait_seconds
        while True:
            processing = ((info or {}).get("data") or {}).get("processing_info") or {}
            state = processing.get("state", "succeeded")
            if state == "succeeded":
                return media_id
            if state == "failed":
                why = (processing.get("error") or {}).get("message") or "unknown"
                raise ConnectorError(f"{LABEL} could not process the video: {why}", permanent=True)
            wait = float(processing.get("check_after_secs") or 1)
            if time.monotonic() + wait > deadline:
                raise ConnectorError(f"{LABEL} is still processing the video; trying again later.")
            time.sleep(wait * self.poll_scale)
            params = {"command": "STATUS", "media_id": media_id}
            info = self._request(
                "GET", "/2/media/upload", "Could not check the video", params=params
            )

    def _send_upload(self, form: dict[str, str], files: dict[str, Any], action: str) -> None:
        """APPEND answers 2xx without a body."""
        response = self._send("POST", "/2/media/upload", False, data=form, files=files)
        if response.status_code == 401 and self._can_refresh():
            self._refresh()
            response = self._send("POST", "/2/media/upload", False, data=form, files=files)
        if response.status_code >= 400:
            raise error_from_response(response, LABEL, action)

    def post_url(self, tweet_id: str) -> str:
        web = str(self.account.config.get("web_url") or "https://x.com").rstrip("/")
        handle = self.account.handle.lstrip("@")
        return f"{web}/{handle}/status/{tweet_id}" if handle else f"{web}/i/web/status/{tweet_id}"

    def delete(self, remote_id: str) -> None:
        """Delete a post; one that is already gone counts as deleted."""
        try:
            self._request("DELETE", f"/2/tweets/{remote_id}", "Could not delete")
        except ConnectorError as exc:
            if exc.status != 404:
                raise

    def hide_reply(self, remote_id: str) -> None:
        """PUT /2/tweets/:id/hidden — only in conversations the account started (else 403)."""
        answer = self._request(
            "PUT", f"/2/tweets/{remote_id}/hidden", "Could not hide", json={"hidden": True}
        )
        if not (isinstance(answer, dict) and (answer.get("data") or {}).get("hidden") is True):
            raise ConnectorError(f"Could not hide ({LABEL}): the answer did not confirm it")

    def verify_credentials(self) -> str:
        """``@username`` for a working token (refreshing it if needed)."""
        return f"@{self._me().username}"

    def _me(self) -> User:
        action = "Could not verify the access token"
        return self._parse(UserResponse, self._request("GET", "/2/users/me", action), action).data

    def find_existing(self, post: PostRequest) -> PostResult | None:
        """Look for ``post`` among the account's recent posts (see ``is_same_post``): the
        last 100, or back to ``post.sent_since`` (less ``LOOKUP_MARGIN``) when given."""
        if not comparable_text(post.text):
            raise CannotVerify(f"{LABEL}: a post of only links or media cannot be recognised.")
        since = post.sent_since - LOOKUP_MARGIN if post.sent_since else None
        try:
            timeline = self._recent_posts(since)
        except CannotVerify:
            raise
        except ConnectorError as exc:
            raise CannotVerify(
                str(exc), auth=exc.auth, retry_after=exc.retry_after, status=exc.status
            ) from exc
        for tweet in timeline:
            if is_same_post(tweet, post):
                return PostResult(tweet.id, self.post_url(tweet.id), raw=tweet.model_dump())
        return None

    def _recent_posts(self, since: datetime | None = None) -> list[Tweet]:
        """The newest page of the account's posts; with ``since``, pages back past it.

        Reading more than ``LOOKUP_MAX_PAGES`` pages without reaching ``since`` raises
        ``CannotVerify``: the post may lie further back, so "absent" would be a guess.
        """
        user_id = self.remote_user_id or self._me().id
        fields = "created_at,entities,referenced_tweets"
        params = {"max_results": RECENT_POSTS, "tweet.fields": fields}
        action = "Could not read recent posts"
        found: list[Tweet] = []
        for _page in range(LOOKUP_MAX_PAGES if since else 1):
            data = self._request("GET", f"/2/users/{user_id}/tweets", action, params=params)
            timeline = self._parse(Timeline, data, action)
            if timeline.data is None and timeline.errors:  # X answers 200 for an unknown user
                raise ConnectorError(f"{action} ({LABEL}): {timeline.errors[0].detail}")
            if timeline.data is None and not timeline.meta:
                raise ConnectorError(f"{action} ({LABEL}): the answer held no posts and no count")
            found.extend(timeline.data or [])
            token = (timeline.meta or {}).get("next_token")
            if not token or since is None or _older_than(found[-1:], since):
                return found
            params["pagination_token"] = token
        raise CannotVerify(
            f"Could not check ({LABEL}): more than {len(found)} posts since the earlier "
            "attempt; please look at the channel."
        )

    def fetch_mentions(self, since_id: str = "") -> list[Reply]:
        """Posts that mention the account (replies to it included), newest first.

        ``GET /2/users/:id/mentions`` with X's own ``since_id``; with it, pages are
        followed (``next_token``, at most ``MENTIONS_PAGES``) so that a burst is not cut
        short; without it, one page. ``kind`` is ``"reply"`` when the post answers the
        account (``in_reply_to_user_id``), else ``"mention"``.
        """
        user_id = self.account.remote_user_id or self._me().id
        action = "Could not read mentions"
        params: dict[str, Any] = {
            "max_results": MENTIONS_PAGE,
            "tweet.fields": MENTION_FIELDS,
            "expansions": "author_id",
            "user.fields": "username",
        }
        if since_id:
            params["since_id"] = since_id
        mentions: list[Reply] = []
        for _page in range(MENTIONS_PAGES if since_id else 1):
            data = self._request("GET", f"/2/users/{user_id}/mentions", action, params=params)
            page = self._parse(MentionTimeline, data, action)
            if page.data is None and page.errors:  # X answers 200 for an unknown user
                raise ConnectorError(f"{action} ({LABEL}): {page.errors[0].detail}")
            if page.data is None and not page.meta:
                raise ConnectorError(f"{action} ({LABEL}): the answer held no posts and no count")
            users = {u.id: u for u in (page.includes.users if page.includes else [])}
            mentions.extend(self._mention(tweet, users, user_id) for tweet in page.data or [])
            token = (page.meta or {}).get("next_token")
            if not token:
                break
            params["pagination_token"] = token
        return mentions

    def _mention(self, tweet: Tweet, users: dict[str, User], own_id: str) -> Reply:
        author = users.get(tweet.author_id or "")
        username = author.username if author else ""
        web = str(self.account.config.get("web_url") or "https://x.com").rstrip("/")
        path = f"{username}/status/{tweet.id}" if username else f"i/web/status/{tweet.id}"
        return Reply(
            remote_id=tweet.id,
            text=_LEADING_MENTIONS.sub("", html.unescape(tweet.text)),
            author=username,
            author_id=tweet.author_id or "",
            url=f"{web}/{path}",
            created_at=tweet.created_at or "",
            kind="reply" if tweet.in_reply_to_user_id == own_id else "mention",
            in_reply_to=tweet.replied_to,
        )


def _older_than(tweets: list[Tweet], since: datetime) -> bool:
    """Whether the (oldest) tweet was created before ``since``; unknown counts as no."""
    created = tweets[0].created_at if tweets else None
    try:
        return bool(created) and datetime.fromisoformat(str(created).replace("Z", "+00:00")) < since
    except ValueError:
        return False


def _json_or_none(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None
