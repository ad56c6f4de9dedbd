"""The composer's TikTok and YouTube fields: the choices TikTok's guidelines require (no
default privacy level, interactions off unless turned on, disclosure, music confirmation),
YouTube's title, visibility and "made for kids"; saved per post, and planning is blocked
with a German reason until they are made."""

from __future__ import annotations

import pytest

from carecast.publishing.models import Publication
from carecast.stories.models import Story

TEXT = "Ein Tag auf der Kinderstation: unser Team stellt sich vor."


@pytest.fixture
def tiktok(channel_factory):
    return channel_factory(
        "tiktok",
        "TikTok – Pflege",
        handle="@klinikum_pflege",
        config={
            "privacy_level_options": ["SELF_ONLY"],
            "creator_nickname": "Klinikum Pflege",
            "comment_disabled": True,
        },
    )


@pytest.fixture
def youtube(channel_factory):
    return channel_factory("youtube", "YouTube – Klinikum", handle="@klinikum")


def _form(channels, **fields):
    data = {
        "title": "Kinderstation",
        "text": TEXT,
        "link": "",
        "hashtags": "",
        "department": "",
        "channels": [c.pk for c in channels],
        "action": "save",
    }
    for channel in channels:
        data[f"opt_{channel.pk}_present"] = "1"
    data.update(fields)
    return data


def test_it_shows_tiktoks_choices_without_a_default_and_says_the_app_is_unaudited(
    anna_client, tiktok
):
    body = anna_client.post("/compose/live/variants/", _form([tiktok])).content.decode()
    assert "TikTok-Einstellungen für dieses Video" in body
    assert "Veröffentlicht als Klinikum Pflege" in body
    assert "nur vom Konto selbst" in body  # unaudited: only "Nur ich"
    assert '<option value="">Bitte wählen</option>' in body
    assert '<option value="SELF_ONLY">Nur ich</option>' in body and "PUBLIC_TO_EVERYONE" not in body
    assert (
        f'name="opt_{tiktok.pk}_allow_comment" value="1" disabled' in body
    )  # creator turned it off
    assert "Bestätigung zur Musiknutzung" in body


def test_it_blocks_planning_until_tiktoks_choices_are_made(anna_client, tiktok):
    data = _form([tiktok], action="schedule", due="2099-01-01T10:00")
    body = anna_client.post("/stories/new/", data).content.decode()
    assert "Bitte wählen, wer dieses Video auf TikTok sehen darf." in body
    assert not Publication.objects.exists()


def test_it_saves_tiktoks_choices_on_the_post(anna_client, tiktok):
    fields = {
        f"opt_{tiktok.pk}_privacy_level": "SELF_ONLY",
        f"opt_{tiktok.pk}_allow_duet": "1",
        f"opt_{tiktok.pk}_disclose": "1",
        f"opt_{tiktok.pk}_brand_organic": "1",
        f"opt_{tiktok.pk}_music_confirmed": "1",
    }
    response = anna_client.post("/stories/new/", _form([tiktok], **fields))
    assert response.status_code == 302
    options = Story.objects.get().variants.get().options
    assert options["privacy_level"] == "SELF_ONLY" and options["music_confirmed"] is True
    assert options["disable_comment"] is True and options["disable_duet"] is False
    assert options["brand_organic"] is True and options["brand_content"] is False
    page = anna_client.get(f"/stories/{Story.objects.get().pk}/edit/").content.decode()
    assert '<option value="SELF_ONLY" selected>' in page


def test_it_asks_youtubes_title_visibility_and_made_for_kids(anna_client, youtube):
    body = anna_client.post("/compose/live/variants/", _form([youtube])).content.decode()
    assert "YouTube-Einstellungen für dieses Video" in body
    assert "Ist dieses Video speziell für Kinder?" in body
    assert "Bitte angeben, ob das Video speziell für Kinder ist." in body
    fields = {
        f"opt_{youtube.pk}_title": "Kinderstation",
        f"opt_{youtube.pk}_privacy_status": "unlisted",
        f"opt_{youtube.pk}_made_for_kids": "no",
        f"opt_{youtube.pk}_language": "en",
    }
    anna_client.post("/stories/new/", _form([youtube], **fields))
    options = Story.objects.get().variants.get().options
    assert options == {
        "title": "Kinderstation",
        "privacy_status": "unlisted",
        "made_for_kids": False,
        "language": "en",  # the video's and its captions' (empty: the organisation's)
    }
    page = anna_client.get(f"/stories/{Story.objects.get().pk}/edit/").content.decode()
    assert "Sprache des Videos und der Untertitel" in page
    assert '<option value="en" selected>' in page
