"""The media pages speak to people: tag labels instead of the keys the checks read, video
words on a video's page, and an upload button that says it takes photos."""

from __future__ import annotations

from tests.web.test_media_library import asset_for, png_bytes  # noqa: F401 - fixture


def test_it_shows_tag_labels_not_internal_keys(anna_client, asset_for):  # noqa: F811
    photo = asset_for(name="vorher.png", alt_text="Vorher")
    body = anna_client.get(f"/media-library/{photo.pk}/").content.decode()
    assert "Vorher-Nachher-Vergleich" in body and "OP / Operationssaal" in body
    assert "vorher-nachher (" not in body and "op (" not in body and "kind (" not in body
    assert 'value="vorher-nachher"' in body  # still what the check reads
    assert "Was das Bild zeigt" in body and "Bildnachweis" in body


def test_it_uses_video_words_on_a_video_page(anna_client, asset_for):  # noqa: F811
    video = asset_for(name="rundgang.mp4", kind="video", mime_type="video/mp4", alt_text="Flur")
    body = anna_client.get(f"/media-library/{video.pk}/").content.decode()
    assert "Was das Video zeigt" in body and "Videonachweis" in body
    assert "die das Video nicht sehen können" in body
    assert "Was das Bild zeigt" not in body and "Bildnachweis" not in body


def test_it_says_the_upload_button_takes_photos(anna_client):
    body = anna_client.get("/media-library/").content.decode()
    assert "Fotos hochladen" in body and "Bilder hochladen" not in body
