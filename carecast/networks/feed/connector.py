"""Feed channel: an RSS/Atom feed of a channel's published posts, for the website to embed.

Publishing to a feed channel makes no remote call: the post becomes an entry of
the feed served at ``Channel.base_url`` (``/feeds/<channel id>.xml``), rendered
by ``render_feed`` from the channel's published posts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from feedgen.feed import FeedGenerator

from carecast.lib.text import clean_text
from carecast.networks.base import Connector, PostRequest, PostResult


@dataclass(frozen=True)
class FeedEntry:
    key: str
    title: str
    text: str
    published: dt.datetime
    link: str = ""


class FeedConnector(Connector):
    """Nothing to send: the entry exists as soon as the publication is recorded."""

    idempotent = True

    def publish(self, post: PostRequest) -> PostResult:
        return PostResult(remote_id=post.key, url=f"{self.account.base_url}#{post.key}")

    def delete(self, remote_id: str) -> None:
        """The entry disappears from the feed with its publication; nothing remote to do."""

    def verify_credentials(self) -> str:
        return self.account.handle


def render_feed(
    *, title: str, feed_url: str, site_url: str, entries: list[FeedEntry], atom: bool = False
) -> bytes:
    """RSS 2.0 (or Atom) bytes for ``entries``, newest first."""
    # Rows stored before texts were cleaned on the way in still render (XML refuses controls).
    title = clean_text(title)
    generator = FeedGenerator()
    generator.id(feed_url)
    generator.title(title)
    generator.link(href=site_url or feed_url, rel="alternate")
    generator.link(href=feed_url, rel="self")
    generator.description(title)
    generator.language("de")
    for entry in sorted(entries, key=lambda e: e.published):
        item = generator.add_entry()
        item.id(f"{feed_url}#{entry.key}")
        item.guid(f"{feed_url}#{entry.key}", permalink=False)
        item.title(clean_text(entry.title))
        item.description(clean_text(entry.text))
        item.published(entry.published)
        item.updated(entry.published)
        if entry.link:
            item.link(href=entry.link)
    return generator.atom_str(pretty=True) if atom else generator.rss_str(pretty=True)
