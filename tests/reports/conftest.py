"""A channel with a few months of posts and daily rollups, written as the analytics app does."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from carecast.analytics.models import ChannelDay, Post
from carecast.networks.models import Channel

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture(autouse=True)
def fresh_cache():
    """Figures are cached for a few minutes; each test starts without another's."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def mastodon_channel(org, geburtshilfe):
    return Channel.objects.create(
        organisation=org,
        network="mastodon",
        name="Mastodon – Klinikum",
        handle="klinikum",
        base_url="http://127.0.0.1:9",
        department=geburtshilfe,
    )


@pytest.fixture
def history(org, geburtshilfe, mastodon_channel):
    """Posts in November 2026 and October 2026 and November 2025, each with its day row."""

    def post(
        when,
        fmt="image",
        views=100,
        likes=10,
        comments=2,
        shares=1,
        saves=None,
        department=geburtshilfe,
        text="Post",
    ):
        Post.objects.create(
            organisation=org,
            channel=mastodon_channel,
            remote_id=str(when.timestamp()),
            text=text,
            format=fmt,
            published_at=when,
            department=department,
            latest_views=views,
            latest_likes=likes,
            latest_comments=comments,
            latest_shares=shares,
            latest_saves=saves,
        )

    def day(
        date,
        posts=1,
        views=100,
        likes=10,
        comments=2,
        shares=1,
        followers=None,
        clicks=0,
        applications=0,
    ):
        ChannelDay.objects.create(
            channel=mastodon_channel,
            day=date,
            posts=posts,
            views=views,
            likes=likes,
            comments=comments,
            shares=shares,
            saves=None,
            tracked_clicks=clicks,
            applications=applications,
            followers=followers,
        )

    # November 2026: two posts; the video on a Tuesday 9:00 Berlin did best.
    post(
        dt.datetime(2026, 11, 3, 9, 0, tzinfo=BERLIN),
        "video",
        900,
        80,
        10,
        5,
        text="Kreißsaal-Führung",
    )
    post(
        dt.datetime(2026, 11, 5, 18, 0, tzinfo=BERLIN),
        "text",
        None,
        None,
        None,
        None,
        text="Ohne Zahlen",
    )
    day(
        dt.date(2026, 11, 3),
        views=900,
        likes=80,
        comments=10,
        shares=5,
        followers=1500,
        clicks=40,
        applications=3,
    )
    day(dt.date(2026, 11, 5), views=None, likes=None, comments=None, shares=None)
    # October 2026 and November 2025 for the comparisons.
    post(dt.datetime(2026, 10, 7, 12, 0, tzinfo=BERLIN), "image", 450, 30, 5, 5, department=None)
    day(
        dt.date(2026, 10, 7),
        views=450,
        likes=30,
        comments=5,
        shares=5,
        followers=1400,
        clicks=20,
        applications=1,
    )
    day(dt.date(2025, 11, 10), views=300, likes=20, comments=0, shares=0, followers=900)
    return mastodon_channel
