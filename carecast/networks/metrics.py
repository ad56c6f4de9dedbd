"""Reading a post's numbers back from a network: plain data in, plain data out.

A connector that can offers ``MetricsReader``'s three calls. Every count is ``None`` when the
network did not report it (not offered, not permitted for this token): carecast shows it as
missing, never as zero. Errors are ``ConnectorError``s as for publishing — a 429 carries
``retry_after`` so the sync waits for the network's rate-limit window instead of hammering.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

# The counts a snapshot holds, in this order everywhere.
COUNTS = ("views", "likes", "comments", "shares", "saves", "link_clicks")


@dataclass(frozen=True)
class PostMetrics:
    """One post's counts as the network reported them right now; ``gone``: deleted there."""

    remote_id: str
    views: int | None = None
    likes: int | None = None
    comments: int | None = None
    shares: int | None = None
    saves: int | None = None
    link_clicks: int | None = None
    gone: bool = False

    def counts(self) -> dict[str, int | None]:
        return {name: getattr(self, name) for name in COUNTS}


@dataclass(frozen=True)
class RemotePost:
    """A post of the account as the network lists it (also those made outside carecast)."""

    remote_id: str
    created_at: str  # ISO 8601 as the network sent it
    url: str = ""
    text: str = ""
    format: str = "text"  # "text" | "image" | "video"
    thumbnail_url: str = ""
    metrics: PostMetrics | None = None


@dataclass(frozen=True)
class RecentPage:
    """One page of the account's own posts, newest first, as the network lists them.

    ``cursor`` asks the same endpoint for the next (older) page; None: this was the last.
    ``metrics`` of a post stay None where the list does not carry the counts — the sync then
    reads them with ``fetch_metrics`` like any other post.
    """

    posts: list[RemotePost]
    cursor: str | None = None


def count(value: Any) -> int | None:
    """A count from an API answer: a non-negative int, else missing (never a guessed 0)."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        number = int(value)
    except ValueError:
        return None
    return number if number >= 0 else None


class MetricsReader:
    """What a connector offers for analytics. Mixed into connectors that can read numbers.

    ``metrics_batch``: how many post ids one ``fetch_metrics`` request may carry (Mastodon
    20, X 100, Bluesky 25); the sync hands at most that many per call.
    """

    supports_metrics: ClassVar[bool] = False
    metrics_batch: ClassVar[int] = 1

    def fetch_metrics(self, remote_ids: Sequence[str]) -> list[PostMetrics]:
        """The counts of these posts; a deleted post comes back with ``gone=True``."""
        raise NotImplementedError

    def fetch_followers(self) -> int | None:
        """The account's follower count now, or None where the network does not say."""
        return None

    def fetch_recent_posts(self, cursor: str | None = None) -> RecentPage:
        """One page of the account's own posts (also those made outside carecast), newest
        first; replies and reposts of others' posts are left out. ``cursor``: from the page
        before. The sync decides how far back to page."""
        return RecentPage([])
