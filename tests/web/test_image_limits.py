"""Images are untrusted input to a decoder: bounded frames and pixels, decoded in a child
process with time and memory limits, refused with a message the uploader understands."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from carecast.lib import images
from carecast.stories.models import MediaAsset
from carecast.web.media import ImageRejected, clean_image


def _animated_gif(frames: int, size: int) -> bytes:
    out = io.BytesIO()
    first, *rest = [Image.new("L", (size, size), n * 12 % 256) for n in range(frames)]
    first.save(out, format="GIF", save_all=True, append_images=rest, loop=0)
    return out.getvalue()


def _png(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


def test_it_refuses_an_animation_with_too_many_pixels_across_its_frames():
    bomb = _animated_gif(frames=20, size=2000)  # 80 million pixels in a small file
    assert len(bomb) < 2_000_000
    with pytest.raises(ImageRejected, match="zu viele Einzelbilder"):
        clean_image(bomb, "tanz.gif")


def test_it_keeps_a_small_animation():
    data, image_format, size = clean_image(_animated_gif(frames=5, size=64), "winken.gif")
    assert image_format == "GIF" and size == (64, 64)
    with Image.open(io.BytesIO(data)) as kept:
        assert kept.n_frames == 5


def test_it_refuses_an_image_it_cannot_decode_within_the_memory_limit(settings):
    settings.CARECAST_IMAGE_MEMORY_MB = 160  # a 6000×6000 RGB image needs 108 MB per copy
    with pytest.raises(ImageRejected, match="zu groß, um es sicher zu verarbeiten"):
        clean_image(_png(6000, 6000), "riesig.png")


def test_it_refuses_an_image_that_takes_too_long(settings):
    # Starting the child alone takes longer than a millisecond: the limit is what refuses.
    with pytest.raises(images.Refused) as refused:
        images.clean(_png(32, 32), seconds=0.001)
    assert refused.value.code == "too_costly"


def test_the_same_image_within_the_limits_is_kept():
    data, image_format, size = clean_image(_png(1200, 800), "station.png")
    assert image_format == "PNG" and size == (1200, 800)


def test_an_upload_that_is_refused_stores_nothing_and_says_why(anna_client):
    bomb = SimpleUploadedFile("tanz.gif", _animated_gif(20, 2000), content_type="image/gif")
    fine = SimpleUploadedFile("winken.gif", _animated_gif(3, 64), content_type="image/gif")
    response = anna_client.post("/media-library/upload/", {"images": [bomb, fine]}, follow=True)
    assert "tanz.gif hat zu viele Einzelbilder" in response.content.decode()
    assert list(MediaAsset.objects.values_list("width", flat=True)) == [64]
