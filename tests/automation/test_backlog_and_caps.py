"""Old items at the first check, the age limit, items beyond the daily cap, empty template fields."""

from __future__ import annotations

import datetime as dt

import pytest

from carecast.automation import pipeline, polling, runner
from carecast.automation.models import (
    AutoPost,
    ChannelAutomation,
    Item,
    Overflow,
    Policy,
    Rule,
    Source,
)
from carecast.publishing.models import Publication
from tests.automation.conftest import FEEDS

pytestmark = pytest.mark.django_db
NOW = "2026-11-23 08:00:00+00:00"  # a Monday; rss20.xml's items are from 20-22 November


@pytest.fixture(autouse=True)
def now(time_machine):
    time_machine.move_to(NOW, tick=False)
    return dt.datetime.fromisoformat(NOW)


def rule_for(org, sources, channels, **fields) -> Rule:
    fields.setdefault("max_age_days", 0)
    fields.setdefault("policy", Policy.NOW)
    rule = Rule.objects.create(organisation=org, name="Website", **fields)
    rule.sources.set(sources)
    rule.channels.set(channels)
    return rule


def test_it_posts_nothing_old_when_the_first_check_should_set_items_aside(
    org, feed_server, source_for, news_channel
):
    feed_server.serve("/news.xml", FEEDS / "rss20.xml")
    source = source_for("/news.xml", backlog=Source.Backlog.NONE)
    rule_for(org, [source], [news_channel])
    pipeline.refresh(source)
    assert not Publication.objects.exists()
    source.refresh_from_db()
    assert source.last_counts["set_aside"] == 3
    # What appears after the first check is posted.
    body = (FEEDS / "rss20.xml").read_text().replace("news-101", "news-201")
    feed_server.serve("/news.xml", body.replace("/news/mrt", "/news/neu"))
    pipeline.refresh(source)
    assert Publication.objects.count() == 1


def test_it_posts_the_recent_items_when_the_first_check_should(
    org, feed_server, source_for, news_channel
):
    feed_server.serve("/news.xml", FEEDS / "rss20.xml")
    source = source_for("/news.xml")  # the default: recent items, each rule's age limit decides
    rule_for(org, [source], [news_channel], max_age_days=2)
    pipeline.refresh(source)
    too_old = pipeline.too_old(source, source.rules.get())
    posted = Publication.objects.count()
    assert too_old > 0 and posted == source.items.count() - too_old


def test_it_shows_in_the_dry_run_which_items_only_run_now_posts(
    org, feed_server, source_for, news_channel
):
    feed_server.serve("/news.xml", FEEDS / "rss20.xml")
    source = source_for("/news.xml")
    pipeline.refresh(source)  # read before any rule existed: handled, nothing posted
    rule = rule_for(org, [source], [news_channel])
    plan = runner.dry_run(rule)
    assert plan and not any(p.on_next_check for p in plan)
    pipeline.refresh(source)  # the next check indeed leaves them alone
    assert not Publication.objects.exists()
    runner.run_rule(rule)
    assert Publication.objects.count() == len(plan)


def test_it_matches_the_dry_run_to_the_next_check(org, feed_server, source_for, news_channel):
    feed_server.serve("/news.xml", FEEDS / "rss20.xml")
    source = source_for("/news.xml")
    polling.poll(source)  # read by a worker that died before the rules ran
    rule = rule_for(org, [source], [news_channel])
    plan = runner.dry_run(rule)
    assert all(p.on_next_check for p in plan)
    pipeline.handle_pending(source)
    made = {(a.item_id, a.channel_id) for a in AutoPost.objects.all()}
    assert made == {(p.item.pk, p.channel.pk) for p in plan}


def test_it_warns_of_template_fields_without_a_value(org, feed_server, source_for, news_channel):
    feed_server.serve("/news.xml", FEEDS / "rss20.xml")
    source = source_for("/news.xml")
    polling.poll(source)
    rule = rule_for(org, [source], [news_channel], template="{title} – {location}")
    plan = runner.dry_run(rule)
    assert plan and all(p.empty_fields == ["location"] for p in plan)
    rule.template = "{title}"
    assert not any(p.empty_fields for p in runner.dry_run(rule))


def twenty_items_and_a_cap_of_one(org, feed_server, source_for, news_channel, overflow):
    ChannelAutomation.objects.create(channel=news_channel, max_per_day=1, min_spacing_minutes=0)
    items = "".join(
        f"<item><guid>n{n}</guid><title>Meldung {n}</title>"
        f"<link>https://www.klinikum.example/{n}</link></item>"
        for n in range(20)
    )
    feed_server.serve(
        "/news.xml", f'<rss version="2.0"><channel><title>x</title>{items}</channel></rss>'
    )
    source = source_for("/news.xml")
    rule_for(org, [source], [news_channel], policy=Policy.NEXT_SLOT, overflow=overflow)
    return source


def test_it_queues_items_beyond_the_cap_for_later_days(
    org, feed_server, source_for, news_channel, time_machine
):
    source = twenty_items_and_a_cap_of_one(
        org, feed_server, source_for, news_channel, Overflow.LATER
    )
    pipeline.refresh(source)
    # One a day: today and the 14 days after it; the rest wait, unhandled and unrecorded.
    assert Publication.objects.count() == 15
    assert not AutoPost.objects.filter(status=AutoPost.Status.SKIPPED).exists()
    assert source.items.filter(handled_at__isnull=True).count() == 5
    time_machine.move_to("2026-11-26 08:00:00+00:00", tick=False)
    pipeline.refresh(source)  # three days later, three more days have room
    assert Publication.objects.count() == 18
    assert Item.objects.filter(handled_at__isnull=True).count() == 2


def test_it_skips_items_beyond_the_cap_when_the_rule_says_so(
    org, feed_server, source_for, news_channel
):
    source = twenty_items_and_a_cap_of_one(
        org, feed_server, source_for, news_channel, Overflow.SKIP
    )
    pipeline.refresh(source)
    skipped = AutoPost.objects.filter(status=AutoPost.Status.SKIPPED)
    assert Publication.objects.count() == 15 and skipped.count() == 5
    assert all(s.reason.startswith(("Skipped", "Übersprungen")) for s in skipped)
    assert not source.items.filter(handled_at__isnull=True).exists()
