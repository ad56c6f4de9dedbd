"""Trend suggestions: trending hashtags of the networks, and bursts in what our sources bring.

Each trend is matched against the departments' topic keywords (Diabetologie → Diabetes,
Insulin); only matches become suggestions, so the desk shows a handful, not the internet.
Mastodon publishes trends per server (``/api/v1/trends/tags``), Bluesky through its AppView
(``app.bsky.unspecced.getTrendingTopics``); where a network has none, it is skipped.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections import Counter

from django.utils import timezone

from carecast.automation.models import Item, TrendSuggestion
from carecast.automation.rules import words
from carecast.core.models import Department, Organisation
from carecast.networks.base import ConnectorError
from carecast.networks.models import Channel, ChannelStatus
from carecast.stories.services import save_story

log = logging.getLogger(__name__)
_HASHTAG = re.compile(r"#(\w{3,})")
BURST_MIN = 3
BURST_FACTOR = 3.0


def mastodon_tags(organisation: Organisation) -> Counter[str]:
    """Trending tags of every Mastodon server the organisation has an active channel on."""
    found: Counter[str] = Counter()
    for connector in _connectors(organisation, "mastodon"):
        for tag in _read(connector, connector.fetch_trending_tags):
            found[str(tag.get("name", "")).lower()] += _uses(tag)
    return found


def bluesky_topics(organisation: Organisation) -> Counter[str]:
    """Bluesky's trending topics, read through each server the organisation posts from.

    Bluesky ranks topics but gives no counts: the first counts most.
    """
    found: Counter[str] = Counter()
    for connector in _connectors(organisation, "bluesky"):
        topics = _read(connector, connector.fetch_trending_topics)
        for rank, topic in enumerate(topics):
            found[str(topic).lstrip("#").lower()] += len(topics) - rank
    return found


def _connectors(organisation: Organisation, network: str):
    """One connector per server of ``network`` (trends are per server, not per account)."""
    seen = set()
    channels = Channel.objects.filter(
        organisation=organisation, network=network, status=ChannelStatus.ACTIVE
    )
    for channel in channels:
        if channel.base_url in seen:
            continue
        seen.add(channel.base_url)
        yield channel.rules.connector(channel.account())


def _read(connector, fetch) -> list:
    try:
        return list(fetch())
    except ConnectorError as exc:
        log.info("trends of %s: %s", connector.account.base_url, exc)
        return []
    finally:
        connector.close()


def _uses(tag: dict) -> int:
    history = tag.get("history") or []
    try:
        return int(history[0].get("uses", 1)) if history else 1
    except (TypeError, ValueError, AttributeError):
        return 1


def feed_bursts(organisation: Organisation, now: dt.datetime) -> Counter[str]:
    """Terms (categories, hashtags) far more frequent in the last day than in the week before."""
    day_ago, week_ago = now - dt.timedelta(days=1), now - dt.timedelta(days=8)
    items = Item.objects.filter(source__organisation=organisation, first_seen_at__gte=week_ago)
    recent: Counter[str] = Counter()
    before: Counter[str] = Counter()
    for item in items.only("title", "summary", "categories", "first_seen_at"):
        bucket = recent if item.first_seen_at >= day_ago else before
        bucket.update(_terms(item))
    return Counter(
        {
            term: count
            for term, count in recent.items()
            if count >= BURST_MIN and count >= BURST_FACTOR * (before[term] / 7 + 0.5)
        }
    )


def _terms(item: Item) -> set[str]:
    tags = {t.lower() for t in _HASHTAG.findall(f"{item.title} {item.summary}")}
    return tags | {c.strip().lower().lstrip("#") for c in item.categories if c.strip()}


def match(tag: str, departments: list[Department]) -> list[tuple[Department, str]]:
    """Departments whose topic keywords name ``tag`` (the same word, or a word inside the tag)."""
    tag = tag.casefold().lstrip("#")
    hits = []
    for department in departments:
        for topic in words(department.topics):
            topic = topic.lstrip("#").replace(" ", "")
            # The topic inside the tag (#Weltdiabetestag → Diabetes), not the other way
            # round: a short trending tag like #Welle must not match "Grippewelle".
            if tag == topic or (len(topic) >= 5 and topic in tag):
                hits.append((department, topic))
                break
    return hits


def refresh(organisation: Organisation, now: dt.datetime | None = None) -> list[TrendSuggestion]:
    now = now or timezone.now()
    departments = list(
        Department.objects.active().filter(organisation=organisation).exclude(topics="")
    )
    if not departments:
        return []
    made = []
    sources = [
        (TrendSuggestion.Origin.MASTODON, mastodon_tags(organisation)),
        (TrendSuggestion.Origin.BLUESKY, bluesky_topics(organisation)),
        (TrendSuggestion.Origin.FEEDS, feed_bursts(organisation, now)),
    ]
    for origin, counts in sources:
        for tag, score in counts.items():
            for department, topic in match(tag, departments):
                suggestion, _ = TrendSuggestion.objects.update_or_create(
                    organisation=organisation,
                    tag=tag,
                    origin=origin,
                    department=department,
                    defaults={"score": score, "matched": topic, "seen_at": now},
                )
                made.append(suggestion)
    return made


def refresh_all() -> list[TrendSuggestion]:
    return [s for org in Organisation.objects.all() for s in refresh(org)]


def draft_story(suggestion: TrendSuggestion, actor=None):
    """A draft story on the trend for the department's channels; the team writes the text."""
    department = suggestion.department
    channels = Channel.objects.filter(department=department) if department else []
    story = save_story(
        suggestion.organisation,
        title=f"#{suggestion.tag}",
        text="",
        hashtags=f"#{suggestion.tag}",
        department=department,
        channels=list(channels),
        actor=actor,
    )
    suggestion.story = story
    suggestion.save(update_fields=["story"])
    return story
