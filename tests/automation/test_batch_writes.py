"""Rules → posts in batches: stories, posts, publications and records written together,
with the same guards, caps and once-per-channel promise as one item at a time."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from carecast.automation import pipeline, runner
from carecast.automation.models import AutoPost, ChannelAutomation, Policy, Rule
from carecast.core.models import AuditLog
from carecast.networks.models import Channel
from carecast.publishing.models import Publication
from carecast.stories.models import Story, Variant

pytestmark = pytest.mark.django_db
NOW = "2026-11-23 08:00:00+00:00"
BEFORE_AFTER = "Vorher/Nachher: Lippenunterspritzung mit Hyaluron in unserer Ästhetik-Sprechstunde."


@pytest.fixture(autouse=True)
def now(time_machine):
    time_machine.move_to(NOW, tick=False)
    return dt.datetime.fromisoformat(NOW)


def feed(count: int, blocked: int | None = None, site: str = "news") -> str:
    items = "".join(
        f"<item><guid isPermaLink='false'>n{n}</guid>"
        f"<title>{BEFORE_AFTER if n == blocked else f'Meldung {n}: Neues aus der Klinik'}</title>"
        f"<link>https://www.klinikum.example/{site}/{n}</link>"
        f"<description>Station {n} informiert.</description>"
        f"<pubDate>Mon, 23 Nov 2026 0{n % 8}:0{n % 6}:00 +0000</pubDate></item>"
        for n in range(count)
    )
    return (
        f"<?xml version='1.0'?><rss version='2.0'><channel><title>T</title>{items}</channel></rss>"
    )


def rule_for(org, source, channels, policy=Policy.NOW) -> Rule:
    rule = Rule.objects.create(organisation=org, name="Alles", policy=policy, max_age_days=0)
    rule.sources.set([source])
    rule.channels.set(channels)
    return rule


@pytest.fixture
def two_channels(org, news_channel):
    other = Channel.objects.create(
        organisation=org, network="bluesky", name="Bluesky", handle="klinikum.example"
    )
    for channel in (news_channel, other):  # no caps: every item goes out today
        ChannelAutomation.objects.create(channel=channel, max_per_day=0, min_spacing_minutes=0)
    return [news_channel, other]


def test_it_writes_many_items_with_a_fixed_number_of_queries(
    org, feed_server, source_for, two_channels, django_assert_max_num_queries
):
    # 30 and 120 items cost the same few dozen queries: nothing is written one by one.
    for count, path in ((30, "/small.xml"), (120, "/large.xml")):
        feed_server.serve(path, feed(count, site=path.strip("/")))
        source = source_for(path)
        rule_for(org, source, two_channels)
        pipeline.polling.poll(source)
        with django_assert_max_num_queries(40):
            planned = pipeline.handle_pending(source)
        assert len(planned) == 2 * count
    assert Story.objects.count() == 150
    assert Variant.objects.count() == Publication.objects.count() == 300
    assert AutoPost.objects.filter(status=AutoPost.Status.SCHEDULED).count() == 300
    assert AuditLog.objects.filter(action="story.saved").count() == 150
    scheduled = AuditLog.objects.filter(action="publication.scheduled")
    assert scheduled.count() == 300
    entry = scheduled.first()
    assert entry.object_type and entry.object_id in set(
        Publication.objects.values_list("pk", flat=True)
    )


def test_it_links_each_post_to_its_own_story_and_item(org, feed_server, source_for, news_channel):
    feed_server.serve("/news.xml", feed(5))
    source = source_for("/news.xml")
    rule_for(org, source, [news_channel])
    pipeline.refresh(source)
    for post in AutoPost.objects.select_related("item", "story", "publication__variant"):
        assert post.story.title == post.item.title
        assert post.publication.variant.story_id == post.story_id
        assert post.item.link in post.publication.text


def test_it_keeps_the_compliance_guard_for_each_post_of_a_batch(
    org, feed_server, source_for, news_channel
):
    feed_server.serve("/news.xml", feed(6, blocked=3))
    source = source_for("/news.xml")
    rule_for(org, source, [news_channel])
    pipeline.refresh(source)
    skipped = AutoPost.objects.get(status=AutoPost.Status.SKIPPED)
    assert skipped.item.guid == "n3" and skipped.publication is None
    assert "Vorher-Nachher-Vergleich" in skipped.reason
    assert Publication.objects.count() == 5
    # The skipped item still got its story (it is there to edit and schedule by hand).
    assert skipped.story is not None


def test_it_keeps_cap_and_spacing_across_a_batch(org, feed_server, source_for, news_channel):
    ChannelAutomation.objects.create(channel=news_channel, max_per_day=3, min_spacing_minutes=90)
    feed_server.serve("/news.xml", feed(12))
    source = source_for("/news.xml")
    rule_for(org, source, [news_channel], policy=Policy.NEXT_SLOT)
    pipeline.refresh(source)
    dues = sorted(Publication.objects.values_list("due_at", flat=True))
    by_day: dict[dt.date, int] = {}
    for due in dues:
        day = due.astimezone(ZoneInfo(news_channel.timezone)).date()
        by_day[day] = by_day.get(day, 0) + 1
    assert max(by_day.values()) <= 3
    assert all(b - a >= dt.timedelta(minutes=90) for a, b in zip(dues, dues[1:], strict=False))


def test_it_posts_an_item_once_when_another_run_took_it_meanwhile(
    org, feed_server, source_for, news_channel, monkeypatch
):
    # Another worker records item n2 on the channel after this run read what was sent:
    # the batch's insert meets the unique (item, channel) row, is undone, and each item
    # is written alone — n2 is not posted again, the others are.
    feed_server.serve("/news.xml", feed(4))
    source = source_for("/news.xml")
    rule = rule_for(org, source, [news_channel])
    pipeline.polling.poll(source)
    taken = source.items.get(guid="n2")
    read_sent = runner.Sent

    def sent_then_taken(qs, channels):
        sent = read_sent(qs, channels)
        AutoPost.objects.create(
            channel=news_channel, status=AutoPost.Status.SCHEDULED, rule=rule, item=taken
        )
        return sent

    monkeypatch.setattr(runner, "Sent", sent_then_taken)
    planned = runner.run_rule(rule)
    assert {p.item.guid for p in planned} == {"n0", "n1", "n3"}
    assert AutoPost.objects.filter(item=taken).count() == 1
    assert Publication.objects.count() == 3
    assert not Story.objects.filter(title=taken.title).exists()


def _queries_for(org, feed_server, source_for, channels, count: int) -> tuple[int, int]:
    """(statements other than INSERT, INSERT statements) of one check of ``count`` new items."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    path = f"/pinned-{count}.xml"
    feed_server.serve(path, feed(count, site=f"pinned-{count}"))
    source = source_for(path)
    rule_for(org, source, channels)
    pipeline.polling.poll(source)
    with CaptureQueriesContext(connection) as queries:
        planned = pipeline.handle_pending(source)
    assert len(planned) == count * len(channels)
    verbs = [q["sql"].split(None, 1)[0].upper() for q in queries.captured_queries]
    return len(verbs) - verbs.count("INSERT"), verbs.count("INSERT")


def test_it_pins_the_queries_of_each_batch(org, feed_server, source_for, two_channels):
    # bench/ingest's write path: a batch (up to BATCH_SIZE items) reads and updates the same
    # way whether it holds 20 items or 150, and each further batch adds the same statements.
    # Inserts are one per table, split only where SQLite caps the parameters of a statement
    # (999): never one per item.
    assert runner.BATCH_SIZE == 200
    counts = {
        n: _queries_for(org, feed_server, source_for, two_channels, n) for n in (20, 150, 350)
    }
    others = {n: other for n, (other, _inserts) in counts.items()}
    inserts = {n: insert for n, (_other, insert) in counts.items()}
    assert others[20] == others[150] == 20, counts
    assert others[350] - others[150] == 5, counts  # a savepoint and the batch's reads
    assert inserts[20] == 6, counts  # stories, posts, publications, AutoPost, 2 audit inserts
    # 150 items on two channels are 1,500 rows: a few dozen rows per insert at the least.
    assert inserts[150] <= 1500 / 30 and inserts[350] <= 3500 / 30, counts
