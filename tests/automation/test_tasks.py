"""The Huey tasks (run in immediate mode): due sources are polled, their items posted once."""

from __future__ import annotations

import pytest

from carecast.automation import tasks
from carecast.automation.models import Rule
from carecast.publishing.models import Publication
from tests.automation.conftest import FEEDS

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def immediate():
    """Tasks run in the test's thread, one step at a time (whatever mode the suite started in)."""
    from huey.contrib.djhuey import HUEY

    before, HUEY.immediate = HUEY.immediate, True
    yield
    HUEY.immediate = before


def test_it_polls_due_sources_and_posts_each_item_once(
    org, feed_server, source_for, news_channel, time_machine
):
    time_machine.move_to("2026-11-23 09:00:00+00:00", tick=False)
    feed_server.serve("/news.xml", FEEDS / "rss20.xml", etag='"v1"')
    source = source_for("/news.xml", interval_minutes=10)
    rule = Rule.objects.create(organisation=org, name="Alles", policy="draft", max_age_days=0)
    rule.sources.set([source])
    rule.channels.set([news_channel])
    assert tasks.poll_due_sources.call_local() == 1
    assert tasks.poll_due_sources.call_local() == 0  # not due again yet
    time_machine.move_to("2026-11-23 09:11:00+00:00", tick=False)
    assert tasks.poll_due_sources.call_local() == 1
    assert news_channel.variants.count() == 3
    assert Publication.objects.count() == 0  # drafts: nothing scheduled


def test_it_runs_the_other_periodic_tasks(org):
    assert tasks.fill_gaps.call_local() == 0
    assert tasks.awareness_reminders.call_local() >= 0
    assert tasks.read_trends.call_local() == 0
