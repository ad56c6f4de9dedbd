"""Another channel as a source: posts published through carecast and those made outside it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from carecast.automation import pipeline, polling
from carecast.automation.models import Rule, Source
from carecast.publishing.models import Publication, State
from tests.automation.conftest import post_on_sandbox

pytestmark = pytest.mark.django_db


@pytest.fixture
def news_account(mastodon_on):
    return mastodon_on("news")


@pytest.fixture
def mirror(org, news_account):
    return Source.objects.create(
        organisation=org, name="Mastodon-News", kind=Source.Kind.CHANNEL, channel=news_account
    )


def test_it_mirrors_posts_made_outside_carecast(sandbox, mirror):
    post_id = post_on_sandbox(sandbox, "news", "Heute: Blutspende im Foyer #Blutspende")
    result = polling.poll(mirror)
    assert not result.error
    [item] = result.new
    assert item.guid == f"mastodon:{post_id}"
    assert item.summary == "Heute: Blutspende im Foyer #Blutspende"


def test_it_sees_a_carecast_post_once_though_it_comes_both_ways(
    sandbox, mirror, news_account, story_for
):
    post_id = post_on_sandbox(sandbox, "news", "Neuer MRT in Betrieb")
    variant = story_for(news_account).variants.get()
    Publication.objects.create(
        variant=variant,
        channel=news_account,
        state=State.PUBLISHED,
        due_at=timezone.now(),
        published_at=timezone.now(),
        remote_id=post_id,
        text=variant.text,
    )
    result = polling.poll(mirror)
    assert [i.guid for i in result.new] == [f"mastodon:{post_id}"]
    assert result.new[0].title == "Neuer MRT"  # the story's own title, from carecast


def test_it_copies_to_other_channels_but_never_back_to_itself(
    org, sandbox, mirror, news_account, mastodon_on
):
    babytown = mastodon_on("babytown")
    rule = Rule.objects.create(organisation=org, name="Spiegeln", policy="now", max_age_days=0)
    rule.sources.set([mirror])
    rule.channels.set([news_account, babytown])
    post_on_sandbox(sandbox, "news", "Kreißsaalführung am Donnerstag")
    _result, planned = pipeline.refresh(mirror)
    assert [p.channel for p in planned] == [babytown]


def test_it_shows_an_error_when_the_account_cannot_be_read(sandbox, mirror, news_account):
    post_on_sandbox(sandbox, "news", "Vorher gelesen")
    polling.poll(mirror)
    news_account.remote_user_id = "999999"  # the account was deleted on the server
    news_account.save()
    result = polling.poll(mirror)
    mirror.refresh_from_db()
    assert "HTTP 404" in result.error
    assert mirror.health == Source.Health.ERROR and "HTTP 404" in mirror.last_error
    assert mirror.items.count() == 1
    assert mirror.next_fetch_at > timezone.now() - dt.timedelta(minutes=1)
