"""The demo's year of history: plausible, complete where the network reports, missing where
it does not, the same on every run, and rolled up for the pages."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db.models import Sum
from django.test import Client

from carecast.analytics.demo import seed_history
from carecast.analytics.models import (
    ChannelDay,
    JobApplication,
    LinkClickDay,
    MetricSnapshot,
    Post,
    WebsiteVisitDay,
)
from carecast.networks.models import Channel
from carecast.stories.models import Campaign

NOW = dt.datetime(2027, 3, 15, 12, 0, tzinfo=ZoneInfo("Europe/Berlin"))


@pytest.fixture
def demo_channels(org, geburtshilfe, time_machine):
    time_machine.move_to(NOW, tick=False)
    return [
        Channel.objects.create(organisation=org, network=network, name=name)
        for network, name in [("mastodon", "Mastodon – Klinikum"), ("x", "X – Jobs")]
    ]


def test_it_seeds_a_year_the_pages_can_show(org, demo_channels, anna):
    made = seed_history(org)
    assert made > 300
    first = Post.objects.order_by("published_at").first().published_at
    assert first.date() >= (NOW - dt.timedelta(days=366)).date()
    assert MetricSnapshot.objects.count() > made * 4
    assert JobApplication.objects.filter(campaign__isnull=False).exists()
    assert LinkClickDay.objects.aggregate(n=Sum("clicks"))["n"] > 0
    assert WebsiteVisitDay.objects.exists()
    # Mastodon reports no views: missing in the posts and in the rollups, never 0.
    mastodon = demo_channels[0]
    assert not Post.objects.filter(channel=mastodon).exclude(latest_views=None).exists()
    assert ChannelDay.objects.filter(channel=mastodon, posts__gt=0, views=None).exists()
    assert ChannelDay.objects.filter(channel=demo_channels[1], views__gt=0).exists()
    # The campaign page shows the numbers.
    client = Client()
    client.force_login(anna.user)
    campaign = Campaign.objects.get(name="#GameChanger")
    page = client.get(f"/analytics/campaigns/{campaign.pk}/").content.decode()
    assert "Mastodon – Klinikum" in page and "X – Jobs" in page


def test_it_is_the_same_on_every_run_and_only_once(org, demo_channels):
    seed_history(org)
    first = list(
        Post.objects.order_by("published_at", "remote_id").values_list("latest_likes", flat=True)
    )
    assert seed_history(org) == 0  # a second call adds nothing
    Post.objects.all().delete()
    from carecast.analytics.models import TrackedLink

    TrackedLink.objects.all().delete()
    JobApplication.objects.all().delete()
    WebsiteVisitDay.objects.all().delete()
    seed_history(org)
    again = list(
        Post.objects.order_by("published_at", "remote_id").values_list("latest_likes", flat=True)
    )
    assert again == first
