"""One item reaches one channel once, whichever sources or rules lead to it (by GUID and link)."""

from __future__ import annotations

import datetime as dt

import pytest

from carecast.automation import pipeline, polling, runner
from carecast.automation.models import AutoPost, Policy, Rule
from carecast.publishing.models import Publication
from tests.automation.conftest import FEEDS

pytestmark = pytest.mark.django_db
NOW = "2026-11-23 08:00:00+00:00"


@pytest.fixture(autouse=True)
def now(time_machine):
    time_machine.move_to(NOW, tick=False)
    return dt.datetime.fromisoformat(NOW)


def rule_for(org, sources, channels, name="Website") -> Rule:
    rule = Rule.objects.create(organisation=org, name=name, policy=Policy.NOW, max_age_days=0)
    rule.sources.set(sources)
    rule.channels.set(channels)
    return rule


def test_it_posts_a_feed_added_twice_once_per_channel(org, feed_server, source_for, news_channel):
    feed_server.serve("/news.xml", FEEDS / "rss20.xml")
    first = source_for("/news.xml")
    second = source_for("/news.xml")
    second.name = "Website (nochmal)"
    second.save()
    rule_for(org, [first], [news_channel])
    rule_for(org, [second], [news_channel], name="Zweite Regel")
    pipeline.refresh(first)
    pipeline.refresh(second)
    posts = Publication.objects.filter(channel=news_channel)
    assert posts.count() == 3
    assert AutoPost.objects.filter(channel=news_channel).count() == 3


def test_it_posts_once_when_one_rule_reads_both_copies(org, feed_server, source_for, news_channel):
    feed_server.serve("/news.xml", FEEDS / "rss20.xml")
    first, second = source_for("/news.xml"), source_for("/news.xml")
    rule = rule_for(org, [first, second], [news_channel])
    polling.poll(first)
    polling.poll(second)
    assert len(runner.dry_run(rule)) == 3
    runner.run_rule(rule)
    assert Publication.objects.filter(channel=news_channel).count() == 3


def test_it_matches_by_link_when_the_guids_differ(org, feed_server, source_for, news_channel):
    # The site's RSS and its JSON Feed: other GUIDs, the same article addresses.
    rss = (FEEDS / "rss20.xml").read_bytes()
    feed_server.serve("/news.xml", rss)
    feed_server.serve("/copy.xml", rss.replace(b"news-10", b"kopie-10"))
    news, copy = source_for("/news.xml"), source_for("/copy.xml")
    rule_for(org, [news, copy], [news_channel])
    pipeline.refresh(news)
    pipeline.refresh(copy)
    assert set(copy.items.values_list("guid", flat=True)) != set(
        news.items.values_list("guid", flat=True)
    )
    linked = news.items.exclude(link="").count()
    unlinked = news.items.filter(link="").count()
    # Items with a link post once; an item without one cannot be matched and posts per copy.
    assert Publication.objects.filter(channel=news_channel).count() == linked + 2 * unlinked


def test_it_keeps_short_guids_of_different_feeds_apart(org, feed_server, source_for, news_channel):
    # "1" in one feed and "1" in another are different entries.
    body = b'{"version": "https://jsonfeed.org/version/1.1", "items": [{"id": 1, "title": "%s"}]}'
    feed_server.serve("/a.json", body % b"Herzwoche", content_type="application/feed+json")
    feed_server.serve("/b.json", body % b"Blutspende", content_type="application/feed+json")
    a, b = source_for("/a.json"), source_for("/b.json")
    rule_for(org, [a, b], [news_channel])
    pipeline.refresh(a)
    pipeline.refresh(b)
    assert Publication.objects.filter(channel=news_channel).count() == 2
