"""Personio's job XML (https://{company}.jobs.personio.de/xml) as ``FeedItem``s.

Descriptions are HTML (lists, paragraphs) and become clean sentences; Personio's raw
values ("full-or-part-time", "permanent") become the German words a job post uses, and a
department that repeats the recruiting category is listed once.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit
from xml.etree import ElementTree as ET  # noqa: S405 - parse() refused entities before this

from django.conf import settings
from django.utils.translation import gettext, gettext_noop, override
from pydantic import ValidationError

from carecast.automation.parse import FeedItem, ParseError, html_to_text

# Personio's documented values; anything else is shown as it came.
VALUES = {
    "full-time": gettext_noop("full-time"),
    "part-time": gettext_noop("part-time"),
    "full-or-part-time": gettext_noop("full- or part-time"),
    "permanent": gettext_noop("permanent"),
    "temporary": gettext_noop("fixed-term"),
    "intern": gettext_noop("internship"),
    "trainee": gettext_noop("apprenticeship"),
    "freelance": gettext_noop("freelance"),
    "working_student": gettext_noop("working student"),
    "entry-level": gettext_noop("entry level"),
    "experienced": gettext_noop("experienced"),
    "executive": gettext_noop("executive"),
    "student": gettext_noop("student"),
}


def word_for(value: str) -> str:
    """The organisation's word for a Personio value (posts are written in its language)."""
    key = value.strip()
    if key not in VALUES:
        return key
    with override(settings.LANGUAGE_CODE):
        return gettext(VALUES[key])


def parse_personio(body: bytes, url: str) -> list[FeedItem]:
    try:
        root = ET.fromstring(body)  # noqa: S314 - entities were refused by parse()
    except ET.ParseError as exc:
        raise ParseError(gettext_noop("The feed is not valid XML: %(error)s"), error=exc) from exc
    base = _base(url)
    items = []
    for position in root.iter("position"):
        job_id = (position.findtext("id") or "").strip()
        if not job_id:
            continue
        try:
            items.append(_item(position, job_id, base))
        except ValidationError:
            continue
    return items


def _item(position: ET.Element, job_id: str, base: str) -> FeedItem:
    text = lambda name: (position.findtext(name) or "").strip()  # noqa: E731
    raw = [text("department"), text("recruitingCategory")]
    raw += [word_for(text(name)) for name in ("schedule", "employmentType", "seniority")]
    return FeedItem(
        guid=f"personio:{job_id}",
        title=text("name"),
        summary=description(position),
        link=f"{base}/job/{job_id}" if base else "",
        categories=unique(raw),
        location=text("office"),
        published_at=_iso(text("createdAt")),
        is_job=True,
    )


def description(position: ET.Element) -> str:
    """Each section as "Heading: text." so that sections and list items never glue together."""
    parts = []
    for section in position.iter("jobDescription"):
        body = html_to_text(section.findtext("value") or "")
        heading = html_to_text(section.findtext("name") or "").rstrip(":")
        if body:
            parts.append(f"{heading}: {body}" if heading else body)
    return html_to_text("<p>".join(parts))


def unique(values: list[str]) -> list[str]:
    """Non-empty values, each once (``Pflege, Pflege`` reads like a mistake)."""
    seen: set[str] = set()
    out = []
    for value in values:
        if value and value.casefold() not in seen:
            seen.add(value.casefold())
            out.append(value)
    return out


def _base(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("http", "https") else ""


def _iso(value: str) -> dt.datetime | None:
    try:
        stamp = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=dt.UTC)
