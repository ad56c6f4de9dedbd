"""YouTube's daily upload quota: ``videos.insert`` costs 1,600 of the project's 10,000 units,
so six uploads a day; the composer warns before a day's plan would need a seventh."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from carecast.publishing import daily_limits
from tests.web.conftest import berlin

THURSDAY = berlin(2026, 11, 19, 0, 0).date()


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def youtube(channel_factory):
    channel = channel_factory("youtube", "YouTube – Klinikum", handle="@klinikum")
    channel.set_credentials({"access_token": "unused: the quota is counted, not asked"})
    channel.save()
    return channel


def test_it_warns_when_a_days_uploads_would_exceed_the_quota(
    wednesday, anna_client, youtube, publication_factory
):
    for hour in range(9, 15):  # six uploads: the whole quota
        publication_factory(youtube, due_at=berlin(2026, 11, 19, hour, 0), title=f"Video {hour}")
    [warning] = daily_limits.plan_warnings([youtube], THURSDAY, "Europe/Berlin")
    assert (warning.planned, warning.limit.total) == (7, 6)
    form = {"channels": [youtube.pk], "due": "2026-11-19T18:00"}
    body = anna_client.post("/compose/live/due/", form).content.decode()
    assert "YouTube – Klinikum: 7 Beiträge am 19.11.2026 geplant" in body


def test_it_follows_a_larger_quota(wednesday, youtube, publication_factory, settings):
    settings.CARECAST_YOUTUBE_DAILY_QUOTA = 16_000  # ten uploads
    for hour in range(9, 15):
        publication_factory(youtube, due_at=berlin(2026, 11, 19, hour, 0), title=f"Video {hour}")
    assert daily_limits.plan_warnings([youtube], THURSDAY, "Europe/Berlin") == []
