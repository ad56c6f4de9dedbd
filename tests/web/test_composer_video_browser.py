"""Browser: the composer's TikTok and YouTube fields on a laptop and a phone, with a video
attached: its poster frame in the attached media and in both previews (screenshots in
``artifacts/screenshots/composer-video-*.png``; look at them)."""

from __future__ import annotations

import pytest

from carecast.media.video import store_video
from tests.browser_fixtures import SCREENSHOTS, signed_in_context
from tests.networks import video_clips

pytestmark = pytest.mark.browser


@pytest.fixture
def video_channels(channel_factory):
    tiktok = channel_factory(
        "tiktok",
        "TikTok – Pflege",
        handle="@klinikum_pflege",
        config={"privacy_level_options": ["SELF_ONLY"], "creator_nickname": "Klinikum Pflege"},
    )
    youtube = channel_factory("youtube", "YouTube – Klinikum", handle="@klinikum")
    return tiktok, youtube


@pytest.fixture
def landscape_clip(org, anna, media_root, tmp_path):
    made = video_clips.make_clip(tmp_path / "flur.mp4", seconds=3, size="640x360")
    asset = store_video(made, "flur.mp4", org, uploaded_by=anna.user)
    asset.alt_text, asset.focus_x = "Pflegekräfte am Stationstresen", 0.3
    asset.save()
    return asset


@pytest.mark.parametrize("width,height,name", [(1366, 900, "laptop"), (390, 844, "phone")])
def test_it_shows_tiktoks_and_youtubes_fields(
    browser, live_server, anna, video_channels, landscape_clip, width, height, name
):
    tiktok, youtube = video_channels
    context = signed_in_context(browser, live_server.url, anna, "de", width, height)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{live_server.url}/stories/new/?media={landscape_clip.pk}")
    page.fill("#id_title", "Ein Tag auf der Kinderstation")
    for label in ("TikTok – Pflege", "YouTube – Klinikum"):
        page.get_by_label(label).check()
        page.wait_for_load_state("networkidle")
    page.fill(
        "#id_text", "Ein Tag auf der Kinderstation: unser Pflegeteam stellt sich vor. #pflege"
    )
    page.wait_for_timeout(300)
    page.wait_for_load_state("networkidle")
    page.select_option(f"#opt_{youtube.pk}_privacy_status", "unlisted")
    page.screenshot(path=str(SCREENSHOTS / f"composer-video-{name}.png"), full_page=True)
    assert page.get_by_text("TikTok-Einstellungen für dieses Video").is_visible()
    assert page.get_by_text("Veröffentlicht als Klinikum Pflege").is_visible()
    assert page.get_by_text("nur vom Konto selbst zu sehen").is_visible()
    assert page.get_by_text("YouTube-Einstellungen für dieses Video").is_visible()
    assert page.get_by_label("Sprache des Videos und der Untertitel").is_visible()
    # The poster frame: in the attached media and in both previews, loaded (not a broken image).
    poster = landscape_clip.poster.url
    for where in (".media-item .thumb-video", ".post-tiktok .post-video-frame", ".post-youtube"):
        image = page.locator(f"{where} img").first
        assert image.get_attribute("src") == poster, where
        assert image.evaluate("img => img.complete && img.naturalWidth > 0"), where
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"page is {overflow}px wider than the window"
    assert not errors, errors
    context.close()
