"""The video pages: chunked upload from the browser's point of view, the fit form, the versions
while the worker makes them, and the files behind them."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from carecast.media.models import Rendition, Upload, Work
from carecast.media.video import store_video
from carecast.stories.models import MediaAsset
from tests.web.conftest import login

pytestmark = pytest.mark.django_db


def start(client, name: str, size: int):
    return client.post(reverse("web:video_upload_start"), {"name": name, "size": str(size)})


def put(client, upload_id: str, offset: int, data: bytes):
    return client.put(
        reverse("web:video_upload_piece", args=[upload_id]),
        data,
        content_type="application/octet-stream",
        headers={"X-Upload-Offset": str(offset)},
    )


def test_it_takes_a_video_in_pieces_and_resumes_after_a_lost_piece(
    ben, clip, media_root, django_capture_on_commit_callbacks
):
    client = login(ben)
    data = clip().read_bytes()
    opened = start(client, "rundgang.mp4", len(data)).json()
    upload_id, half = opened["id"], len(data) // 2

    assert put(client, upload_id, 0, data[:half]).json()["received"] == half
    # The browser lost the answer and sends the same piece again: refused with where to go on.
    again = put(client, upload_id, 0, data[:half])
    assert again.status_code == 409 and again.json()["received"] == half
    status = client.get(reverse("web:video_upload_piece", args=[upload_id])).json()
    assert status["received"] == half
    put(client, upload_id, half, data[half:])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("web:video_upload_finish", args=[upload_id]))

    done = client.get(reverse("web:video_upload_piece", args=[upload_id])).json()
    assert done["state"] == "done"
    asset = MediaAsset.objects.get(pk=done["asset"])
    assert asset.kind == "video" and asset.uploaded_by == ben.user


def test_it_shows_a_corrupt_upload_as_a_clear_german_error(
    ben, media_root, django_capture_on_commit_callbacks
):
    client = login(ben)
    data = b"kein video" * 50
    upload_id = start(client, "dance.mp4", len(data)).json()["id"]
    put(client, upload_id, 0, data)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("web:video_upload_finish", args=[upload_id]))

    item = client.get(reverse("web:video_upload_item", args=[upload_id]))
    assert "dance.mp4 ist kein lesbares Video." in item.content.decode()
    assert Upload.objects.get(pk=upload_id).state == Work.FAILED


def test_it_no_longer_calls_a_video_an_unreadable_image(
    ben, clip, media_root, django_capture_on_commit_callbacks
):
    client = login(ben)
    video = SimpleUploadedFile("dance.mp4", clip().read_bytes(), content_type="video/mp4")

    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(reverse("web:media_upload"), {"images": [video]}, follow=True)

    text = page.content.decode()
    assert "kein lesbares Bild" not in text
    # The worker checks it after the request: the page says so, then the asset is there.
    assert "dance.mp4 wird geprüft und erscheint gleich in der Mediathek." in text
    assert MediaAsset.objects.get().kind == "video"


def test_it_points_a_video_in_the_composers_image_field_to_the_video_button(ben, clip, media_root):
    client = login(ben)
    video = SimpleUploadedFile("dance.mp4", clip().read_bytes(), content_type="video/mp4")

    answer = client.post(reverse("web:compose_upload"), {"images": [video]})

    assert "dance.mp4 ist ein Video" in answer.content.decode()
    assert "kein lesbares Bild" not in answer.content.decode()


@pytest.fixture
def video(org, ben, clip, media_root):
    return store_video(clip(), "flur.mp4", org, uploaded_by=ben.user)


def test_it_shows_which_networks_the_original_fits(ben, video):
    page = login(ben).get(reverse("web:media_asset", args=[video.pk])).content.decode()

    assert "Fassungen für die Netzwerke" in page
    assert "16:9 · 320 × 180 px" in page
    # A 16:9 clip is no Short, and 320 px is too small for TikTok.
    assert "Das Bildformat (16:9) passt nicht zu YouTube Shorts" in page
    assert "320 × 180 Pixel sind zu klein für TikTok" in page
    assert 'data-focus-picker="fit-form"' in page


def test_it_makes_a_version_with_the_chosen_focus_and_lists_it(
    ben, video, django_capture_on_commit_callbacks
):
    client = login(ben)
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(
            reverse("web:media_fit", args=[video.pk]),
            {"network": "tiktok", "mode": "crop", "focus_x": "0.2", "focus_y": "0.6"},
        )

    assert answer.status_code == 302
    rendition = Rendition.objects.get()
    assert (rendition.state, rendition.key, rendition.focus_x) == (Work.DONE, "tiktok", 0.2)
    listed = client.get(reverse("web:media_renditions", args=[video.pk])).content.decode()
    assert "TikTok" in listed and "bereit" in listed and "360 × 640 px" in listed
    assert "hx-trigger" not in listed  # nothing left to wait for: the list stops polling
    served = client.get(rendition.file.url)
    assert served.status_code == 200 and served["Content-Type"] == "video/mp4"


def test_it_polls_while_a_version_is_being_made(ben, video):
    Rendition.objects.create(asset=video, key="tiktok", state=Work.RUNNING, progress=0.4)

    listed = login(ben).get(reverse("web:media_renditions", args=[video.pk])).content.decode()

    assert 'hx-trigger="every 2s"' in listed
    assert 'value="40"' in listed


def test_it_refuses_captions_that_are_no_caption_file(ben, video):
    bad = SimpleUploadedFile("untertitel.exe", b"MZ", content_type="application/octet-stream")

    page = login(ben).post(
        reverse("web:media_fit", args=[video.pk]),
        {"network": "tiktok", "mode": "crop", "captions": bad},
        follow=True,
    )

    assert "eine SRT- oder WebVTT-Datei mit höchstens 1 MB" in page.content.decode()
    assert not Rendition.objects.exists()


def test_it_serves_the_poster_to_people_who_may_see_the_video(ben, clara, video):
    assert login(ben).get(video.poster.url).status_code == 200
    assert login(clara).get(video.poster.url).status_code == 404  # not her department's


def test_it_takes_pieces_larger_than_djangos_form_limit_but_not_larger_than_a_chunk(
    ben, media_root, settings
):
    from carecast.media import uploads

    client = login(ben)
    piece = b"\x00" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1000)
    upload_id = start(client, "lang.mp4", uploads.CHUNK_BYTES * 2).json()["id"]

    assert put(client, upload_id, 0, piece).json()["received"] == len(piece)
    too_big = put(client, upload_id, len(piece), b"\x00" * (uploads.CHUNK_BYTES + 1))
    assert too_big.status_code == 413


def test_it_answers_a_players_range_request_so_the_video_can_seek(ben, video):
    client = login(ben)
    whole = client.get(video.file.url)
    data = b"".join(whole.streaming_content)
    assert whole["Accept-Ranges"] == "bytes"

    piece = client.get(video.file.url, headers={"Range": "bytes=100-199"})
    assert piece.status_code == 206
    assert piece["Content-Range"] == f"bytes 100-199/{len(data)}"
    assert piece.content == data[100:200]
    tail = client.get(video.file.url, headers={"Range": "bytes=-50"})
    assert tail.content == data[-50:] and tail["Content-Type"] == "video/mp4"
    odd = client.get(video.file.url, headers={"Range": "bytes=0-9,20-29"})
    assert odd.status_code == 200  # several ranges: the whole file
