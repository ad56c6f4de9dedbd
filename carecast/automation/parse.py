"""Turning fetched bytes into validated ``FeedItem``s: RSS 0.9x/1.0/2.0, Atom, JSON Feed, Personio.

Untrusted XML: feedparser (6.0) hands XML to ``xml.sax`` with external entities off, but it
still expands internal entities, so a "billion laughs" document would be expanded in memory.
We refuse any document that declares entities before a parser sees it (feeds never need
them; the RSS 0.91 DOCTYPE without an internal subset is still accepted), and we refuse
invalid XML instead of guessing with feedparser's forgiving HTML-ish fallback: a broken
feed shows an error and keeps its earlier items.
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import html
import json
import re
from typing import Any
from urllib.parse import urljoin, urlsplit

import feedparser
from django.utils.html import strip_tags
from django.utils.translation import gettext_noop
from pydantic import BaseModel, Field, ValidationError, field_validator

from carecast.automation.errors import SourceError
from carecast.lib.text import clean_text

_ENTITY_DECL = re.compile(rb"<!ENTITY", re.IGNORECASE)
_INTERNAL_SUBSET = re.compile(rb"<!DOCTYPE[^>\[]*\[", re.IGNORECASE)
_HTML_START = re.compile(rb"^\s*(<!doctype html|<html)", re.IGNORECASE)
SUMMARY_LIMIT = 2000


class ParseError(SourceError):
    """The bytes are not a feed we can read."""


class FeedItem(BaseModel):
    """One entry, as every kind of source delivers it to the rules."""

    guid: str = Field(min_length=1, max_length=500)
    title: str = Field(default="", max_length=500)
    summary: str = ""
    link: str = ""
    image_url: str = ""
    categories: list[str] = Field(default_factory=list)
    location: str = Field(default="", max_length=200)
    published_at: dt.datetime | None = None
    is_job: bool = False

    @field_validator("link", "image_url")
    @classmethod
    def _web_address(cls, value: str) -> str:
        # javascript: and data: links from a feed must never reach a post.
        value = (value or "").strip()
        return value if urlsplit(value).scheme in ("http", "https") and len(value) <= 1000 else ""

    @field_validator("summary")
    @classmethod
    def _plain_text(cls, value: str) -> str:
        return html_to_text(value)[:SUMMARY_LIMIT]

    @field_validator("title")
    @classmethod
    def _one_line(cls, value: str) -> str:
        text = clean_text(html.unescape(strip_tags(value or "")))
        return re.sub(r"\s+", " ", text).strip()[:500]


# Where one block of HTML ends and the next begins: "morgen.</p><ul><li>Tarif" must not glue.
_BLOCK = re.compile(
    r"<\s*(?:/?p|/?div|/?li|/?ul|/?ol|/?h[1-6]|/?tr|/?td|/?th|/?section|/?blockquote)\b[^>]*>",
    re.IGNORECASE,
)
_BREAK = re.compile(r"<\s*br\b[^>]*>", re.IGNORECASE)  # a line break inside a sentence
_SENTENCE_END = (".", "!", "?", ":", ";", "…")


def html_to_text(value: str) -> str:
    """HTML as one line of readable text: blocks become sentences, tags and entities go."""
    pieces = _BLOCK.split(_BREAK.sub(" ", value or ""))
    lines = [re.sub(r"\s+", " ", clean_text(html.unescape(strip_tags(p)))).strip() for p in pieces]
    text = ""
    for line in filter(None, lines):
        if text:
            text += " " if text.endswith(_SENTENCE_END) else ". "
        text += line
    return text


def resolve(address: str, base: str) -> str:
    """``address`` made absolute against ``base`` (an item's link, else the feed's address)."""
    address = (address or "").strip()
    if not address or urlsplit(address).scheme:
        return address
    return urljoin(base, address) if urlsplit(base).scheme in ("http", "https") else address


def parse(body: bytes, url: str = "", *, jobs: bool = False) -> list[FeedItem]:
    """All items of ``body``; raise ``ParseError`` with a clear reason when it is no feed."""
    stripped = body.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not stripped:
        raise ParseError(gettext_noop("The source returned an empty document."))
    if stripped[:1] in (b"{", b"["):
        return _parse_json_feed(stripped, jobs, url)
    if _HTML_START.match(stripped):
        raise ParseError(gettext_noop("This address returns a web page (HTML), not a feed."))
    _refuse_entities(stripped)
    if b"<workzag-jobs" in stripped[:2000]:
        from carecast.automation.personio import parse_personio

        return parse_personio(stripped, url)
    return _parse_xml_feed(stripped, jobs, url)


def _refuse_entities(body: bytes) -> None:
    if body.startswith((b"\xff\xfe", b"\xfe\xff")):
        body = body.decode("utf-16", errors="replace").encode()
    head = body[:20000]
    if _ENTITY_DECL.search(head) or _INTERNAL_SUBSET.search(head):
        raise ParseError(gettext_noop("The feed declares XML entities; refused for safety."))


def _parse_xml_feed(body: bytes, jobs: bool, url: str = "") -> list[FeedItem]:
    parsed = feedparser.parse(body, sanitize_html=True, resolve_relative_uris=False)
    problem = parsed.get("bozo_exception")
    if parsed.get("bozo") and not isinstance(problem, feedparser.CharacterEncodingOverride):
        raise ParseError(gettext_noop("The feed is not valid XML: %(error)s"), error=problem)
    if not parsed.get("version"):
        raise ParseError(gettext_noop("This address does not return an RSS, Atom or JSON feed."))
    base = parsed.feed.get("link", "") or url
    return [item for entry in parsed.entries if (item := _from_entry(entry, jobs, base))]


def _from_entry(entry: Any, jobs: bool, base: str = "") -> FeedItem | None:
    link = resolve(entry.get("link", ""), base)
    title = entry.get("title", "")
    summary = entry.get("summary", "") or _first_content(entry)
    guid = entry.get("id") or link or _hash(title, summary)
    stamp = entry.get("published_parsed") or entry.get("updated_parsed")
    try:
        return FeedItem(
            guid=guid[:500],
            title=title,
            summary=summary,
            link=link,
            # "/media/1005.jpg": relative to the item's page, as a browser would read it.
            image_url=resolve(_image_of(entry), link or base),
            categories=[t.get("term", "") for t in entry.get("tags", []) if t.get("term")],
            published_at=_from_struct(stamp),
            is_job=jobs,
        )
    except ValidationError:
        return None  # one malformed entry must not cost the whole feed


def _first_content(entry: Any) -> str:
    content = entry.get("content") or []
    return content[0].get("value", "") if content else ""


def _image_of(entry: Any) -> str:
    for media in entry.get("media_content", []) + entry.get("media_thumbnail", []):
        if media.get("url"):
            return media["url"]
    for enclosure in entry.get("enclosures", []):
        if str(enclosure.get("type", "")).startswith("image/") and enclosure.get("href"):
            return enclosure["href"]
    return ""


def _from_struct(value: Any) -> dt.datetime | None:
    if not value:
        return None
    return dt.datetime.fromtimestamp(calendar.timegm(value), tz=dt.UTC)


def _hash(*parts: str) -> str:
    return "sha1:" + hashlib.sha1("\x1f".join(parts).encode(), usedforsecurity=False).hexdigest()


# --- JSON Feed (https://jsonfeed.org/version/1.1) ----------------------------------------


class _JSONItem(BaseModel):
    id: str | int
    url: str = ""
    title: str = ""
    content_text: str = ""
    content_html: str = ""
    summary: str = ""
    image: str = ""
    date_published: dt.datetime | None = None
    tags: list[str] = Field(default_factory=list)


class _JSONFeed(BaseModel):
    version: str
    items: list[dict[str, Any]]


def _parse_json_feed(body: bytes, jobs: bool, url: str = "") -> list[FeedItem]:
    try:
        feed = _JSONFeed.model_validate(json.loads(body))
    except (ValueError, ValidationError) as exc:
        raise ParseError(gettext_noop("This address returns JSON, but not a JSON Feed.")) from exc
    if "jsonfeed.org" not in feed.version:
        raise ParseError(gettext_noop("This address returns JSON, but not a JSON Feed."))
    items = []
    for raw in feed.items:
        try:
            entry = _JSONItem.model_validate(raw)
            items.append(
                FeedItem(
                    guid=str(entry.id),
                    title=entry.title,
                    summary=entry.summary or entry.content_text or entry.content_html,
                    link=entry.url,
                    image_url=resolve(entry.image, resolve(entry.url, url) or url),
                    categories=entry.tags,
                    published_at=entry.date_published,
                    is_job=jobs,
                )
            )
        except ValidationError:
            continue
    return items
