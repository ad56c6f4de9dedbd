"""Mastodon: 500 characters by default (the instance's own limit when known), URLs as 23."""

from __future__ import annotations

import html
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

import httpx
import requests
from mastodon import Mastodon as MastodonAPI
from mastodon.errors import (
    MastodonAPIError,
    MastodonError,
    MastodonIllegalArgumentError,
    MastodonIOError,
    MastodonNetworkError,
    MastodonRatelimitError,
)
from pydantic import BaseModel, ConfigDict, ValidationError

from carecast.lib.http import (
    USER_AGENT,
    default_timeout,
    error_from_exception,
    error_from_response,
    make_client,
)
from carecast.networks import textcount
from carecast.networks.base import (
    Account,
    Connector,
    ConnectorError,
    MediaFile,
    Network,
    PostRequest,
    PostResult,
    Reply,
)

LABEL = "Mastodon"
MENTIONS_PAGE = 40  # notifications per request (Mastodon's default; the maximum is 80)
MENTIONS_PAGES = 5  # how far back one poll pages while looking for ``since_id``


# --- what Mastodon answers for the inbox (validated, never dict-poked) -------------------


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore")


class _Author(_Model):
    id: str
    acct: str = ""
    username: str = ""


class _Status(_Model):
    id: str
    content: str = ""
    created_at: str = ""
    url: str | None = None
    uri: str = ""
    in_reply_to_id: str | None = None
    in_reply_to_account_id: str | None = None
    account: _Author


class _Notification(_Model):
    id: str
    type: str
    status: _Status | None = None


