"""A video post is checked before it is scheduled: the network's video limits (with reasons),
and the music licence — a video whose music is unlicensed for the brand account is blocked."""

from __future__ import annotations

import datetime as dt

import pytest

from carecast.media.services import request_fit
from carecast.media.video import store_video
from carecast.networks.models import Channel
from carecast.publishing.compliance import findings_for_variant
from carecast.publishing.models import Publication
from carecast.publishing.services import ComplianceBlocked, PublishingError, schedule
from carecast.stories.models import MusicLicence

pytestmark = pytest.mark.django_db
DUE = dt.datetime(2026, 12, 8, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def mastodon(org):
    return Channel.objects.create(
        organisation=org,
        network="mastodon",
        name="Mastodon – Klinikum",
        handle="klinikum",
        base_url="http://127.0.0.1:9",
    )


def stored_clip(made, name, org, ben, *, alt_text, music_title, licence):
    """A clip in the media library with what its page says about picture and music."""
    asset = store_video(made, name, org, uploaded_by=ben.user)
    asset.alt_text, asset.music_title, asset.music_licence = alt_text, music_title, licence
    asset.save()
    return asset


def assert_music_blocks(variant, words: str, ben) -> None:
    """The music check blocks ``variant`` naming ``words``, and scheduling is refused."""
    [finding] = [f for f in findings_for_variant(variant) if f.id == "music.unlicensed"]
    assert finding.blocks
    assert words in finding.message
    with pytest.raises(ComplianceBlocked):
        schedule(variant, DUE, actor=ben.user)
    assert not Publication.objects.exists()


@pytest.fixture
def dance(org, ben, clip, media_root):
    return stored_clip(
        clip(seconds=3),
        "tanz.mp4",
        org,
        ben,
        alt_text="Das Team der Notaufnahme tanzt im Flur",
        music_title="Jerusalema – Master KG",
        licence=MusicLicence.NONE,
    )


def test_it_blocks_a_video_whose_music_has_no_licence(story_for, mastodon, dance, ben):
    story = story_for(mastodon, media=[dance], text="Die Notaufnahme tanzt!")
    assert_music_blocks(story.variants.get(), "Jerusalema – Master KG", ben)


def test_it_plans_the_same_video_with_its_own_music(story_for, mastodon, dance, ben):
    dance.music_licence = MusicLicence.OWN
    dance.save()
    story = story_for(mastodon, media=[dance], text="Die Notaufnahme tanzt!")

    publication = schedule(story.variants.get(), DUE, actor=ben.user)

    assert publication.pk is not None


def test_it_says_why_a_video_does_not_fit_a_mastodon_server(story_for, org, dance, ben):
    dance.music_licence = MusicLicence.OWN
    dance.save()
    small_server = Channel.objects.create(
        organisation=org,
        network="mastodon",
        name="Mastodon – klein",
        handle="klein",
        base_url="http://127.0.0.1:9",
        config={"video_size_limit": 10_000},
    )
    story = story_for(small_server, media=[dance], text="Die Notaufnahme tanzt!")

    with pytest.raises(PublishingError) as refused:
        schedule(story.variants.get(), DUE, actor=ben.user)
    assert "Mastodon nimmt höchstens" in str(refused.value)


def test_it_sends_the_version_fitted_to_the_network(
    story_for, org, dance, ben, django_capture_on_commit_callbacks
):
    dance.music_licence = MusicLicence.OWN
    dance.save()
    bluesky = Channel.objects.create(
        organisation=org,
        network="bluesky",
        name="Bluesky",
        handle="klinikum.bsky.social",
        base_url="http://127.0.0.1:9",
    )
    story = story_for(bluesky, media=[dance], text="Die Notaufnahme tanzt!")
    variant = story.variants.get()
    with django_capture_on_commit_callbacks(execute=True):
        request_fit(dance, "bluesky")

    from carecast.publishing.dispatch import build_request

    [sent] = build_request(Publication(variant=variant, channel=bluesky)).media
    assert sent.probe["aspect_label"] == "9:16" and sent.mime_type == "video/mp4"
    assert schedule(variant, DUE, actor=ben.user).pk


def test_it_tells_the_composer_why_the_video_does_not_fit_before_planning(org, dance):
    from carecast.stories.services import report

    small_server = Channel.objects.create(
        organisation=org,
        network="mastodon",
        name="Mastodon – klein",
        handle="klein",
        base_url="http://127.0.0.1:9",
        config={"video_size_limit": 10_000, "video_frame_rate_limit": 25},
    )

    problems = report(small_server, "Die Notaufnahme tanzt!", [dance]).problems

    assert [p.code for p in problems] == ["video_too_large", "video_fps"]
    assert "30 Bilder pro Sekunde; Mastodon nimmt höchstens 25" in problems[1].message


def test_it_runs_the_consent_checks_on_a_video_post(story_for, mastodon, dance, ben):
    from carecast.stories.models import PersonShown

    dance.music_licence = MusicLicence.OWN
    dance.save()
    PersonShown.objects.create(asset=dance, name="Pfleger Tom", consent=PersonShown.Consent.NONE)
    story = story_for(mastodon, media=[dance], text="Die Notaufnahme tanzt!")
    variant = story.variants.get()

    blocking = [f.id for f in findings_for_variant(variant) if f.blocks]
    assert blocking == ["consent.person_missing"]
    with pytest.raises(ComplianceBlocked):
        schedule(variant, DUE, actor=ben.user)


@pytest.fixture
def youtube(org):
    return Channel.objects.create(
        organisation=org,
        network="youtube",
        name="YouTube – Klinikum",
        handle="klinikum",
        base_url="http://127.0.0.1:9",
    )


@pytest.fixture
def long_short(org, ben, clip, media_root):
    """A vertical clip of 61 seconds with stock music: YouTube makes it a Short."""
    return stored_clip(
        clip("schicht.mp4", size="90x160", seconds=61, rate=5),
        "schicht.mp4",
        org,
        ben,
        alt_text="Schichtwechsel auf Station 5A",
        music_title="Sunny Day – Stock Library",
        licence=MusicLicence.LICENSED,
    )


def test_it_blocks_a_long_short_with_stock_music_on_youtube(story_for, youtube, long_short, ben):
    story = story_for(youtube, media=[long_short], text="Schichtwechsel auf Station 5A")
    assert_music_blocks(story.variants.get(), "61 Sekunden als Short", ben)


def test_it_plans_the_same_long_short_elsewhere_or_with_own_music(
    story_for, youtube, mastodon, long_short, ben
):
    elsewhere = story_for(mastodon, media=[long_short], text="Schichtwechsel auf Station 5A")
    assert schedule(elsewhere.variants.get(), DUE, actor=ben.user).pk

    long_short.music_licence = MusicLicence.OWN
    long_short.save()
    own = story_for(youtube, media=[long_short], text="Schichtwechsel auf Station 5A")
    assert not [f for f in findings_for_variant(own.variants.get()) if f.blocks]


def test_it_shows_the_composer_why_a_long_short_is_blocked(youtube, long_short, anna):
    from django.test import Client

    client = Client()
    client.force_login(anna.user)
    data = {
        "title": "Schichtwechsel",
        "text": "Schichtwechsel auf Station 5A",
        "link": "",
        "hashtags": "",
        "department": "",
        "channels": [youtube.pk],
        "media": [long_short.pk],
        "action": "save",
    }

    body = client.post("/compose/live/variants/", data).content.decode()

    assert 'data-finding="music.unlicensed"' in body
    assert "wird weltweit gesperrt, sobald Content ID seine Musik beansprucht" in body
    assert "https://support.google.com/youtube/answer/6013276" in body
