"""The Mastodon client: publishing, look-ups, mentions and limits of any server speaking its API."""

from __future__ import annotations

import datetime as dt
import re
import time
from typing import Any
from urllib.parse import urlsplit

import httpx
from pydantic import ValidationError

from carecast.lib.http import (
    default_timeout,
    error_from_exception,
    error_from_response,
    loopback_if_sandbox,
    make_client,
)
from carecast.networks.base import (
    Account,
    CannotVerify,
    Connector,
    ConnectorError,
    MediaFile,
    PostRequest,
    PostResult,
    Reply,
)
from carecast.networks.mastodon.answers import (
    Attachment,
    Author,
    Notification,
    Status,
    instance_limits,
    is_same_status,
    mention_from_status,
    newer,
    reply_from_status,
)
from carecast.networks.mastodon.metrics import MastodonMetrics
from carecast.networks.mastodon.rules import Mastodon

LABEL = "Mastodon"
MENTIONS_PAGE = 40  # notifications per request (Mastodon's default; the maximum is 80)
MENTIONS_PAGES = 5  # how far back one poll pages while looking for ``since_id``
LOOKUP_PAGE = 40  # statuses per request (Mastodon's maximum)
LOOKUP_PAGES = 3  # how far back ``find_existing`` looks when it is not told since when
LOOKUP_MAX_PAGES = 25  # the most it reads to reach ``sent_since`` before it gives up
LOOKUP_MARGIN = dt.timedelta(minutes=10)  # the server's clock may differ from ours
LOOKUP_CACHE_SECONDS = 10.0  # a burst of look-ups after a crash shares one read


