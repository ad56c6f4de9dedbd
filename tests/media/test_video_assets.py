"""A video upload becomes an asset in the worker: chunked and resumable, metadata stripped,
poster and thumbnails, the probe stored; versions for networks made by the worker."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from carecast.media import uploads
from carecast.media.models import Rendition, Upload, Work
from carecast.media.services import request_fit
from carecast.media.video import VideoRejected, media_file, store_video
from carecast.stories.models import MediaAsset

pytestmark = pytest.mark.django_db


def send_in_pieces(upload: Upload, data: bytes, size: int = 4096) -> None:
    for start in range(0, len(data), size):
        uploads.append(upload, start, data[start : start + size])


def tags_of(path: Path) -> str:
    return subprocess.run(
        ["ffprobe", "-v", "error", "-show_format", "-show_streams", str(path)],
        capture_output=True,
        text=True,
    ).stdout


def test_it_stores_a_video_without_its_location(org, ben, clip, media_root):
    source = clip(extra=("-metadata", "location=+52.5200+013.4050/"))

    asset = store_video(source, "tanz.mp4", org, uploaded_by=ben.user)

    assert asset.kind == MediaAsset.Kind.VIDEO and asset.mime_type == "video/mp4"
    assert (asset.width, asset.height) == (320, 180)
    assert asset.probe["aspect_label"] == "16:9" and asset.probe["duration"] > 2.5
    assert "52.5200" not in tags_of(Path(asset.file.path))
    assert asset.poster and Path(asset.poster.path).read_bytes()[:2] == b"\xff\xd8"
    assert len(asset.thumbnails) == 3


def test_it_keeps_the_original_streams_without_re_encoding(org, clip, media_root):
    source = clip()

    asset = store_video(source, "tanz.mp4", org)

    before = subprocess.run(
        [
            "ffprobe",
            "-v",
            "error",
            "-show_entries",
            "stream=codec_name,bit_rate,nb_frames",
            "-of",
            "csv",
            str(source),
        ],
        capture_output=True,
        text=True,
    ).stdout
    after = subprocess.run(
        [
            "ffprobe",
            "-v",
            "error",
            "-show_entries",
            "stream=codec_name,bit_rate,nb_frames",
            "-of",
            "csv",
            asset.file.path,
        ],
        capture_output=True,
        text=True,
    ).stdout
    assert before == after


def test_it_refuses_a_file_that_only_pretends_to_be_a_video(org, tmp_path, media_root):
    fake = tmp_path / "dance.mp4"
    fake.write_bytes(b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 500)

    with pytest.raises(VideoRejected, match="dance.mp4 ist kein lesbares Video"):
        store_video(fake, "dance.mp4", org)
    assert not MediaAsset.objects.exists()


def test_it_receives_a_video_in_pieces_and_the_worker_makes_the_asset(
    org, ben, clip, media_root, django_capture_on_commit_callbacks
):
    data = clip().read_bytes()
    upload = uploads.start(org, ben.user, "rundgang.mp4", len(data))

    send_in_pieces(upload, data)
    with django_capture_on_commit_callbacks(execute=True):
        uploads.finish(upload)

    upload.refresh_from_db()
    assert upload.state == Work.DONE
    assert upload.asset.kind == MediaAsset.Kind.VIDEO
    assert upload.asset.uploaded_by == ben.user
    assert not uploads.part_path(upload).exists()  # the upload with its tags is gone


def test_it_refuses_a_piece_out_of_order_and_says_where_to_continue(org, ben, media_root):
    upload = uploads.start(org, ben.user, "rundgang.mp4", 10_000)
    uploads.append(upload, 0, b"a" * 4000)

    with pytest.raises(uploads.OutOfStep) as skipped:
        uploads.append(upload, 8000, b"b" * 2000)
    assert skipped.value.received == 4000
    with pytest.raises(uploads.OutOfStep):
        uploads.append(upload, 0, b"a" * 4000)  # a repeated piece is not written twice

    assert uploads.append(upload, 4000, b"c" * 6000) == 10_000
    assert uploads.part_path(upload).read_bytes() == b"a" * 4000 + b"c" * 6000


def test_it_does_not_finish_an_upload_with_bytes_missing(org, ben, media_root):
    upload = uploads.start(org, ben.user, "rundgang.mp4", 10_000)
    uploads.append(upload, 0, b"a" * 4000)

    with pytest.raises(uploads.OutOfStep):
        uploads.finish(upload)
    assert Upload.objects.get(pk=upload.pk).state == Work.WAITING


def test_it_refuses_an_empty_or_huge_upload(org, ben, media_root):
    with pytest.raises(uploads.UploadError, match="leer"):
        uploads.start(org, ben.user, "leer.mp4", 0)
    with pytest.raises(uploads.UploadError, match="größer als 4 GB"):
        uploads.start(org, ben.user, "riesig.mp4", 5 * 1024**3)


def test_it_reports_a_corrupt_upload_in_words_and_keeps_nothing(
    org, ben, media_root, django_capture_on_commit_callbacks
):
    data = b"not a video" * 100
    upload = uploads.start(org, ben.user, "dance.mp4", len(data))
    send_in_pieces(upload, data)

    with django_capture_on_commit_callbacks(execute=True):
        uploads.finish(upload)

    upload.refresh_from_db()
    assert upload.state == Work.FAILED
    assert upload.error == "dance.mp4 ist kein lesbares Video."
    assert not MediaAsset.objects.exists()


def test_it_accepts_a_video_from_the_plain_form(
    org, ben, clip, media_root, django_capture_on_commit_callbacks
):
    data = clip().read_bytes()
    form_file = SimpleUploadedFile("tanz.mp4", data, content_type="video/mp4")

    with django_capture_on_commit_callbacks(execute=True):
        upload = uploads.from_file(org, ben.user, form_file)

    upload.refresh_from_db()
    assert upload.state == Work.DONE and upload.asset.kind == MediaAsset.Kind.VIDEO


@pytest.fixture
def landscape(org, ben, clip, media_root) -> MediaAsset:
    return store_video(clip(size="320x180", seconds=3), "flur.mp4", org, uploaded_by=ben.user)


def test_it_makes_a_9_16_version_in_the_worker(landscape, ben, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        rendition = request_fit(landscape, "tiktok", focus=(0.25, 0.4), actor=ben.user)

    rendition.refresh_from_db()
    assert rendition.state == Work.DONE and rendition.progress == 1.0
    assert rendition.probe["aspect_label"] == "9:16"
    assert Path(rendition.file.path).exists()
    landscape.refresh_from_db()
    assert (landscape.focus_x, landscape.focus_y) == (0.25, 0.4)


def test_it_records_why_a_version_could_not_be_made(
    org, clip, media_root, django_capture_on_commit_callbacks
):
    short = store_video(clip(seconds=1), "kurz.mp4", org)

    with django_capture_on_commit_callbacks(execute=True):
        rendition = request_fit(short, "tiktok")

    rendition.refresh_from_db()
    assert rendition.state == Work.FAILED
    assert "TikTok braucht mindestens 3 Sekunden" in rendition.error


def test_it_makes_a_version_once_when_the_task_arrives_twice(
    landscape, django_capture_on_commit_callbacks
):
    from carecast.media.services import run_rendition

    with django_capture_on_commit_callbacks(execute=True):
        rendition = request_fit(landscape, "mastodon")
    first = Rendition.objects.get(pk=rendition.pk).file.name

    run_rendition(rendition.pk)

    assert Rendition.objects.get(pk=rendition.pk).file.name == first


def test_it_gives_connectors_the_networks_version_with_captions_and_poster(
    landscape, captions, django_capture_on_commit_callbacks
):
    from django.core.files import File

    with captions.open("rb") as handle, django_capture_on_commit_callbacks(execute=True):
        request_fit(landscape, "bluesky", captions=File(handle, name="untertitel.srt"))

    for_bluesky = media_file(landscape, "bluesky")
    for_mastodon = media_file(landscape, "mastodon")

    assert for_bluesky.probe["aspect_label"] == "9:16"
    assert for_bluesky.captions is not None and for_bluesky.captions.suffix == ".vtt"
    assert for_bluesky.poster == Path(landscape.poster.path)
    assert for_mastodon.path == Path(landscape.file.path)  # no version for Mastodon: original
    assert for_mastodon.probe == landscape.probe


NOW = dt.datetime(2026, 12, 7, 12, 0, tzinfo=dt.UTC)


def test_it_drops_an_upload_nobody_continued_for_a_day(org, ben, media_root):
    from carecast.media.services import tidy

    old = uploads.start(org, ben.user, "alt.mp4", 10_000)
    fresh = uploads.start(org, ben.user, "neu.mp4", 10_000)
    Upload.objects.filter(pk=old.pk).update(updated_at=NOW - dt.timedelta(hours=25))
    Upload.objects.filter(pk=fresh.pk).update(updated_at=NOW - dt.timedelta(hours=1))

    assert tidy(NOW)["abandoned"] == 1
    assert list(Upload.objects.values_list("filename", flat=True)) == ["neu.mp4"]
    assert not uploads.part_path(old).exists() and uploads.part_path(fresh).exists()


def test_it_hands_a_version_a_killed_worker_left_running_to_a_worker_again(
    landscape, django_capture_on_commit_callbacks
):
    from carecast.media.services import tidy

    rendition = Rendition.objects.create(asset=landscape, key="tiktok", state=Work.RUNNING)
    Rendition.objects.filter(pk=rendition.pk).update(created_at=NOW - dt.timedelta(hours=7))

    with django_capture_on_commit_callbacks(execute=True):
        assert tidy(NOW)["renditions"] == 1

    rendition.refresh_from_db()
    assert rendition.state == Work.DONE and rendition.probe["aspect_label"] == "9:16"


def test_it_leaves_a_version_alone_that_is_still_being_made(landscape):
    from carecast.media.services import tidy

    rendition = Rendition.objects.create(asset=landscape, key="tiktok", state=Work.RUNNING)
    Rendition.objects.filter(pk=rendition.pk).update(created_at=NOW - dt.timedelta(hours=1))

    assert tidy(NOW)["renditions"] == 0
    assert Rendition.objects.get(pk=rendition.pk).state == Work.RUNNING
