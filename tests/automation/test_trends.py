"""Trend suggestions: Mastodon's trending tags and bursts in our sources, matched to departments."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from carecast.automation import trends
from carecast.automation.models import Item, Source, TrendSuggestion
from carecast.core.models import Department
from tests.automation.conftest import post_on_sandbox

pytestmark = pytest.mark.django_db


@pytest.fixture
def infektiologie(org):
    return Department.objects.create(
        organisation=org, name="Infektiologie", slug="infektiologie", topics="#Grippewelle, Impfung"
    )


def test_it_reads_mastodon_trends_and_matches_departments(org, sandbox, mastodon_on, infektiologie):
    mastodon_on("klinikum")
    sandbox.add_account("mastodon", "someone", "token-someone")
    for text in ["Die #Grippewelle rollt", "#grippewelle im Büro", "#Katzen", "#Grippewelle!"]:
        post_on_sandbox(sandbox, "someone", text)
    assert trends.mastodon_tags(org)["grippewelle"] == 3
    [suggestion] = trends.refresh(org)
    assert (suggestion.tag, suggestion.origin, suggestion.department) == (
        "grippewelle",
        TrendSuggestion.Origin.MASTODON,
        infektiologie,
    )


def test_it_finds_bursts_in_what_we_ingest(org, infektiologie, time_machine):
    now = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)
    time_machine.move_to(now, tick=False)
    source = Source.objects.create(organisation=org, name="Presse", url="https://example.org/feed")
    for n in range(4):
        Item.objects.create(
            source=source,
            guid=f"g{n}",
            title=f"Impfung gegen Grippe #{n}",
            categories=["Impfung"],
            first_seen_at=now - dt.timedelta(hours=n),
        )
    Item.objects.create(
        source=source,
        guid="old",
        title="x",
        categories=["Impfung"],
        first_seen_at=now - dt.timedelta(days=5),
    )
    assert trends.feed_bursts(org, now) == {"impfung": 4}
    [suggestion] = trends.refresh(org, now)
    assert suggestion.origin == TrendSuggestion.Origin.FEEDS


def test_it_drafts_a_story_from_a_suggestion(org, infektiologie):
    suggestion = TrendSuggestion.objects.create(
        organisation=org,
        tag="grippewelle",
        origin="mastodon",
        department=infektiologie,
        seen_at=timezone.now(),
    )
    story = trends.draft_story(suggestion)
    assert story.title == "#grippewelle" and story.department == infektiologie
    suggestion.refresh_from_db()
    assert suggestion.story == story


def test_it_matches_whole_topics_not_fragments(infektiologie):
    assert trends.match("grippewelle", [infektiologie])
    assert trends.match("impfungen", [infektiologie])
    assert not trends.match("welle", [infektiologie])


def _post_on_bluesky(channel, text: str, key: str) -> None:
    from carecast.networks.base import PostRequest

    connector = channel.rules.connector(channel.account())
    try:
        connector.publish(PostRequest(key=key, text=text))
    finally:
        connector.close()


def test_it_reads_bluesky_trending_topics_and_matches_departments(
    org, sandbox, channel_on, infektiologie
):
    bluesky = channel_on("bluesky", handle="klinikum.bsky.test")
    for i, text in enumerate(["Die #Grippewelle rollt", "Schon wieder #Grippewelle", "#Katzen"]):
        _post_on_bluesky(bluesky, text, f"trend-{i}")
    topics = trends.bluesky_topics(org)
    assert topics.most_common(1)[0][0] == "grippewelle"
    suggestions = [s for s in trends.refresh(org) if s.origin == TrendSuggestion.Origin.BLUESKY]
    assert [(s.tag, s.department) for s in suggestions] == [("grippewelle", infektiologie)]


def test_it_skips_bluesky_trends_where_the_server_has_none(org, sandbox, channel_on, infektiologie):
    # A PDS without an AppView answers getTrendingTopics with an error: no trends, no crash.
    channel_on("bluesky", handle="klinikum.bsky.test")
    sandbox.inject_fault(
        network="bluesky", path="/xrpc/app.bsky.unspecced.getTrendingTopics", status=501, times=None
    )
    assert trends.bluesky_topics(org) == {}
    assert trends.refresh(org) == []
