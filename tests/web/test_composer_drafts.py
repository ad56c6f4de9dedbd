"""Photos uploaded in the composer belong to the library only once a saved story keeps them:
an abandoned first try leaves no "Alt-Text fehlt" photo behind, and the hourly tidy drops it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from carecast.media.services import tidy
from carecast.stories.models import MediaAsset
from tests.web.test_composer import _form

NOW = dt.datetime(2026, 3, 4, 10, 0, tzinfo=dt.UTC)


def _upload(client, jpeg: bytes, name: str = "a.jpg") -> MediaAsset:
    client.post("/compose/upload/", {"images": SimpleUploadedFile(name, jpeg)})
    return MediaAsset.objects.latest("pk")


def test_an_abandoned_upload_stays_out_of_the_library(anna_client, jpeg_with_gps):
    asset = _upload(anna_client, jpeg_with_gps)
    assert asset.draft
    body = anna_client.get("/media-library/").content.decode()
    assert "Noch keine Bilder oder Videos." in body
    assert "Alt-Text fehlt" not in body and asset.file.url not in body


def test_a_saved_story_moves_its_uploads_into_the_library(anna_client, mastodon, jpeg_with_gps):
    asset = _upload(anna_client, jpeg_with_gps)
    anna_client.post(
        "/stories/new/", _form([mastodon], media=[asset.pk], **{f"alt_{asset.pk}": "Der neue MRT"})
    )
    asset.refresh_from_db()
    assert not asset.draft
    assert asset.file.url in anna_client.get("/media-library/").content.decode()


def test_a_failed_first_try_without_javascript_keeps_the_photo_a_draft(
    anna_client, mastodon, jpeg_with_gps
):
    # The title is missing: the form comes back with the photo, nothing is saved.
    response = anna_client.post(
        "/stories/new/",
        _form([mastodon], title="", images=SimpleUploadedFile("b.jpg", jpeg_with_gps)),
    )
    assert response.status_code == 200
    asset = MediaAsset.objects.get()
    assert asset.draft
    assert asset.file.url not in anna_client.get("/media-library/").content.decode()


def test_tidy_drops_drafts_nobody_kept_for_a_day(anna_client, mastodon, jpeg_with_gps):
    with time_machine.travel(NOW - dt.timedelta(hours=25), tick=False):
        old = _upload(anna_client, jpeg_with_gps, "old.jpg")
        kept = _upload(anna_client, jpeg_with_gps, "kept.jpg")
        anna_client.post("/stories/new/", _form([mastodon], media=[kept.pk]))
    with time_machine.travel(NOW - dt.timedelta(hours=2), tick=False):
        recent = _upload(anna_client, jpeg_with_gps, "recent.jpg")
    old_file = Path(old.file.path)
    assert old_file.exists()

    assert tidy(NOW)["drafts"] == 1

    assert set(MediaAsset.objects.values_list("pk", flat=True)) == {kept.pk, recent.pk}
    assert not old_file.exists()
    assert tidy(NOW + dt.timedelta(hours=23))["drafts"] == 1  # the recent one, a day later
