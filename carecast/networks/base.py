"""The two halves of every network: its rules (pure) and its connector (the client).

Rules say how a network counts text, what it allows and how a draft must change
to fit. Connectors take plain data in (an ``Account`` and a ``PostRequest``) and
return plain results (``PostResult``) or raise ``ConnectorError``; they never
touch carecast's database. The publishing app turns these into state changes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    import httpx


class ConnectorError(Exception):
    """A network call failed.

    ``permanent``: retrying will not help (validation error, 4xx) — fail with the
    network's own message. ``auth``: the token was revoked or expired — pause the
    channel. ``retry_after``: seconds the network asked us to wait (429/503).
    ``outcome_unknown``: the request may have reached the network (timeout after
    sending, connection reset) — the post might exist.
    """

    def __init__(
        self,
        message: str,
        *,
        permanent: bool = False,
        auth: bool = False,
        retry_after: float | None = None,
        outcome_unknown: bool = False,
        status: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.permanent = permanent or auth
        self.auth = auth
        self.retry_after = retry_after
        self.outcome_unknown = outcome_unknown
        self.status = status

    def __str__(self) -> str:
        return self.message


class CannotVerify(ConnectorError):
    """We could not find out whether an earlier attempt created the post."""


@dataclass(frozen=True)
class MediaFile:
    path: Path
    mime_type: str
    alt_text: str = ""
    # Videos only (``carecast.media``): what ffprobe read (see ``media.probe``), a WebVTT
    # caption file where the network takes one, and a JPEG poster frame.
    probe: dict[str, Any] | None = field(default=None, compare=False)
    captions: Path | None = None
    poster: Path | None = None


@dataclass(frozen=True)
class PostRequest:
    """One post to create. ``key`` is stable per publication: the idempotency anchor.

    ``reply_to``: the remote id of the post or comment being answered (Mastodon status id,
    Bluesky ``at://`` URI, X tweet id); empty for a new post. A reply is published with the
    same idempotency guarantees as a post (Mastodon Idempotency-Key, Bluesky record key
    derived from ``key``, X look-before-resend via ``find_existing``).
    """

    key: str
    text: str
    media: tuple[MediaFile, ...] = ()
    link: str = ""
    language: str = "de"
    reply_to: str = ""
    # An earlier attempt may have created this post (its outcome is unknown): a network's
    # "duplicate" answer then means our own post is there, to be looked up, not a failure.
    maybe_sent: bool = False
    # When the earliest attempt that may have created it started: how far back a look-up
    # must read to be sure the post is absent (a burst can bury it under many newer posts).
    sent_since: datetime | None = None
    # Per-network choices made in the composer (TikTok's privacy level and toggles, YouTube's
    # title, privacy status and "made for kids"); the network's rules say which it needs.
    options: Mapping[str, Any] = field(default_factory=dict, compare=False)
    # What an earlier attempt left of a multi-step upload (a YouTube session address, a TikTok
    # publish_id): a connector resumes from it instead of creating a second video.
    progress: Mapping[str, Any] = field(default_factory=dict, compare=False)
    # Stores new ``progress`` durably; a connector calls it *before* the request that could
    # create the post, so a killed worker's successor finds it. ``None``: nowhere to keep it.
    save_progress: Callable[[dict[str, Any]], None] | None = field(
        default=None, compare=False, repr=False
    )

    def remember(self, progress: dict[str, Any]) -> None:
        """Keep ``progress`` for a later attempt (see ``save_progress``)."""
        if self.save_progress is not None:
            self.save_progress(progress)

    @property
    def fingerprint(self) -> str:
        """A short hash of the text, used to recognise our own post among recent ones."""
        return hashlib.sha256(" ".join(self.text.split()).encode()).hexdigest()[:16]


@dataclass(frozen=True)
class PostResult:
    remote_id: str
    url: str = ""
    raw: dict[str, Any] = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class Reply:
    """A comment on one of our posts or a mention of the account, as plain text.

    Read for live consultation questions (``fetch_replies``) and for the inbox
    (``fetch_mentions``). ``kind`` is ``"reply"`` (answers one of the account's posts) or
    ``"mention"`` (names the account elsewhere); ``in_reply_to`` is the remote id of the
    post it answers, in the form ``PostRequest.reply_to`` takes, or empty.
    ``created_at`` is ISO 8601 as the network sent it.
    """

    remote_id: str
    text: str
    author: str  # the handle, as the network shows it
    author_id: str  # to recognise the channel's own replies
    url: str = ""  # where a moderator can open it
    created_at: str = ""
    kind: str = "reply"  # "reply" | "mention"
    in_reply_to: str = ""


@dataclass(frozen=True)
class Account:
    """What a connector needs to act for one channel. ``credentials`` are decrypted."""

    base_url: str
    handle: str = ""
    remote_user_id: str = ""
    credentials: dict[str, str] = field(default_factory=dict)
    config: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Problem:
    """Something in a draft that does not fit a network. Messages are translatable strings."""

    code: str
    message: str
    span: tuple[int, int] | None = None
    blocking: bool = True


class Connector:
    """Client of one network's API for one account.

    ``idempotent`` connectors can be asked to publish the same ``PostRequest.key``
    again after an unknown outcome and the network will not duplicate it (Mastodon's
    Idempotency-Key, Bluesky's record key). Others must implement ``find_existing``.
    """

    idempotent: ClassVar[bool] = False
    # True when ``find_existing`` can look a post up among the account's recent posts. The
    # caller then looks before any resend after an unknown outcome, idempotent or not: not
    # every server honours an idempotency key (some Mastodon-API servers ignore it).
    can_look_up: ClassVar[bool] = False
    # True when ``fetch_mentions`` is implemented and ``publish`` honours ``reply_to``.
    supports_inbox: ClassVar[bool] = False
    # True when ``hide_reply`` can hide someone else's comment under the account's post.
    supports_hide: ClassVar[bool] = False
    # True when ``fetch_mentions`` brings direct messages (``Reply.kind == "direct"``) and
    # ``send_direct`` answers them privately.
    supports_direct: ClassVar[bool] = False
    # How long after the person's last message ``send_direct`` may answer (Meta: 24 hours);
    # None when the network sets no such window.
    direct_window: ClassVar[timedelta | None] = None

    def __init__(self, account: Account) -> None:
        self.account = account
        # The account's id on the network; ``verify_credentials`` fills it in when missing.
        self.remote_user_id = account.remote_user_id
        # Set by a connector that refreshed its token; the caller stores it (encrypted).
        # Never contains an empty refresh token: a refresh keeps the old one if none came back.
        self.updated_credentials: dict[str, str] | None = None

    def publish(self, post: PostRequest) -> PostResult:
        raise NotImplementedError

    def delete(self, remote_id: str) -> None:
        raise NotImplementedError

    def find_existing(self, post: PostRequest) -> PostResult | None:
        """Look for ``post`` among the account's recent posts.

        Returns the post if found, ``None`` if it is certainly absent, and raises
        ``CannotVerify`` if the recent posts cannot be read.
        """
        raise CannotVerify("This network offers no way to check for an earlier post.")

    def fetch_mentions(self, since_id: str = "") -> list[Reply]:
        """Comments on the account's posts and mentions of the account, newest first.

        Only items newer than ``since_id`` (a ``Reply.remote_id`` from an earlier call)
        where the network can filter; networks that cannot (Bluesky) return their newest
        page and the caller dedupes by ``remote_id``. Errors are ``ConnectorError``s
        mapped like ``publish``'s (auth, 429 with ``retry_after``, 5xx, timeouts), and an
        unreadable answer is a ``ConnectorError`` too.
        """
        raise NotImplementedError

    def fetch_direct_messages(self) -> list[Reply]:
        """Direct messages read apart from ``fetch_mentions`` (X), newest first; networks
        whose messages arrive with the mentions (Mastodon's ``direct`` statuses) return []."""
        return []

    def send_direct(self, post: PostRequest, recipient_id: str) -> PostResult:
        """Answer a direct message privately: ``post.reply_to`` is the message, ``recipient_id``
        its author. Same idempotency as ``publish``; never falls back to a public post."""
        raise ConnectorError("This network offers no private messages.", permanent=True)

    def hide_reply(self, remote_id: str) -> None:
        """Hide a comment under one of the account's posts (it stays reachable behind a
        "hidden replies" link, as the network shows it). Hiding twice is fine."""
        raise ConnectorError("This network offers no way to hide a comment.")

    def verify_credentials(self) -> str:
        """Return the account's display handle, or raise ConnectorError(auth=True)."""
        raise NotImplementedError

    def close(self) -> None:
        """Release connections; a connector may be reused for many posts until then."""


class HTTPConnector(Connector):
    """A connector speaking to ``account.base_url`` through one client, opened on first use."""

    def __init__(self, account: Account, *, timeout: float | None = None) -> None:
        super().__init__(account)
        self.timeout = timeout
        self._client: httpx.Client | None = None

    def client_headers(self) -> dict[str, str]:
        """Headers every request of this connector carries (an API version, say)."""
        return {}

    @property
    def client(self) -> httpx.Client:
        if self._client is None:
            from carecast.lib.http import make_client  # lib.http imports this module

            base = self.account.base_url.rstrip("/")
            headers = self.client_headers() or None
            self._client = make_client(base, headers=headers, timeout=self.timeout)
        return self._client

    def close(self) -> None:
        if self._client is not None:
            self._client.close()


class Network:
    """Rules of one network. Subclasses set the class attributes and override counting."""

    name: ClassVar[str]
    label: ClassVar[str]
    text_limit: ClassVar[int]
    max_images: ClassVar[int] = 4
    max_image_bytes: ClassVar[int] = 5_000_000
    alt_text_limit: ClassVar[int] = 1_500
    image_types: ClassVar[tuple[str, ...]] = ("image/jpeg", "image/png", "image/gif", "image/webp")
    # The class, or "module:Class" for a connector whose SDK is slow to import.
    connector_class: ClassVar[type[Connector] | str | None] = None
    # The network's folder holds its preview: <name>/templates/networks/<name>/preview.html.
    preview_template: ClassVar[str] = "networks/previews/generic.html"

    def count_text(self, text: str) -> int:
        return len(text)

    def limit_for(self, config: dict[str, Any] | None = None) -> int:
        """The text limit for one account; instances may publish their own."""
        if config and config.get("max_characters"):
            return int(config["max_characters"])
        return self.text_limit

    def check(
        self, text: str, media: list[MediaFile], config: dict[str, Any] | None = None
    ) -> list[Problem]:
        """What keeps this draft from being published on this network."""
        from django.utils.translation import (
            gettext as _,  # lazy: rules stay importable without Django set up
        )

        problems: list[Problem] = []
        limit = self.limit_for(config)
        used = self.count_text(text)
        if not text.strip() and not media:
            problems.append(Problem("empty", _("The post is empty.")))
        if used > limit:
            problems.append(
                Problem(
                    "too_long",
                    _("%(used)d of %(limit)d characters — shorten by %(over)d.")
                    % {"used": used, "limit": limit, "over": used - limit},
                )
            )
        if len(media) > self.max_images:
            problems.append(
                Problem("too_many_media", _("At most %(n)d images.") % {"n": self.max_images})
            )
        for item in media:
            if item.mime_type.startswith("video/"):
                problems.extend(self.check_video(item, config))
            else:
                problems.extend(self._check_media(item))
        return problems

    def video_limits_key(self, item: MediaFile) -> str:
        """The row of ``carecast.media.video_limits.LIMITS`` a video is held to (YouTube
        may answer ``youtube_shorts`` for a vertical clip)."""
        return self.name

    def check_video(self, item: MediaFile, config: dict[str, Any] | None = None) -> list[Problem]:
        """A video against this network's limits (with what its server publishes live)."""
        from django.utils.translation import gettext as _

        from carecast.media import probe as probing
        from carecast.media import video_limits

        key = self.video_limits_key(item)
        if key not in video_limits.LIMITS:
            return [
                Problem("video_type", _("%(network)s takes no video.") % {"network": self.label})
            ]
        found = item.probe
        if not found:
            try:
                found = probing.probe(item.path)
            except (probing.Unreadable, OSError):
                return [Problem("video_unreadable", _("The video file cannot be read."))]
        limits = video_limits.live(video_limits.LIMITS[key], config)
        return [Problem(f"video_{v.code}", v.message) for v in video_limits.check(found, limits)]

    def check_options(
        self, options: Mapping[str, Any], config: dict[str, Any] | None = None
    ) -> list[Problem]:
        """What is missing or wrong among the per-network choices (``PostRequest.options``)."""
        return []

    def _check_media(self, item: MediaFile) -> list[Problem]:
        from django.utils.translation import gettext as _

        problems: list[Problem] = []
        if item.mime_type not in self.image_types:
            problems.append(
                Problem(
                    "media_type", _("%(type)s is not accepted here.") % {"type": item.mime_type}
                )
            )
        if item.path.exists() and item.path.stat().st_size > self.max_image_bytes:
            problems.append(
                Problem(
                    "media_size",
                    _("Image is larger than %(mb).1f MB.") % {"mb": self.max_image_bytes / 1e6},
                )
            )
        if not item.alt_text.strip():
            problems.append(Problem("alt_missing", _("Image has no alt text."), blocking=False))
        elif len(item.alt_text) > self.alt_text_limit:
            problems.append(
                Problem(
                    "alt_too_long",
                    _("Alt text longer than %(n)d characters.") % {"n": self.alt_text_limit},
                )
            )
        return problems

    def connector(self, account: Account) -> Connector:
        return self.connector_type()(account)

    def connector_type(self) -> type[Connector]:
        if self.connector_class is None:
            raise ConnectorError(f"{self.label} cannot publish yet.", permanent=True)
        if isinstance(self.connector_class, str):
            import importlib

            module, _, name = self.connector_class.partition(":")
            return getattr(importlib.import_module(module), name)
        return self.connector_class
