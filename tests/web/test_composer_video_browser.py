"""Browser: the composer's TikTok and YouTube fields on a laptop and a phone (screenshots in
``artifacts/screenshots/composer-video-*.png``; look at them)."""

from __future__ import annotations

import pytest

from tests.browser_fixtures import SCREENSHOTS, signed_in_context

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


@pytest.mark.parametrize("width,height,name", [(1366, 900, "laptop"), (390, 844, "phone")])
def test_it_shows_tiktoks_and_youtubes_fields(
    browser, live_server, anna, video_channels, width, height, name
):
    tiktok, youtube = video_channels
    context = signed_in_context(browser, live_server.url, anna, "de", width, height)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{live_server.url}/stories/new/")
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
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"page is {overflow}px wider than the window"
    assert not errors, errors
    context.close()
