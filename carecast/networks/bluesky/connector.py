"""Bluesky's connector: the account's PDS through the atproto SDK.

Kept apart from the rules in ``rules.py`` because the SDK takes about a second to
import; the web process and a restarted worker only load it when a post goes out.
The connector talks to the account's PDS through the atproto SDK. Two things make it
safe to retry:

- Every post is created under a record key derived from ``PostRequest.key``
  (``record_key``), so a second create after an unknown outcome collides with the first
  instead of duplicating it; we then read the existing record back.
- Sessions are reused: ``createSession`` is limited to 30 per 5 minutes, so stored
  tokens are refreshed instead of logging in again, and new tokens are handed back
  through ``updated_credentials``.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import hashlib
import math
import re
from collections.abc import Callable
from typing import Any, TypeVar

import httpx
from atproto import Client, Session, SessionEvent
from atproto_client.exceptions import (
    BadRequestError,
    LoginRequiredError,
    RateLimitExceededError,
    RequestErrorBase,
    UnauthorizedError,
)
from atproto_client.request import Request
from atproto_core.exceptions import AtProtocolError
from atproto_core.uri import AtUri
from atproto_server.auth.jwt import get_jwt_payload
from atproto_server.exceptions import InvalidTokenError

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
from carecast.networks.bluesky.metrics import BlueskyMetrics
from carecast.networks.bluesky.rules import Bluesky

POST = "app.bsky.feed.post"
# Notification reasons that the inbox shows; likes, reposts and follows are not comments.
INBOX_REASONS = ("reply", "mention", "quote")
MENTIONS_PAGE = 50
DEFAULT_PDS = "https://bsky.social"
DEFAULT_WEB = "https://bsky.app"
MAX_TEXT_BYTES = 3_000
# app.bsky.embed.video: the lexicon's maxSize for the video blob (100 MB).
MAX_VIDEO_BYTES = 100_000_000
# Errors a PDS answers with when the session, not the request, is the problem.
AUTH_ERRORS = {
    "AuthMissing",
    "AuthRequired",
    "AuthenticationRequired",
    "ExpiredToken",
    "InvalidToken",
    "AccountTakedown",
    "AccountDeactivated",
}
# "Token has expired", "invalid_token", "The access token was revoked", "invalid_grant".
_DEAD_TOKEN = re.compile(
    r"(invalid|expired|revoked)[_ ]?(access[_ ]?)?(token|grant)"
    r"|\btoken\b[^.]{0,40}\b(invalid|expired|revoked)",
    re.IGNORECASE,
)
T = TypeVar("T")

_TID_ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"
_RKEY_EPOCH_US = 1_672_531_200_000_000  # 2023-01-01T00:00:00Z
_RKEY_SPAN_US = 1 << 44  # about 203 days


def record_key(key: str) -> str:
    """The record key of the post for ``key``: a TID computed from the key alone.

    ``app.bsky.feed.post`` only accepts TIDs as keys (13 base32-sortable characters:
    a zero bit, 53 bits of microseconds, 10 bits of clock id). Both parts come from
    SHA-256 of the key, so every attempt of one publication uses the same key. The
    timestamp is placed in 2023 on purpose: a hash spread over all 53 bits would land
    centuries ahead, and the network distrusts TIDs from the future. Bluesky shows
    ``createdAt``, not the key's time.
    """
    digest = int.from_bytes(hashlib.sha256(f"carecast-rkey:{key}".encode()).digest()[:8], "big")
    micros = _RKEY_EPOCH_US + (digest >> 10) % _RKEY_SPAN_US
    value = (micros << 10) | (digest & 0x3FF)
    return "".join(_TID_ALPHABET[(value >> shift) & 31] for shift in range(60, -1, -5))


def _seconds_left(token: str) -> float:
    """Seconds until a JWT expires; -inf when it is missing or unreadable."""
    try:
        exp = get_jwt_payload(token).exp if token else None
    except (AtProtocolError, ValueError):  # not a JWT, or claims the SDK cannot read
        return -math.inf
    if exp is None:
        return -math.inf
    return exp - dt.datetime.now(dt.UTC).timestamp()


def _retry_after(exc: RequestErrorBase) -> float | None:
    """What the server asked us to wait: ``Retry-After`` first, then ``ratelimit-reset``."""
    headers = exc.response.headers if exc.response is not None else {}
    value = headers.get("retry-after")
    if value:
        try:
            return max(float(value), 0.0)
        except ValueError:
            pass
        try:  # or an HTTP date
            when = email.utils.parsedate_to_datetime(value).replace(tzinfo=dt.UTC)
            return max((when - dt.datetime.now(dt.UTC)).total_seconds(), 0.0)
        except (TypeError, ValueError):
            pass
    reset = headers.get("ratelimit-reset")
    if reset and reset.isdigit():
        return max(int(reset) - dt.datetime.now(dt.UTC).timestamp(), 0.0)
    return None


def _error_name(exc: RequestErrorBase) -> tuple[str, str]:
    content = exc.response.content if exc.response is not None else None
    name = getattr(content, "error", None) or ""
    message = getattr(content, "message", None) or ""
    return name, message


def to_connector_error(exc: Exception, *, write: bool) -> ConnectorError:
    """Translate an SDK or transport failure. ``write``: the request could have created something."""
    if isinstance(exc, LoginRequiredError | InvalidTokenError):
        return ConnectorError(f"Bluesky session unusable: {exc}", auth=True)
    if isinstance(exc, httpx.HTTPError):
        return _transport_error(exc, write=write)
    if not isinstance(exc, RequestErrorBase):  # e.g. an answer the SDK's models do not fit
        return ConnectorError(f"Bluesky: unexpected answer ({exc!r})", outcome_unknown=write)
    if exc.response is None:
        return _transport_error(exc.__cause__ or exc, write=write)
    status = exc.response.status_code
    name, message = _error_name(exc)
    text = f"Bluesky: {name}: {message}" if message else f"Bluesky: {name or status}"
    if isinstance(exc, UnauthorizedError) or name in AUTH_ERRORS:
        return ConnectorError(text, auth=True, status=status)
    if status in (400, 403) and _DEAD_TOKEN.search(f"{name} {message}"):
        # A PDS or proxy answering a dead session with 400/403 instead of 401.
        return ConnectorError(text, auth=True, status=status)
    if isinstance(exc, RateLimitExceededError):
        return ConnectorError(text, retry_after=_retry_after(exc), status=status)
    if isinstance(exc, BadRequestError) or 400 <= status < 500 or status == 501:
        return ConnectorError(text, permanent=True, status=status)
    return ConnectorError(text, retry_after=_retry_after(exc), outcome_unknown=write, status=status)


def _transport_error(exc: BaseException, *, write: bool) -> ConnectorError:
    # A refused or timed-out connection never carried our request; anything later might have.
    sent = not isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout)
    reason = type(exc).__name__ + (f": {exc}" if str(exc) else "")
    return ConnectorError(f"Bluesky unreachable ({reason})", outcome_unknown=write and sent)


class BlueskyConnector(BlueskyMetrics, Connector):
    """Client of an atproto PDS through the atproto SDK.

    ``account.credentials``: ``identifier`` (defaults to the handle) and ``password`` (an
    app password), and/or ``access_jwt``/``refresh_jwt`` from an earlier session.
    ``account.config``: ``web_url`` for post links, ``timeout`` in seconds.
    """

    idempotent = True
    can_look_up = True
    supports_inbox = True

    def __init__(self, account: Account) -> None:
        super().__init__(account)
        self._base_url = (account.base_url or DEFAULT_PDS).rstrip("/")
        self._timeout = float(account.config.get("timeout", 30))
        self._client: Client | None = None
        self._auth_client: Client | None = None
        self._session: Session | None = None
        self._handles: dict[str, str | None] = {}

    # -- the contract ---------------------------------------------------------------------

    def publish(self, post: PostRequest) -> PostResult:
        """Create the post under its record key; if that key is taken by it already, return it.

        With ``post.reply_to`` (an at:// URI) the record carries ``reply.parent`` (that
        post) and ``reply.root`` (its thread's first post), each as ``{uri, cid}``.
        """
        self._refuse_what_bluesky_refuses(post)
        rkey = record_key(post.key)
        reply = self._reply_ref(post.reply_to) if post.reply_to else None
        images = [self._upload(item) for item in post.media]
        record = self._record(post, images)
        if reply:
            record["reply"] = reply
        try:
            created = self._call(
                lambda c: c.com.atproto.repo.create_record(
                    {"repo": self._did(), "collection": POST, "rkey": rkey, "record": record}
                ),
                write=True,
            )
        except ConnectorError as error:
            if error.auth:
                raise
            # A taken record key is answered with a 500 by the reference PDS (and 400/409
            # elsewhere): whatever the failure, look before reporting it.
            return self._existing_or_raise(post, rkey, error)
        return self._result(created.uri, rkey, {"uri": created.uri, "cid": created.cid})

    def delete(self, remote_id: str) -> None:
        """Delete one of this account's posts by its at:// URI. Deleting a gone post succeeds."""
        uri = AtUri.from_str(remote_id)
        if uri.hostname != self._did():
            raise ConnectorError(f"{remote_id} belongs to another account.", permanent=True)
        self._call(
            lambda c: c.com.atproto.repo.delete_record(
                {"repo": uri.hostname, "collection": uri.collection, "rkey": uri.rkey}
            ),
            write=True,
        )

    def find_existing(self, post: PostRequest) -> PostResult | None:
        """The post created for ``post.key``, if any; reading the record key is exact."""
        rkey = record_key(post.key)
        try:
            found = self._get_post(rkey)
        except ConnectorError as error:
            raise CannotVerify(
                error.message, auth=error.auth, retry_after=error.retry_after, status=error.status
            ) from error
        if found is None:
            return None
        if _field(found.value, "text") != post.text:
            raise CannotVerify(_taken(rkey, found.uri), permanent=True)
        return self._result(found.uri, rkey, {"uri": found.uri, "cid": found.cid})

    def fetch_trending_topics(self, limit: int = 20) -> list[str]:
        """``app.bsky.unspecced.getTrendingTopics`` (AppView, through the PDS): topic names.

        Only Bluesky's AppView knows trends; a PDS without one answers with an error,
        which the caller treats as "not available here".
        """
        got = self._call(lambda c: c.app.bsky.unspecced.get_trending_topics({"limit": limit}))
        return [str(t.topic) for t in list(got.topics or []) + list(got.suggested or [])]

    def fetch_replies(self, remote_id: str) -> list[Reply]:
        """Replies (at any depth) to our post ``remote_id`` via ``app.bsky.feed.getPostThread``."""
        got = self._call(lambda c: c.app.bsky.feed.get_post_thread({"uri": remote_id, "depth": 10}))
        web = str(self.account.config.get("web_url", DEFAULT_WEB)).rstrip("/")
        replies: list[Reply] = []
        pending = list(getattr(got.thread, "replies", None) or [])
        while pending:
            node = pending.pop(0)
            post = getattr(node, "post", None)
            if post is None:  # a deleted or blocked reply
                continue
            rkey = AtUri.from_str(post.uri).rkey
            replies.append(
                Reply(
                    remote_id=post.uri,
                    text=str(_field(post.record, "text") or ""),
                    author=post.author.handle,
                    author_id=post.author.did,
                    url=f"{web}/profile/{post.author.handle}/post/{rkey}",
                    created_at=str(post.indexed_at or ""),
                )
            )
            pending.extend(getattr(node, "replies", None) or [])
        return replies

    def fetch_mentions(self, since_id: str = "") -> list[Reply]:
        """Replies, mentions and quotes of the account, newest first, from its notifications.

        ``app.bsky.notification.listNotifications`` (the AppView, through the PDS) with
        ``reasons`` reply/mention/quote. Bluesky has no ``since_id``: ``since_id`` is ignored
        and the newest page comes back; the caller drops what it has by ``remote_id``.
        A reply's ``in_reply_to`` is its parent post; a quote's is the quoted post.
        """
        params = {"limit": MENTIONS_PAGE, "reasons": list(INBOX_REASONS)}
        got = self._call(lambda c: c.app.bsky.notification.list_notifications(params))
        web = str(self.account.config.get("web_url", DEFAULT_WEB)).rstrip("/")
        # The AppView lists newest first; a PDS or AppView ignoring ``reasons`` sends likes too.
        return [_mention(item, web) for item in got.notifications if item.reason in INBOX_REASONS]

    def verify_credentials(self) -> str:
        """Log in (or reuse the stored session) and return the account's handle."""
        return self._call(lambda c: c.com.atproto.server.get_session()).handle

    # -- posts ----------------------------------------------------------------------------

    def _refuse_what_bluesky_refuses(self, post: PostRequest) -> None:
        rules = Bluesky()
        if rules.count_text(post.text) > rules.text_limit:
            raise ConnectorError(
                f"Text has {rules.count_text(post.text)} graphemes; Bluesky allows "
                f"{rules.text_limit}.",
                permanent=True,
            )
        if len(post.text.encode()) > MAX_TEXT_BYTES:
            raise ConnectorError(f"Text exceeds {MAX_TEXT_BYTES} UTF-8 bytes.", permanent=True)
        videos = [m for m in post.media if m.mime_type.startswith("video/")]
        if videos and len(post.media) > 1:
            raise ConnectorError("Bluesky takes one video, without images.", permanent=True)
        if videos:
            size = videos[0].path.stat().st_size
            if size > MAX_VIDEO_BYTES:
                raise ConnectorError(
                    f"{videos[0].path.name} has {size:,} bytes; Bluesky takes videos of at "
                    f"most {MAX_VIDEO_BYTES:,}.",
                    permanent=True,
                )
            return
        if len(post.media) > rules.max_images:
            raise ConnectorError(f"At most {rules.max_images} images.", permanent=True)
        for item in post.media:
            size = item.path.stat().st_size
            if size > rules.max_image_bytes:
                raise ConnectorError(
                    f"{item.path.name} has {size:,} bytes; Bluesky takes at most "
                    f"{rules.max_image_bytes:,} per image.",
                    permanent=True,
                )

    def _reply_ref(self, uri: str) -> dict[str, Any]:
        """``{root, parent}`` for a reply to ``uri``: the parent is read for its cid and root."""
        try:
            parent = AtUri.from_str(uri)
        except (AtProtocolError, ValueError) as exc:
            raise ConnectorError(f"Not a Bluesky post: {uri!r}", permanent=True) from exc
        if parent.collection != POST or not parent.rkey:
            raise ConnectorError(f"Not a Bluesky post: {uri!r}", permanent=True)
        got = self._call(
            lambda c: c.com.atproto.repo.get_record(
                {"repo": parent.hostname, "collection": POST, "rkey": parent.rkey}
            )
        )
        ref = {"uri": got.uri, "cid": got.cid}
        root = _field(_field(got.value, "reply"), "root")
        root_uri, root_cid = _field(root, "uri"), _field(root, "cid")
        return {"root": {"uri": root_uri, "cid": root_cid} if root_uri else ref, "parent": ref}

    def _blob(self, data: bytes, mime_type: str) -> dict[str, Any]:
        blob = self._call(
            lambda c: c.com.atproto.repo.upload_blob(data, headers={"Content-Type": mime_type})
        ).blob
        return blob.model_dump(mode="json", by_alias=True)

    def _video(self, item: MediaFile) -> dict[str, Any]:
        """``app.bsky.embed.video`` with the clip uploaded to the PDS as a blob (the simple
        method of https://docs.bsky.app/docs/tutorials/video; Bluesky's video service
        processes it once the post is out), its alt text, aspect ratio and WebVTT captions."""
        embed: dict[str, Any] = {
            "$type": "app.bsky.embed.video",
            "video": self._blob(item.path.read_bytes(), item.mime_type),
        }
        if item.alt_text:
            embed["alt"] = item.alt_text
        probe = item.probe or {}
        if probe.get("width") and probe.get("height"):
            embed["aspectRatio"] = {"width": int(probe["width"]), "height": int(probe["height"])}
        if item.captions is not None and item.captions.exists():
            captions = self._blob(item.captions.read_bytes(), "text/vtt")
            embed["captions"] = [{"lang": "de", "file": captions}]
        return embed

    def _upload(self, item: MediaFile) -> dict[str, Any]:
        if item.mime_type.startswith("video/"):
            return self._video(item)
        data = item.path.read_bytes()
        blob = self._call(
            lambda c: c.com.atproto.repo.upload_blob(data, headers={"Content-Type": item.mime_type})
        ).blob
        image: dict[str, Any] = {
            "$type": "app.bsky.embed.images#image",
            "image": blob.model_dump(mode="json", by_alias=True),
            "alt": item.alt_text,
        }
        ratio = _aspect_ratio(item)
        if ratio:
            image["aspectRatio"] = ratio
        return image

    def _record(self, post: PostRequest, images: list[dict[str, Any]]) -> dict[str, Any]:
        now = dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        record: dict[str, Any] = {"$type": POST, "text": post.text, "createdAt": now}
        if post.language:
            record["langs"] = [post.language]
        facets = Bluesky().facets(post.text, self._resolve_handle)
        if facets:
            record["facets"] = facets
        if images and images[0].get("$type") == "app.bsky.embed.video":
            record["embed"] = images[0]
        elif images:
            record["embed"] = {"$type": "app.bsky.embed.images", "images": images}
        return record

    def _resolve_handle(self, handle: str) -> str | None:
        """The DID behind ``handle``, or None if nobody has it (the mention stays plain text)."""
        if handle not in self._handles:
            try:
                did = self._call(
                    lambda c: c.com.atproto.identity.resolve_handle({"handle": handle})
                ).did
            except ConnectorError as error:
                if not error.permanent or error.auth:
                    raise
                did = None
            self._handles[handle] = did
        return self._handles[handle]

    def _get_post(self, rkey: str) -> Any | None:
        try:
            return self._call(
                lambda c: c.com.atproto.repo.get_record(
                    {"repo": self._did(), "collection": POST, "rkey": rkey}
                )
            )
        except ConnectorError as error:
            if error.status == 400 and "RecordNotFound" in error.message:
                return None
            raise

    def _existing_or_raise(self, post: PostRequest, rkey: str, error: ConnectorError) -> PostResult:
        """After a failed create, the record under our key decides what happened.

        If it cannot be read back (429/5xx/timeout), the post may well exist ("Record
        already exists"): that is not the create's permanent error but an unknown outcome,
        retried later with a fresh look-up.
        """
        try:
            found = self._get_post(rkey)
        except ConnectorError as lookup:
            if lookup.auth or not (error.permanent or error.outcome_unknown):
                raise (lookup if lookup.auth else error) from None
            raise ConnectorError(
                f"{error.message} — and the record could not be read back ({lookup.message}); "
                "looking again later.",
                retry_after=lookup.retry_after,
                outcome_unknown=True,
                status=lookup.status,
            ) from lookup
        if found is None:
            raise error
        if _field(found.value, "text") != post.text:
            raise ConnectorError(_taken(rkey, found.uri), permanent=True)
        return self._result(found.uri, rkey, {"uri": found.uri, "cid": found.cid, "existing": True})

    def _result(self, uri: str, rkey: str, raw: dict[str, Any]) -> PostResult:
        web = str(self.account.config.get("web_url", DEFAULT_WEB)).rstrip("/")
        handle = (self._session.handle if self._session else "") or self.account.handle
        return PostResult(remote_id=uri, url=f"{web}/profile/{handle}/post/{rkey}", raw=raw)

    # -- sessions -------------------------------------------------------------------------

    def _call(self, request: Callable[[Client], T], *, write: bool = False) -> T:
        """Run one XRPC request; when the session is refused, renew it once and try again."""
        for attempt in (1, 2):
            client = self._connect()
            try:
                return request(client)
            except ConnectorError:
                raise
            except Exception as exc:  # whatever the SDK raises (models, JSON) is ours to map
                error = to_connector_error(exc, write=write)
                if not error.auth or attempt == 2:
                    raise error from exc
            self._renew(error)
        raise AssertionError("unreachable")

    def _did(self) -> str:
        self._connect()
        assert self._session is not None
        return self._session.did

    def _connect(self) -> Client:
        if self._client is None:
            client = Client(base_url=self._base_url, request=Request(timeout=self._timeout))
            client.on_session_change(self._on_sdk_refresh)
            self._client = client
        if self._session is None:
            self._open_session()
        return self._client

    def _open_session(self) -> None:
        """Stored access token if fresh, else the stored refresh token, else the app password."""
        creds = self.account.credentials
        access, refresh = creds.get("access_jwt", ""), creds.get("refresh_jwt", "")
        if _seconds_left(access) > 60:
            did = get_jwt_payload(access).sub or self.account.remote_user_id
            self._install(access, refresh, did, self.account.handle, remember=False)
        else:
            self._refresh_or_login(refresh, "No usable Bluesky session", None)

    def _renew(self, error: ConnectorError) -> None:
        """The PDS refused our session: refresh it, or log in again; else give up (auth)."""
        refresh = self._session.refresh_jwt if self._session else ""
        self._session = None
        self._refresh_or_login(refresh, error.message, error.status)

    def _refresh_or_login(self, refresh: str, reason: str, status: int | None) -> None:
        if _seconds_left(refresh) > 0:
            try:
                self._refresh(refresh)
                return
            except ConnectorError as refused:
                if not refused.auth:
                    raise
                reason, status = refused.message, refused.status
        if not self.account.credentials.get("password"):
            raise ConnectorError(
                f"{reason} — the session cannot be renewed and no app password is stored; "
                "please reconnect the channel.",
                auth=True,
                status=status,
            )
        self._login()

    def _refresh(self, refresh_jwt: str) -> None:
        try:
            got = self._sessionless().com.atproto.server.refresh_session(
                headers={"Authorization": f"Bearer {refresh_jwt}"}
            )
        except (AtProtocolError, httpx.HTTPError) as exc:
            raise to_connector_error(exc, write=False) from exc
        # Never trade a stored refresh token for an empty one.
        self._install(got.access_jwt, got.refresh_jwt or refresh_jwt, got.did, got.handle)

    def _login(self) -> None:
        """createSession with the app password: rate-limited (30 per 5 min), so the last resort."""
        creds = self.account.credentials
        identifier = creds.get("identifier") or self.account.handle
        try:
            got = self._sessionless().com.atproto.server.create_session(
                {"identifier": identifier, "password": creds.get("password", "")}
            )
        except (AtProtocolError, httpx.HTTPError) as exc:
            raise to_connector_error(exc, write=False) from exc
        self._install(got.access_jwt, got.refresh_jwt, got.did, got.handle)

    def _sessionless(self) -> Client:
        # Session calls go through a client without a session: the main client would try
        # to refresh its old session before sending them.
        if self._auth_client is None:
            self._auth_client = Client(
                base_url=self._base_url, request=Request(timeout=self._timeout)
            )
        return self._auth_client

    def _install(self, access: str, refresh: str, did: str, handle: str, remember=True) -> None:
        session = Session(
            handle=handle,
            did=did,
            access_jwt=access,
            refresh_jwt=refresh,
            pds_endpoint=self._base_url,
        )
        assert self._client is not None
        self._client.login(session_string=session.export(), fetch_bsky_profile=False)
        self._session = session
        if remember:
            self._remember(access, refresh)

    def _on_sdk_refresh(self, event: SessionEvent, session: Session) -> None:
        """The SDK refreshes on its own shortly before the access token expires."""
        if event == SessionEvent.REFRESH:
            refresh = session.refresh_jwt or (self._session.refresh_jwt if self._session else "")
            self._session = session
            self._remember(session.access_jwt, refresh)

    def _remember(self, access: str, refresh: str) -> None:
        tokens = {"access_jwt": access}
        if refresh:
            tokens["refresh_jwt"] = refresh
        self.updated_credentials = {**(self.updated_credentials or {}), **tokens}


def _taken(rkey: str, uri: str) -> str:
    # Another carecast database (a demo, a restored backup) posting to the same account
    # can reuse a publication id: never adopt someone else's post as ours.
    return (
        f"Record key {rkey} already holds a different post ({uri}); not posting again. "
        "Please check the channel."
    )


# "@klinikum.bsky.social wann …": the names in front address us; they are not the question.
_LEADING_MENTIONS = re.compile(r"^(\s*@[\w.-]+)+\s*")


def _mention(item: Any, web: str) -> Reply:
    """One notification as a ``Reply`` (text without the leading @names, as on Mastodon and X);
    ``indexedAt`` is when the AppView saw it."""
    record = item.record
    rkey = AtUri.from_str(item.uri).rkey
    if item.reason == "reply":
        parent = _field(_field(record, "reply"), "parent")
        in_reply_to = str(_field(parent, "uri") or item.reason_subject or "")
    else:
        in_reply_to = str(item.reason_subject or "") if item.reason == "quote" else ""
    return Reply(
        remote_id=item.uri,
        text=_LEADING_MENTIONS.sub("", str(_field(record, "text") or "")),
        author=item.author.handle,
        author_id=item.author.did,
        url=f"{web}/profile/{item.author.handle}/post/{rkey}",
        created_at=str(item.indexed_at or ""),
        kind="reply" if item.reason == "reply" else "mention",
        in_reply_to=in_reply_to,
    )


def _field(value: Any, name: str) -> Any:
    return value.get(name) if isinstance(value, dict) else getattr(value, name, None)


def _aspect_ratio(item: MediaFile) -> dict[str, int] | None:
    """Width and height, so the app can lay the image out before loading it."""
    try:
        from PIL import Image

        with Image.open(item.path) as image:
            width, height = image.size
    except Exception:  # not an image Pillow knows: Bluesky copes without the ratio
        return None
    return {"width": width, "height": height}
