"""The gap filler: quiet channels inside their window get the next evergreen post, never too often."""

from __future__ import annotations

import datetime as dt

import pytest

from carecast.automation import gaps, polling, runner
from carecast.automation.models import AutoPost, ChannelAutomation, Policy, Rule
from carecast.publishing.models import Publication, State
from tests.automation.conftest import FEEDS

pytestmark = pytest.mark.django_db
MONDAY_10 = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)  # 10:00 in Berlin


@pytest.fixture
def channel(news_channel):
    news_channel.posting_windows = [{"days": [0, 1, 2, 3, 4], "start": "08:00", "end": "18:00"}]
    news_channel.save()
    ChannelAutomation.objects.create(
        channel=news_channel, gap_hours=4, evergreen_repeat_days=30, min_spacing_minutes=0
    )
    return news_channel


@pytest.fixture
def evergreens(story_for, channel):
    stories = [
        story_for(channel, title=t) for t in ("Besuchszeiten", "Parken am Klinikum", "Elternschule")
    ]
    for story in stories:
        story.evergreen = True
        story.save()
    return stories


def published(channel, variant, at):
    return Publication.objects.create(
        variant=variant,
        channel=channel,
        state=State.PUBLISHED,
        due_at=at,
        published_at=at,
        text=variant.text,
    )


def test_it_fills_a_gap_with_the_longest_unused_evergreen(time_machine, channel, evergreens):
    time_machine.move_to(MONDAY_10, tick=False)
    published(channel, evergreens[0].variants.get(), MONDAY_10 - dt.timedelta(days=40))
    [post] = gaps.fill_gaps()
    assert post.kind == AutoPost.Kind.GAP and post.story == evergreens[1]
    assert post.publication.state == State.SCHEDULED and post.publication.due_at == MONDAY_10


def test_it_leaves_a_channel_alone_that_posted_recently(
    time_machine, channel, evergreens, story_for
):
    time_machine.move_to(MONDAY_10, tick=False)
    published(channel, story_for(channel).variants.get(), MONDAY_10 - dt.timedelta(hours=3))
    assert gaps.fill_gaps() == []


def test_it_waits_for_the_posting_window(time_machine, channel, evergreens):
    time_machine.move_to(MONDAY_10.replace(hour=20), tick=False)  # 21:00 in Berlin
    assert gaps.fill_gaps() == []


def test_it_never_repeats_an_evergreen_within_the_set_days(time_machine, channel, evergreens):
    time_machine.move_to(MONDAY_10, tick=False)
    for story in evergreens:
        published(channel, story.variants.get(), MONDAY_10 - dt.timedelta(days=10))
    Publication.objects.filter(due_at__gte=MONDAY_10 - dt.timedelta(days=11)).update(
        due_at=MONDAY_10 - dt.timedelta(days=10)
    )
    assert gaps.fill_gaps() == []
    time_machine.move_to(MONDAY_10 + dt.timedelta(days=21), tick=False)  # a Monday again
    assert len(gaps.fill_gaps()) == 1


def test_it_uses_items_queued_as_gap_fillers_first(
    org, time_machine, feed_server, source_for, channel, evergreens
):
    time_machine.move_to(MONDAY_10, tick=False)
    feed_server.serve("/news.xml", FEEDS / "rss20.xml")
    source = source_for("/news.xml")
    polling.poll(source)
    rule = Rule.objects.create(organisation=org, name="Lücken", policy=Policy.GAP, max_age_days=0)
    rule.sources.set([source])
    rule.channels.set([channel])
    runner.run_rule(rule)
    assert AutoPost.objects.filter(status=AutoPost.Status.QUEUED).count() == 3
    [post] = gaps.fill_gaps()
    assert post.item.guid == "news-101" and post.status == AutoPost.Status.SCHEDULED
    # The next gap comes four hours later, not at once.
    assert gaps.fill_gaps() == []