class MastodonConnector(MastodonMetrics, Connector):
    """Client of the Mastodon client API over httpx, for any server that speaks it.

    Why no SDK: Mastodon.py probes the server's version on its own and picks endpoints by
    it; against a server that 404s ``/api/v2/instance/`` or reports another software's
    version string, one image post looped ~970 requests into a ``RecursionError``. Here
    every endpoint is chosen explicitly, and one publish makes a bounded number of
    requests: one upload per image (a v1 retry on 404), a few processing polls, one post.

    The status is posted with ``Idempotency-Key: <post.key>``: Mastodon returns the earlier
    status for a repeated key (kept one hour per account). Other servers may ignore the
    key, so after an unknown outcome the caller also asks ``find_existing``, which looks
    the post up among the account's recent statuses. Media uploads are not idempotent,
    but an unattached upload is harmless (Mastodon removes it after a day).
    """

    idempotent = True
    can_look_up = True
    supports_direct = True
    supports_inbox = True
    # How long to wait for the server to process an upload (videos) before giving up for now.
    media_wait_seconds: float = 60.0
    media_poll_seconds: float = 0.5
    media_max_polls: int = 10

    def __init__(self, account: Account, *, timeout: float | None = None) -> None:
        super().__init__(account)
        self.timeout = timeout if timeout is not None else default_timeout()
        self._http: httpx.Client | None = None
        # Statuses last read for look-ups: (when, newest first, whether that was all of them).
        self._recent: tuple[float, list[Status], bool] | None = None

    @property
    def http(self) -> httpx.Client:
        if self._http is None:
            token = self.account.credentials.get("access_token", "")
            # The server is whatever a person typed: connect only where the guard allows.
            self._http = make_client(
                self.account.base_url.rstrip("/"),
                headers={"Authorization": f"Bearer {token}"},
                timeout=self.timeout,
                guard=loopback_if_sandbox(),
            )
        return self._http

    def close(self) -> None:
        if self._http is not None:
            self._http.close()

    def _request(
        self, method: str, path: str, action: str, *, creates_post: bool = False, **kwargs: Any
    ) -> httpx.Response:
        """One request; transport failures and error answers become ``ConnectorError``s."""
        try:
            response = self.http.request(method, path, **kwargs)
        except httpx.HTTPError as exc:
            raise error_from_exception(exc, creates_post, network_label=LABEL) from exc
        if response.status_code >= 400:
            raise error_from_response(response, LABEL, action)
        return response

    def publish(self, post: PostRequest) -> PostResult:
        """Upload the media (alt text as ``description``), then post the status idempotently.

        With ``post.reply_to`` the status answers that status (``in_reply_to_id``); the
        author being answered is @mentioned first unless the text already does, because
        Mastodon only notifies accounts the text mentions.
        """
        return self._post_status(post, self.account.config.get("visibility", "public"))

    def send_direct(self, post: PostRequest, recipient_id: str) -> PostResult:
        """A ``direct`` status answering the message: only the accounts it mentions see it
        (the author is @mentioned first, see ``publish``), like any Mastodon client's DM.
        https://docs.joinmastodon.org/methods/statuses/#create (visibility=direct)"""
        if not post.reply_to:
            raise ConnectorError(
                f"Could not answer privately ({LABEL}): no message", permanent=True
            )
        return self._post_status(post, "direct")

    def _post_status(self, post: PostRequest, visibility: str) -> PostResult:
        media_ids = [self._upload(item) for item in post.media]
        form: dict[str, Any] = {
            "status": self._reply_text(post) if post.reply_to else post.text,
            "visibility": visibility,
        }
        if post.reply_to:
            form["in_reply_to_id"] = post.reply_to
        if post.language:
            form["language"] = post.language
        if media_ids:
            form["media_ids[]"] = media_ids
        self._recent = None  # what we read before no longer shows the newest statuses
        response = self._request(
            "POST",
            "/api/v1/statuses",
            "Could not publish",
            creates_post=True,
            data=form,
            headers={"Idempotency-Key": post.key},
        )
        try:
            status = response.json()
            remote_id = str(status["id"])
        except (ValueError, KeyError, TypeError) as exc:
            # The server accepted something we cannot read: the post may exist.
            raise ConnectorError(
                f"Could not publish ({LABEL}): unreadable answer", outcome_unknown=True
            ) from exc
        return PostResult(
            remote_id=remote_id, url=status.get("url") or status.get("uri") or "", raw=status
        )

    def _reply_text(self, post: PostRequest) -> str:
        """``post.text``, led by ``@author`` of the status it answers when not already there."""
        action = "Could not read the post being answered"
        status = self._parse_status(
            self._get_json(f"/api/v1/statuses/{post.reply_to}", {}, action), action
        )
        author = status.account
        own_name = self.account.handle.lstrip("@").split("@")[0]
        if not author.acct or author.id == self.remote_user_id or author.acct == own_name:
            return post.text  # answering ourselves (a thread): no mention needed
        mentioned = re.search(rf"(?<![\w@])@{re.escape(author.acct)}(?![\w@.-])", post.text)
        return post.text if mentioned else f"@{author.acct} {post.text}"

    def _parse_status(self, body: Any, action: str) -> Status:
        try:
            return Status.model_validate(body)
        except ValidationError as exc:
            raise ConnectorError(f"{action} ({LABEL}): unexpected answer") from exc

    def _upload(self, item: MediaFile) -> str:
        """``POST /api/v2/media`` (``/api/v1/media`` on servers without v2), then wait."""
        try:
            content = item.path.read_bytes()
        except OSError as exc:
            raise ConnectorError(f"Media file cannot be read: {exc}", permanent=True) from exc
        files = {"file": (item.path.name, content, item.mime_type)}
        data = {"description": item.alt_text} if item.alt_text else {}
        action = "Could not upload media"
        try:
            response = self._request("POST", "/api/v2/media", action, data=data, files=files)
        except ConnectorError as exc:
            if exc.status not in (404, 405):
                raise
            response = self._request("POST", "/api/v1/media", action, data=data, files=files)
        return self._wait_until_processed(self._attachment(response, action))

    def _attachment(self, response: httpx.Response, action: str) -> Attachment:
        try:
            return Attachment.model_validate(response.json())
        except (ValueError, ValidationError) as exc:
            raise ConnectorError(f"{action} ({LABEL}): unexpected answer") from exc

    def _wait_until_processed(self, attachment: Attachment) -> str:
        """A 202 with ``url: null`` means the server is still processing: poll, boundedly."""
        deadline = time.monotonic() + self.media_wait_seconds
        delay = self.media_poll_seconds
        for _poll in range(self.media_max_polls):
            if attachment.url is not None:
                return attachment.id
            if time.monotonic() + delay > deadline:
                break
            time.sleep(delay)
            delay = min(delay * 2, 5.0)
            action = "Could not check media processing"
            response = self._request("GET", f"/api/v1/media/{attachment.id}", action)
            attachment = self._attachment(response, action)
        if attachment.url is not None:
            return attachment.id
        raise ConnectorError(f"{LABEL} is still processing the media; trying again later.")

    def delete(self, remote_id: str) -> None:
        """Delete a status; one that is already gone counts as deleted."""
        try:
            self._request("DELETE", f"/api/v1/statuses/{remote_id}", "Could not delete")
        except ConnectorError as exc:
            if exc.status != 404:
                raise

    def fetch_replies(self, remote_id: str) -> list[Reply]:
        """Replies to status ``remote_id`` (``GET /api/v1/statuses/:id/context``, descendants).

        Mastodon sends HTML; the text comes back plain, without the leading @mentions.
        """
        action = "Could not read replies"
        body = self._get_json(f"/api/v1/statuses/{remote_id}/context", {}, action)
        descendants = body.get("descendants") if isinstance(body, dict) else None
        if not isinstance(descendants, list):
            raise ConnectorError(f"{action} ({LABEL}): unexpected answer")
        return [reply_from_status(status) for status in descendants if isinstance(status, dict)]

    def fetch_mentions(self, since_id: str = "") -> list[Reply]:
        """Statuses that mention the account (replies to it included), newest first.

        ``GET /api/v1/notifications?types[]=mention``. Mastodon's ``since_id`` there counts
        notification ids, not status ids, so ``since_id`` (a status id, as in
        ``Reply.remote_id``) is applied here: pages are read newest first until a status at
        or below it turns up (at most ``MENTIONS_PAGES``). Without ``since_id``: one page.
        A reply to one of the account's statuses has ``kind="reply"``, anything else
        ``"mention"``; Mastodon notifies a reply only when it mentions the account, which
        every client does by default.
        """
        action = "Could not read mentions"
        own_id = self._own_id()
        mentions: list[Reply] = []
        params: dict[str, Any] = {"types[]": ["mention"], "limit": MENTIONS_PAGE}
        for _page in range(MENTIONS_PAGES if since_id else 1):
            page = self._notifications(params, action)
            statuses = [n.status for n in page if n.type == "mention" and n.status]
            fresh = [status for status in statuses if newer(status.id, since_id)]
            mentions.extend(mention_from_status(status, own_id) for status in fresh)
            if len(page) < MENTIONS_PAGE or len(fresh) < len(statuses):
                break
            params["max_id"] = page[-1].id
        return mentions

    def _notifications(self, params: dict[str, Any], action: str) -> list[Notification]:
        body = self._get_json("/api/v1/notifications", params, action)
        if not isinstance(body, list):
            raise ConnectorError(f"{action} ({LABEL}): unexpected answer (not a list)")
        try:
            notes = [Notification.model_validate(item) for item in body]
        except ValidationError as exc:
            message = f"{action} ({LABEL}): unexpected answer ({exc.error_count()} problems)"
            raise ConnectorError(message) from exc
        return notes

    def _own_id(self) -> str:
        """The account id: stored with the channel, else asked of the server (once)."""
        if not self.remote_user_id:
            self.verify_credentials()
        return self.remote_user_id

    def verify_credentials(self) -> str:
        """``@user@server`` for a working token; ``ConnectorError(auth=True)`` for a dead one.

        Also records the account id every account endpoint needs in ``remote_user_id``,
        for the caller to store with the channel.
        """
        action = "Could not verify the access token"
        body = self._get_json("/api/v1/accounts/verify_credentials", {}, action)
        try:
            me = Author.model_validate(body)
        except ValidationError as exc:
            raise ConnectorError(f"{action} ({LABEL}): unexpected answer") from exc
        self.remote_user_id = me.id
        return f"@{me.acct or me.username}@{urlsplit(self.account.base_url).netloc}"

    def fetch_limits(self) -> dict[str, int]:
        """The server's published limits, from ``/api/v2/instance``, else ``/api/v1/instance``.

        Keys (each only when the server said it): ``max_characters`` (v2/v1
        ``configuration.statuses``, Pleroma's ``max_toot_chars``), ``max_media_attachments``,
        ``characters_reserved_per_url``, ``image_size_limit``, ``video_size_limit``. Errors
        of the v1 read, and a v2 blip (429/5xx/timeout), are raised; a server without v2
        (404) or whose v2 names no limit is read through v1.
        """
        action = "Could not read the instance settings"
        try:
            limits = instance_limits(self._get_json("/api/v2/instance", {}, action))
        except ConnectorError as exc:
            if exc.auth or not exc.permanent:  # a blip: keep what we know, do not mix
                raise
            limits = {}  # no v2 here (404): an older or another server
        if "max_characters" in limits:
            return limits
        return instance_limits(self._get_json("/api/v1/instance", {}, action)) or limits

    def fetch_instance_limit(self) -> int:
        """The server's own character limit (500, Mastodon's default, when it names none)."""
        return int(self.fetch_limits().get("max_characters") or Mastodon.text_limit)

    def find_existing(self, post: PostRequest) -> PostResult | None:
        """Look for ``post`` among the account's recent statuses (``is_same_status``).

        ``GET /api/v1/accounts/:id/statuses``, newest first, paged back to
        ``post.sent_since`` (less ``LOOKUP_MARGIN``), or ``LOOKUP_PAGES`` pages without it.
        One read serves a burst of look-ups for ``LOOKUP_CACHE_SECONDS`` (until we post).
        ``None`` when it is certainly not there; ``CannotVerify`` when the statuses cannot
        be read, or more than ``LOOKUP_MAX_PAGES`` pages were posted since.
        """
        since = post.sent_since - LOOKUP_MARGIN if post.sent_since else None
        try:
            statuses = self._recent_statuses(since)
        except ConnectorError as exc:
            raise CannotVerify(
                str(exc), auth=exc.auth, retry_after=exc.retry_after, status=exc.status
            ) from exc
        for status in statuses:
            if is_same_status(status, post):
                raw = status.model_dump()
                return PostResult(status.id, status.url or status.uri, raw=raw)
        return None

    def _recent_statuses(self, since: dt.datetime | None) -> list[Status]:
        """The newest statuses, back to ``since`` (a cached read that reaches it will do)."""
        cached = self._recent
        fresh = cached and time.monotonic() - cached[0] < LOOKUP_CACHE_SECONDS
        if cached and fresh and _reaches(cached[1], cached[2], since):
            return cached[1]
        path = f"/api/v1/accounts/{self._own_id()}/statuses"
        params: dict[str, Any] = {"limit": LOOKUP_PAGE, "exclude_reblogs": "true"}
        found: list[Status] = []
        complete = False
        for _page in range(LOOKUP_MAX_PAGES if since else LOOKUP_PAGES):
            page = self._statuses(self._get_json(path, params, "Could not read recent posts"))
            found.extend(page)
            complete = len(page) < LOOKUP_PAGE
            if complete or _reaches(found, False, since):
                break
            params["max_id"] = page[-1].id
        self._recent = (time.monotonic(), found, complete)
        if not _reaches(found, complete, since):
            raise CannotVerify(
                f"Could not check ({LABEL}): more than {len(found)} posts since the earlier "
                "attempt; please look at the channel."
            )
        return found

    def _statuses(self, body: Any) -> list[Status]:
        action = "Could not read recent posts"
        if not isinstance(body, list):
            raise ConnectorError(f"{action} ({LABEL}): unexpected answer (not a list)")
        try:
            return [Status.model_validate(item) for item in body]
        except ValidationError as exc:
            message = f"{action} ({LABEL}): unexpected answer ({exc.error_count()} problems)"
            raise ConnectorError(message) from exc

    def _get_json(self, path: str, params: dict[str, Any], action: str) -> Any:
        """A plain read: no post can come of it, so failures are never "unknown"."""
        response = self._request("GET", path, action, params=params)
        try:
            return response.json()
        except ValueError as exc:
            raise ConnectorError(f"{action} ({LABEL}): unreadable answer") from exc

    def fetch_statuses(self, limit: int = 40) -> list[dict[str, Any]]:
        """The account's newest statuses (also those posted outside carecast), newest first."""
        path = f"/api/v1/accounts/{self._own_id()}/statuses"
        body = self._get_json(
            path, {"limit": limit, "exclude_reblogs": "true"}, "Could not read posts"
        )
        return [s for s in body if isinstance(s, dict)] if isinstance(body, list) else []

    def fetch_trending_tags(self, limit: int = 20) -> list[dict[str, Any]]:
        """``GET /api/v1/trends/tags``: the instance's trending hashtags with their daily uses."""
        body = self._get_json("/api/v1/trends/tags", {"limit": limit}, "Could not read trends")
        return [t for t in body if isinstance(t, dict)] if isinstance(body, list) else []


def _reaches(statuses: list[Status], complete: bool, since: dt.datetime | None) -> bool:
    """Whether ``statuses`` (newest first) cover everything posted after ``since``."""
    if since is None or complete:
        return True
    oldest = statuses[-1].created_at if statuses else ""
    try:
        return bool(oldest) and dt.datetime.fromisoformat(oldest.replace("Z", "+00:00")) < since
    except ValueError:  # a date we cannot read: we cannot say we went back far enough
        return False
