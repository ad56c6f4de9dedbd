"""A story's captions go to YouTube in the story's language: the post's choice, else the
organisation's (never a fixed "de"); the post page says whether YouTube took them, or why not."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from carecast.media.services import request_fit
from carecast.media.video import store_video
from carecast.networks.models import Channel
from carecast.publishing import dispatch
from carecast.publishing.models import Publication, State
from carecast.publishing.services import schedule
from carecast.stories.models import MusicLicence
from tests.networks.test_youtube_connector import CHOICES

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 12, 8, 9, 0, tzinfo=dt.UTC)
SRT = b"1\n00:00:00,000 --> 00:00:01,500\nWelcome to ward 5A\n"


def _channel(org, sandbox, **account) -> Channel:
    remote = sandbox.add_account(
        "youtube", "klinikum", "yt-token", display_name="Klinikum", **account
    )
    channel = Channel(
        organisation=org,
        network="youtube",
        name="YouTube – Klinikum",
        handle="@klinikum",
        base_url=f"{sandbox.base_url}/youtube",
        remote_user_id=remote["id"],
        is_sandbox=True,
    )
    channel.set_credentials({"access_token": "yt-token"})
    channel.save()
    return channel


@pytest.fixture
def youtube(org, sandbox, settings):
    settings.CARECAST_SANDBOX = True
    return _channel(org, sandbox)


@pytest.fixture
def captioned(org, ben, clip, media_root, django_capture_on_commit_callbacks):
    """A vertical clip with own music and a YouTube Shorts version carrying a caption file."""
    asset = store_video(clip(size="180x320", seconds=3), "rundgang.mp4", org, uploaded_by=ben.user)
    asset.alt_text, asset.music_licence = "Rundgang über Station 5A", MusicLicence.OWN
    asset.save()
    with django_capture_on_commit_callbacks(execute=True):
        request_fit(asset, "youtube_shorts", captions=SimpleUploadedFile("subs.srt", SRT))
    assert asset.renditions.get().captions
    return asset


def _publish(story_for, youtube, asset, ben, **options) -> Publication:
    story = story_for(youtube, media=[asset], text="A tour of ward 5A")
    variant = story.variants.get()
    variant.options = {**CHOICES, **options}
    variant.save(update_fields=["options"])
    with time_machine.travel(NOW, tick=False):
        publication = schedule(variant, NOW, actor=ben.user)
        dispatch.publish_one(publication.pk)
    publication.refresh_from_db()
    assert publication.state == State.PUBLISHED, publication.last_error
    return publication


def _sent(sandbox) -> tuple[dict, list[dict]]:
    """The video resource that opened the upload session, and the caption tracks."""
    assert len(sandbox.posts("youtube")) == 1
    [opened] = sandbox.requests("youtube", "/youtube/upload/youtube/v3/videos", "POST")
    return opened["json"], sandbox.youtube_state["captions"]


def test_it_sends_captions_in_the_organisations_language(
    org, youtube, captioned, story_for, ben, sandbox, client
):
    org.language = "en"
    org.save(update_fields=["language"])

    publication = _publish(story_for, youtube, captioned, ben)

    video, [caption] = _sent(sandbox)
    assert video["snippet"]["defaultLanguage"] == "en"
    assert (caption["snippet"]["language"], caption["snippet"]["name"]) == ("en", "Captions")
    assert publication.upload_state["captions"] == "uploaded"
    client.force_login(ben.user)
    page = client.get(f"/publications/{publication.pk}/").content.decode()
    assert "Untertitel" in page and "hochgeladen (Englisch)" in page


def test_it_takes_the_posts_own_language_before_the_organisations(
    org, youtube, captioned, story_for, ben, sandbox
):
    assert org.language == "de"  # German unless the organisation says otherwise

    _publish(story_for, youtube, captioned, ben, language="en")

    video, [caption] = _sent(sandbox)
    assert video["snippet"]["defaultLanguage"] == caption["snippet"]["language"] == "en"


def test_it_shows_why_youtube_refused_the_captions_on_the_post_page(
    org, captioned, story_for, ben, sandbox, client, settings
):
    settings.CARECAST_SANDBOX = True
    refusing = _channel(org, sandbox, options={"force_ssl": False})

    publication = _publish(story_for, refusing, captioned, ben)

    assert sandbox.youtube_state["captions"] == []
    client.force_login(ben.user)
    page = client.get(f"/publications/{publication.pk}/").content.decode()
    assert "nicht hochgeladen" in page and "insufficientPermissions" in page
