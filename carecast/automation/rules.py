"""What a rule makes of an item: does it match, which channels get it, and with which text."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from string import Formatter
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.utils.text import slugify

from carecast.automation.models import Item, Rule
from carecast.networks.models import Channel, Purpose
from carecast.stories.services import draft_for


def words(value: str) -> list[str]:
    return list(_words(value))


# What is the same for every item of a rule (its word lists, template placeholders, hashtags,
# campaign) is worked out once per value, not once per item: a check runs thousands of items.
@lru_cache(maxsize=256)
def _words(value: str) -> tuple[str, ...]:
    return tuple(w.strip().casefold() for w in value.split(",") if w.strip())


def matches(rule: Rule, item: Item, now: dt.datetime) -> bool:
    """Keywords (any, in title/summary/categories), categories (any), department, age."""
    stamp = item.published_at or item.first_seen_at
    if rule.max_age_days and stamp < now - dt.timedelta(days=rule.max_age_days):
        return False
    haystack = " ".join([item.title, item.summary, *item.categories]).casefold()
    keywords = _words(rule.keywords)
    if keywords and not any(k in haystack for k in keywords):
        return False
    categories = _words(rule.categories)
    if categories and not {c.casefold() for c in item.categories} & set(categories):
        return False
    return _department_matches(rule, item, haystack)


def _department_matches(rule: Rule, item: Item, haystack: str) -> bool:
    department = rule.department
    if department is None or item.source.department_id == department.pk:
        return True
    topics = words(department.topics) + [department.name.casefold()]
    return any(topic in haystack for topic in topics)


def route(rule: Rule, item: Item, channels: list[Channel]) -> list[Channel]:
    """Job offers go to jobs channels only, everything else to the other channels."""
    if not rule.route_by_purpose:
        return channels
    if item.is_job:
        return [c for c in channels if c.purpose == Purpose.JOBS]
    return [c for c in channels if c.purpose != Purpose.JOBS]


class _Blank(dict):
    """Unknown placeholders in a template stay empty instead of failing the whole rule."""

    def __missing__(self, key: str) -> str:
        return ""


def template_for(rule: Rule, network: str) -> str:
    return rule.templates.get(network) or rule.template or "{title}"


def _values(item: Item) -> _Blank:
    return _Blank(
        title=item.title,
        summary=item.summary,
        location=item.location,
        categories=", ".join(item.categories),
        source=item.source.name,
    )


def empty_fields(rule: Rule, item: Item, network: str) -> list[str]:
    """Placeholders of the template that stay empty for ``item`` ("{title} – {location}")."""
    names = _placeholders(template_for(rule, network))
    if not names:
        return []
    values = _values(item)
    return sorted({n for n in names if not str(values[n]).strip()})


@lru_cache(maxsize=256)
def _placeholders(template: str) -> tuple[str, ...]:
    """The template's placeholder names (none if it does not parse)."""
    try:
        names = [name for _text, name, _spec, _conv in Formatter().parse(template)]
    except ValueError:
        return ()
    return tuple(n for n in names if n is not None)


def render(rule: Rule, item: Item, network: str) -> str:
    template = template_for(rule, network)
    values = _values(item)
    try:
        text = template.format_map(values)
    except (ValueError, IndexError, AttributeError):
        text = f"{item.title}\n\n{item.summary}"
    # Empty placeholders leave blank lines behind; keep at most one.
    lines = [line.rstrip() for line in text.splitlines()]
    return "\n".join(_squeeze(lines)).strip()


def _squeeze(lines: list[str]) -> list[str]:
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return out


def tracked_link(link: str, rule: Rule, channel: Channel) -> str:
    """The item's link with UTM parameters: which network and which rule brought the click."""
    if not link:
        return ""
    parts = urlsplit(link)
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not k.startswith("utm_")
    ]
    query += [
        ("utm_source", channel.network),
        ("utm_medium", "social"),
        ("utm_campaign", rule.utm_campaign or _slug(rule.name) or "carecast"),
    ]
    return urlunsplit(parts._replace(query=urlencode(query)))


@lru_cache(maxsize=256)
def _slug(name: str) -> str:
    return slugify(name)


def hashtags(rule: Rule) -> list[str]:
    return list(_hashtags(rule.hashtags))


@lru_cache(maxsize=256)
def _hashtags(value: str) -> tuple[str, ...]:
    tags = [t.strip().lstrip("#") for t in value.replace(",", " ").split()]
    return tuple(f"#{t}" for t in tags if t)


def post_text(rule: Rule, item: Item, channel: Channel) -> str:
    """The post as the channel will get it: fitted to its network's limit, link never cut."""
    return draft_for(
        channel,
        render(rule, item, channel.network),
        tracked_link(item.link, rule, channel),
        hashtags(rule),
    )