class MastodonConnector(Connector):
    """Client of the Mastodon REST API: Mastodon.py, with the status post itself on httpx.

    Why two clients: posting the status is the hot path when a burst of posts is due at
    once, and Mastodon.py spends ~5 ms of CPU per call casting the response into typed
    objects plus ~5 ms in requests (measured with bench/dispatch) — more than the whole
    request costs over httpx keep-alive. Everything else (media, instance, credentials)
    goes through Mastodon.py.

    Idempotent: the status is posted with ``Idempotency-Key: <post.key>``, and Mastodon
    returns the earlier status for a repeated key (kept one hour per account), so a retry
    after an unknown outcome cannot post twice. Media uploads are not idempotent, but an
    unattached upload is harmless (Mastodon removes it after a day).
    """

    idempotent = True
    supports_inbox = True
    # How long to wait for Mastodon to process an upload (videos) before giving up for now.
    media_wait_seconds: float = 60.0
    media_poll_seconds: float = 0.5

    def __init__(self, account: Account, *, timeout: float | None = None) -> None:
        super().__init__(account)
        self.timeout = timeout if timeout is not None else default_timeout()
        self._api: MastodonAPI | None = None
        self._http: httpx.Client | None = None
        self._last_response: requests.Response | None = None

    @property
    def http(self) -> httpx.Client:
        if self._http is None:
            token = self.account.credentials.get("access_token", "")
            self._http = make_client(
                self.account.base_url.rstrip("/"),
                headers={"Authorization": f"Bearer {token}"},
                timeout=self.timeout,
            )
        return self._http

    def close(self) -> None:
        if self._http is not None:
            self._http.close()

    @property
    def api(self) -> MastodonAPI:
        if self._api is None:
            session = requests.Session()
            # Mastodon.py's exceptions drop the response; keep it to read status and headers.
            session.hooks["response"].append(self._remember_response)
            self._api = MastodonAPI(
                access_token=self.account.credentials.get("access_token"),
                api_base_url=self.account.base_url,
                request_timeout=self.timeout,
                ratelimit_method="throw",
                version_check_mode="none",
                session=session,
                user_agent=USER_AGENT,
            )
        return self._api

    def _remember_response(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        self._last_response = response

    @contextmanager
    def _call(self, action: str, *, creates_post: bool = False) -> Iterator[None]:
        """Translate Mastodon.py's exceptions into ``ConnectorError``s.

        ``creates_post``: the call publishes the status, so a failure after sending means
        the post may exist (``outcome_unknown``).
        """
        self._last_response = None
        try:
            yield
        except MastodonNetworkError as exc:
            # Mastodon.py raises this from inside ``except``: the transport error is the context.
            cause = exc.__cause__ or exc.__context__ or exc
            raise error_from_exception(cause, creates_post, network_label=LABEL) from exc
        except (MastodonAPIError, MastodonRatelimitError) as exc:
            response = self._last_response
            if response is not None and response.status_code >= 400:
                raise error_from_response(response, LABEL, action) from exc
            # A 2xx we could not read: the server acted, we do not know on what.
            message = f"{action} ({LABEL}): {exc}"
            raise ConnectorError(message, outcome_unknown=creates_post) from exc
        except (MastodonIllegalArgumentError, MastodonIOError) as exc:
            raise ConnectorError(f"{action} ({LABEL}): {exc}", permanent=True) from exc
        except MastodonError as exc:
            raise ConnectorError(
                f"{action} ({LABEL}): {exc}", outcome_unknown=creates_post
            ) from exc

    def _raw(self) -> dict[str, Any]:
        """The last response's JSON, as Mastodon sent it (no datetime objects)."""
        try:
            body = self._last_response.json() if self._last_response is not None else {}
        except ValueError:
            return {}
        return body if isinstance(body, dict) else {}

    def publish(self, post: PostRequest) -> PostResult:
        """Upload the media (alt text as ``description``), then post the status idempotently.

        With ``post.reply_to`` the status answers that status (``in_reply_to_id``); the
        author being answered is @mentioned first unless the text already does, because
        Mastodon only notifies accounts the text mentions.
        """
        media_ids = [self._upload(item) for item in post.media]
        form: dict[str, Any] = {
            "status": self._reply_text(post) if post.reply_to else post.text,
            "visibility": self.account.config.get("visibility", "public"),
        }
        if post.reply_to:
            form["in_reply_to_id"] = post.reply_to
        if post.language:
            form["language"] = post.language
        if media_ids:
            form["media_ids[]"] = media_ids
        try:
            response = self.http.post(
                "/api/v1/statuses", data=form, headers={"Idempotency-Key": post.key}
            )
        except httpx.HTTPError as exc:
            raise error_from_exception(exc, True, network_label=LABEL) from exc
        if response.status_code >= 400:
            raise error_from_response(response, LABEL, "Could not publish")
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
        if not author.acct or author.id == self.account.remote_user_id or author.acct == own_name:
            return post.text  # answering ourselves (a thread): no mention needed
        mentioned = re.search(rf"(?<![\w@])@{re.escape(author.acct)}(?![\w@.-])", post.text)
        return post.text if mentioned else f"@{author.acct} {post.text}"

    def _parse_status(self, body: Any, action: str) -> _Status:
        try:
            return _Status.model_validate(body)
        except ValidationError as exc:
            raise ConnectorError(f"{action} ({LABEL}): unexpected answer") from exc

    def _upload(self, item: MediaFile) -> str:
        try:
            handle = item.path.open("rb")
        except OSError as exc:
            raise ConnectorError(f"Media file cannot be read: {exc}", permanent=True) from exc
        with handle, self._call("Could not upload media"):
            attachment = self.api.media_post(
                handle,
                mime_type=item.mime_type,
                description=item.alt_text or None,
                file_name=item.path.name,
            )
        return self._wait_until_processed(attachment)

    def _wait_until_processed(self, attachment: Any) -> str:
        """Mastodon answers 202 with ``url: null`` while it processes; poll until it is done."""
        deadline = time.monotonic() + self.media_wait_seconds
        delay = self.media_poll_seconds
        while attachment.get("url") is None:
            if time.monotonic() + delay > deadline:
                raise ConnectorError(f"{LABEL} is still processing the media; trying again later.")
            time.sleep(delay)
            delay = min(delay * 2, 5.0)
            with self._call("Could not check media processing"):
                attachment = self.api.media(attachment["id"])
        return str(attachment["id"])

    def delete(self, remote_id: str) -> None:
        """Delete a status; one that is already gone counts as deleted."""
        try:
            with self._call("Could not delete"):
                self.api.status_delete(remote_id)
        except ConnectorError as exc:
            if exc.status != 404:
                raise

    def fetch_replies(self, remote_id: str) -> list[Reply]:
        """Replies to status ``remote_id`` (``GET /api/v1/statuses/:id/context``, descendants).

        Mastodon sends HTML; the text comes back plain, without the leading @mentions.
        """
        try:
            response = self.http.get(f"/api/v1/statuses/{remote_id}/context")
        except httpx.HTTPError as exc:
            raise error_from_exception(exc, False, network_label=LABEL) from exc
        if response.status_code >= 400:
            raise error_from_response(response, LABEL, "Could not read replies")
        try:
            descendants = response.json().get("descendants") or []
        except (ValueError, AttributeError) as exc:
            raise ConnectorError(f"Could not read replies ({LABEL}): unreadable answer") from exc
        return [_reply(status) for status in descendants if isinstance(status, dict)]

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
        own_id = self.account.remote_user_id or self._own_id()
        mentions: list[Reply] = []
        params: dict[str, Any] = {"types[]": ["mention"], "limit": MENTIONS_PAGE}
        for _page in range(MENTIONS_PAGES if since_id else 1):
            page = self._notifications(params, action)
            statuses = [n.status for n in page if n.type == "mention" and n.status]
            fresh = [status for status in statuses if _newer(status.id, since_id)]
            mentions.extend(_mention(status, own_id) for status in fresh)
            if len(page) < MENTIONS_PAGE or len(fresh) < len(statuses):
                break
            params["max_id"] = page[-1].id
        return mentions

    def _notifications(self, params: dict[str, Any], action: str) -> list[_Notification]:
        body = self._get_json("/api/v1/notifications", params, action)
        if not isinstance(body, list):
            raise ConnectorError(f"{action} ({LABEL}): unexpected answer (not a list)")
        try:
            notes = [_Notification.model_validate(item) for item in body]
        except ValidationError as exc:
            message = f"{action} ({LABEL}): unexpected answer ({exc.error_count()} problems)"
            raise ConnectorError(message) from exc
        return notes

    def _own_id(self) -> str:
        action = "Could not verify the access token"
        body = self._get_json("/api/v1/accounts/verify_credentials", {}, action)
        if not isinstance(body, dict) or not body.get("id"):
            raise ConnectorError(f"{action} ({LABEL}): unexpected answer")
        return str(body["id"])

    def verify_credentials(self) -> str:
        """``@user@instance`` for a working token; ``ConnectorError(auth=True)`` for a dead one."""
        with self._call("Could not verify the access token"):
            me = self.api.account_verify_credentials()
        return f"@{me['acct']}@{urlsplit(self.api.api_base_url or '').netloc}"

    def fetch_instance_limit(self) -> int:
        """The instance's own character limit (``configuration.statuses.max_characters``)."""
        with self._call("Could not read the instance settings"):
            instance = self.api.instance_v2()
        raw = self._raw()
        statuses = raw.get("configuration", {}).get("statuses", {}) if raw else {}
        if not statuses:
            statuses = instance.get("configuration", {}).get("statuses", {})
        return int(statuses.get("max_characters") or Mastodon.text_limit)

    def _get_json(self, path: str, params: dict[str, Any], action: str) -> Any:
        """A plain read over httpx: no post can come of it, so failures are never "unknown"."""
        try:
            response = self.http.get(path, params=params)
        except httpx.HTTPError as exc:
            raise error_from_exception(exc, False, network_label=LABEL) from exc
        if response.status_code >= 400:
            raise error_from_response(response, LABEL, action)
        try:
            return response.json()
        except ValueError as exc:
            raise ConnectorError(f"{action} ({LABEL}): unreadable answer") from exc

    def fetch_statuses(self, limit: int = 40) -> list[dict[str, Any]]:
        """The account's newest statuses (also those posted outside carecast), newest first."""
        path = f"/api/v1/accounts/{self.account.remote_user_id}/statuses"
        body = self._get_json(
            path, {"limit": limit, "exclude_reblogs": "true"}, "Could not read posts"
        )
        return [s for s in body if isinstance(s, dict)] if isinstance(body, list) else []

    def fetch_trending_tags(self, limit: int = 20) -> list[dict[str, Any]]:
        """``GET /api/v1/trends/tags``: the instance's trending hashtags with their daily uses."""
        body = self._get_json("/api/v1/trends/tags", {"limit": limit}, "Could not read trends")
        return [t for t in body if isinstance(t, dict)] if isinstance(body, list) else []


_MENTION = re.compile(r"^(\s*@[\w.@-]+)+\s*")


def _reply(status: dict[str, Any]) -> Reply:
    account = status.get("account") or {}
    return Reply(
        remote_id=str(status.get("id", "")),
        text=_MENTION.sub("", html_to_text(str(status.get("content") or ""))),
        author=str(account.get("acct") or account.get("username") or ""),
        author_id=str(account.get("id", "")),
        url=str(status.get("url") or status.get("uri") or ""),
        created_at=str(status.get("created_at") or ""),
    )


def _mention(status: _Status, own_id: str) -> Reply:
    to_us = bool(status.in_reply_to_id) and status.in_reply_to_account_id == own_id
    return Reply(
        remote_id=status.id,
        text=_MENTION.sub("", html_to_text(status.content)),
        author=status.account.acct or status.account.username,
        author_id=status.account.id,
        url=status.url or status.uri,
        created_at=status.created_at,
        kind="reply" if to_us else "mention",
        in_reply_to=status.in_reply_to_id or "",
    )


def _newer(status_id: str, since_id: str) -> bool:
    """Mastodon ids are numeric strings that grow with time: compare them as numbers."""
    if not since_id:
        return True
    try:
        return int(status_id) > int(since_id)
    except ValueError:  # not numeric (another server software): compare as Mastodon sorts
        return (len(status_id), status_id) > (len(since_id), since_id)


def html_to_text(content: str) -> str:
    """Mastodon's status HTML as plain text: paragraphs and line breaks kept, tags dropped."""
    content = re.sub(r"<br\s*/?>", "\n", content)
    content = re.sub(r"</p>\s*<p>", "\n\n", content)
    return html.unescape(re.sub(r"<[^>]+>", "", content)).strip()


class Mastodon(Network):
    name = "mastodon"
    label = "Mastodon"
    text_limit = 500
    max_image_bytes = 16 * 1024 * 1024
    connector_class = MastodonConnector
    preview_template = "web/previews/mastodon.html"

    def count_text(self, text: str, url_length: int = 23) -> int:
        return textcount.mastodon_length(text, url_length)

    def limit_for(self, config: dict[str, Any] | None = None) -> int:
        return super().limit_for(config)
