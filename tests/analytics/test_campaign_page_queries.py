"""The campaign page asks the database a fixed number of questions however many stories,
channels and days the campaign has (bench/pages measures its speed on 100,000 publications);
its figures are kept for a few minutes, and a story added to the campaign shows at once."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from carecast.analytics import campaigns
from carecast.analytics.models import JobApplication, Post
from carecast.analytics.rollup import rebuild_days
from carecast.networks.models import Channel
from carecast.stories.models import Campaign, Story

BERLIN = ZoneInfo("Europe/Berlin")
DAY = dt.datetime(2027, 3, 3, 10, 0, tzinfo=BERLIN)
# Sign-in (session, user, two-factor device, person, organisation), the campaign, the layout
# (paused channels, unread counts), the campaign's stories, the stories one may add: 10; then
# the figures: rollups per channel, the channels' names, applications, website visits.
# Counted for a lead (the widest page).
WARM_QUERIES = 10
COLD_QUERIES = WARM_QUERIES + 4


def _grow(org, campaign, channels: int, stories: int, days: int) -> None:
    """More of everything the page lists or sums: channels with posts on several days,
    stories in the campaign and outside it, applications."""
    start = Channel.objects.filter(organisation=org).count()
    for c in range(start, start + channels):
        channel = Channel.objects.create(organisation=org, network="mastodon", name=f"Kanal {c}")
        for d in range(days):
            Post.objects.create(
                organisation=org, channel=channel, campaign=campaign, remote_id=f"{c}-{d}",
                published_at=DAY - dt.timedelta(days=d), latest_likes=d, latest_views=10 * d,
            )  # fmt: skip
        JobApplication.objects.create(
            organisation=org, external_id=f"A-{c}", received_at=DAY, channel=channel,
            campaign=campaign, network="mastodon", source="csv",
        )  # fmt: skip
    base = Story.objects.filter(organisation=org).count()
    for s in range(base, base + stories):
        Story.objects.create(
            organisation=org, title=f"Story {s}", campaign=campaign if s % 2 else None
        )
    rebuild_days(org, (DAY - dt.timedelta(days=days + 1)).date())


def _count(client: Client, path: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        page = client.get(path, HTTP_ACCEPT_LANGUAGE="de")
    assert page.status_code == 200
    return len(queries), page.content.decode()


@pytest.fixture
def page(org, anna):
    campaign = Campaign.objects.create(organisation=org, name="#GameChanger")
    client = Client()
    client.force_login(anna.user)
    path = f"/analytics/campaigns/{campaign.pk}/"
    client.get(path)  # the session and translations warmed up, as for every later visit
    cache.clear()
    return campaign, client, path


def test_it_asks_the_same_few_queries_for_a_small_and_a_big_campaign(org, page):
    campaign, client, path = page
    _grow(org, campaign, channels=1, stories=2, days=1)
    cache.clear()
    small, html = _count(client, path)
    assert "Story 1" in html

    _grow(org, campaign, channels=5, stories=60, days=4)
    cache.clear()
    big, html = _count(client, path)
    assert "Story 61" in html and "Kanal 5" in html  # the new rows are on the page
    assert small == big <= COLD_QUERIES

    warm, html = _count(client, path)
    assert warm <= WARM_QUERIES  # the figures came from the cache
    assert "Kanal 5" in html


def test_it_keeps_the_figures_for_a_while_and_shows_an_added_story_at_once(org, anna, page):
    campaign, client, path = page
    _grow(org, campaign, channels=1, stories=1, days=2)
    outside = Story.objects.create(organisation=org, title="Herzwoche: Was Ihr Herz stark hält")
    first = campaigns.cached_report(campaign)
    assert first.totals == campaigns.report(campaign).totals
    JobApplication.objects.create(
        organisation=org, external_id="late", received_at=DAY, campaign=campaign, source="csv"
    )
    # Within the cache's minutes the page shows the figures it computed...
    assert campaigns.cached_report(campaign).totals["applications"] == 1

    client.post(f"{path}stories/", {"story": outside.pk})
    outside.refresh_from_db()
    assert outside.campaign == campaign
    _, html = _count(client, path)
    assert "Herzwoche" in html.split('id="stories-h"')[1].split("</section>")[0]
    # ...and adding a story forgets them, so the next visit counts again.
    assert campaigns.cached_report(campaign).totals["applications"] == 2
