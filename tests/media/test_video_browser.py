"""In the browser: upload a landscape clip in pieces from the media library, see which networks
it fits, set the focus point on its poster frame, make the TikTok version and watch it become
ready; the composer's video button. Screenshots (German, laptop and phone) land in
``artifacts/screenshots/video/``.

Run: ``.venv/bin/python -m pytest tests/media/test_video_browser.py -m browser``
"""

from __future__ import annotations

import os

import pytest

from carecast.media.models import Rendition, Upload, Work
from carecast.stories.models import MediaAsset
from tests.browser_fixtures import SCREENSHOTS, screenshot_that_fits, signed_in_context

from .conftest import make_clip

OUT = SCREENSHOTS / "video"
LAPTOP, PHONE = (1366, 900), (390, 844)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def open_page(browser, live_server):
    contexts = []

    def open_as(person, path, size=LAPTOP):
        context = signed_in_context(browser, live_server.url, person, "de", *size)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(30_000)
        page.goto(live_server.url + path)
        return page

    yield open_as
    for context in contexts:
        context.close()


def shot(page, name: str) -> None:
    screenshot_that_fits(page, OUT, name)


def test_it_uploads_a_clip_and_makes_the_tiktok_version_with_the_chosen_focus(
    open_page, ben, tmp_path, media_root
):
    clip = make_clip(tmp_path / "flur-rundgang.mp4", size="640x360", seconds=4)
    page = open_page(ben, "/media-library/")

    page.set_input_files("#library-video", str(clip))
    page.wait_for_url("**/media-library/*/")
    asset = MediaAsset.objects.get()
    assert asset.kind == "video" and asset.probe["aspect_label"] == "16:9"
    main = page.inner_text("main")
    assert "Fassungen für die Netzwerke" in main
    assert "passt nicht zu YouTube Shorts" in main
    shot(page, "asset-de-laptop")

    picker = page.locator("[data-focus-picker]")
    box = picker.bounding_box()
    picker.click(position={"x": box["width"] * 0.25, "y": box["height"] * 0.5})
    assert page.input_value("#focus-x") == "0.250"
    page.select_option("#fit-network", "tiktok")
    page.click(".fit-form button[type=submit]")
    page.wait_for_selector(".rendition-done")
    rendition = Rendition.objects.get()
    assert rendition.state == Work.DONE and rendition.focus_x == pytest.approx(0.25, abs=0.01)
    assert rendition.probe["aspect_label"] == "9:16"
    assert "bereit" in page.inner_text("#renditions")
    shot(page, "asset-version-de-laptop")


def test_it_reads_well_on_a_phone(open_page, ben, org, tmp_path, media_root):
    from carecast.media.video import store_video

    asset = store_video(
        make_clip(tmp_path / "kreisssaal.mp4", size="640x360", seconds=4),
        "kreisssaal.mp4",
        org,
        uploaded_by=ben.user,
    )
    Rendition.objects.create(asset=asset, key="instagram", state=Work.RUNNING, progress=0.45)
    Rendition.objects.create(
        asset=asset,
        key="tiktok",
        state=Work.FAILED,
        error="Das Video ist 0:04 lang; TikTok nimmt höchstens 0:03. Bitte kürzen.",
    )

    page = open_page(ben, f"/media-library/{asset.pk}/", PHONE)
    assert page.locator(".rendition-running progress").count() == 1
    shot(page, "asset-de-phone")
    page = open_page(ben, "/media-library/", PHONE)
    shot(page, "library-de-phone")
    page = open_page(ben, "/stories/new/", PHONE)
    assert page.locator("#composer-video").count() == 1
    shot(page, "composer-de-phone")


def test_it_adds_an_uploaded_video_to_the_story_in_the_composer(
    open_page, ben, org, tmp_path, media_root
):
    from carecast.networks.models import Channel

    Channel.objects.create(
        organisation=org,
        network="mastodon",
        name="Mastodon – Klinikum",
        handle="klinikum",
        base_url="http://127.0.0.1:9",
    )
    page = open_page(ben, "/stories/new/", LAPTOP)

    page.set_input_files("#composer-video", str(make_clip(tmp_path / "tanz.mp4", seconds=3)))
    page.wait_for_selector(".media-item")

    item = page.inner_text(".media-item")
    assert "Video · 16:9 · 3 s" in item
    assert "Video bereit." in page.inner_text(".video-status")
    asset = MediaAsset.objects.get()
    assert page.locator(f"input[name=media][value='{asset.pk}']").count() == 1
    shot(page, "composer-de-laptop")


def test_it_sends_a_large_file_in_pieces_and_continues_after_a_lost_piece(
    open_page, ben, media_root
):
    from carecast.media import uploads

    size = uploads.CHUNK_BYTES * 2 + 12345  # three pieces
    page = open_page(ben, "/media-library/")
    pieces, dropped = [], []

    def drop_second_piece_once(route):
        if route.request.method == "PUT" and len(pieces) == 1 and not dropped:
            dropped.append(route.request.headers["x-upload-offset"])
            route.abort("connectionreset")  # the connection dies mid-upload
            return
        if route.request.method == "PUT":
            pieces.append(int(route.request.headers["x-upload-offset"]))
        route.continue_()

    page.route("**/media-library/uploads/**", drop_second_piece_once)
    page.set_input_files(
        "#library-video",
        files=[{"name": "dance.mp4", "mimeType": "video/mp4", "buffer": os.urandom(size)}],
    )
    page.wait_for_selector(".video-status:has-text('kein lesbares Video')")

    step = uploads.CHUNK_BYTES
    assert dropped == [str(step)]
    assert pieces == [0, step, 2 * step]  # the lost piece sent again, nothing twice
    upload = Upload.objects.get()
    assert (upload.received, upload.state) == (size, Work.FAILED)
    assert "dance.mp4 ist kein lesbares Video." in page.inner_text(".video-status")
    assert not MediaAsset.objects.exists()
