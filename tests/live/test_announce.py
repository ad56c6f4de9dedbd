"""Announcement posts: drafted as stories and scheduled through the publishing path."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone, translation

from carecast.live import announce
from carecast.live.models import Announcement
from carecast.publishing.models import Publication, State
from carecast.publishing.services import PublishingError


def test_it_schedules_four_announcements_with_the_question_page(live_session, channel_on, anna):
    start = timezone.now() + dt.timedelta(days=10)
    live_session.starts_at, live_session.ends_at = start, start + dt.timedelta(hours=1)
    live_session.save()
    live_session.channels.set([channel_on("mastodon")])
    made = announce.create_announcements(live_session, actor=anna.user)
    assert sorted(p.due_at - start for p in made) == [
        -dt.timedelta(days=7),
        -dt.timedelta(days=1),
        -dt.timedelta(hours=1),
        dt.timedelta(0),
    ]
    assert all(p.state == State.SCHEDULED for p in made)
    assert all("/live/geburt/" in p.text for p in made)
    assert set(live_session.announcements.values_list("kind", flat=True)) == set(
        Announcement.Kind.values
    )
    # Twice is once: the moments already planned are not planned again.
    assert announce.create_announcements(live_session) == []
    assert Publication.objects.count() == 4


def test_it_leaves_out_moments_already_past(live_session, channel_on):
    live_session.starts_at = timezone.now() + dt.timedelta(hours=3)
    live_session.save()
    live_session.channels.set([channel_on("mastodon")])
    announce.create_announcements(live_session)
    kinds = set(live_session.announcements.values_list("kind", flat=True))
    assert kinds == {Announcement.Kind.HOUR, Announcement.Kind.START}


def test_it_needs_a_channel(live_session):
    with pytest.raises(PublishingError):
        announce.create_announcements(live_session)


def test_it_puts_the_stream_links_in_the_live_now_post_and_the_title_once(
    live_session, channel_on, anna
):
    start = timezone.now() + dt.timedelta(days=10)
    live_session.starts_at, live_session.ends_at = start, start + dt.timedelta(hours=1)
    live_session.title = "Live-Sprechstunde: Diabetes im Alltag"
    live_session.stream_links = (
        "https://www.youtube.com/live/abc\nhttps://www.instagram.com/klinikum"
    )
    live_session.save()
    live_session.channels.set([channel_on("mastodon")])
    with translation.override("de"):
        announce.create_announcements(live_session, actor=anna.user)
    start_post = Publication.objects.get(
        variant__story=live_session.announcements.get(kind=Announcement.Kind.START).story
    )
    assert "Jetzt live: „Diabetes im Alltag“." in start_post.text
    assert "https://www.youtube.com/live/abc" in start_post.text
    assert "https://www.instagram.com/klinikum" in start_post.text
    for post in Publication.objects.all():
        assert post.text.count("Live-Sprechstunde") <= 1
