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
