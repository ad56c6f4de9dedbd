"""Browser: a video's poster frame and stills on its Mediathek page and on the post page, with
what became of the YouTube captions, on a laptop and a phone (screenshots in
``artifacts/screenshots/video-stills-*.png`` and ``video-post-*.png``; look at them)."""

from __future__ import annotations

import datetime as dt

import pytest

from carecast.media.video import store_video
from carecast.publishing.models import Publication, State
from carecast.stories.models import MusicLicence
from tests.browser_fixtures import SCREENSHOTS, signed_in_context
from tests.networks import video_clips

pytestmark = pytest.mark.browser
REFUSED = (
    "failed: Could not upload the captions: HTTP 403 insufficientPermissions — the channel "
    "was connected without the youtube.force-ssl scope"
)


@pytest.fixture
def published_short(org, anna, media_root, tmp_path, channel_factory, story_for):
    made = video_clips.make_clip(tmp_path / "rundgang.mp4", seconds=3, size="360x640")
    asset = store_video(made, "rundgang.mp4", org, uploaded_by=anna.user)
    asset.alt_text, asset.music_licence = "Rundgang über Station 5A", MusicLicence.OWN
    asset.save()
    youtube = channel_factory("youtube", "YouTube – Klinikum", handle="@klinikum")
    story = story_for(youtube, media=[asset], text="Ein Rundgang über Station 5A #pflege")
    publication = Publication.objects.create(
        variant=story.variants.get(),
        channel=youtube,
        state=State.PUBLISHED,
        text="Ein Rundgang über Station 5A #pflege",
        due_at=dt.datetime(2026, 12, 7, 9, 0, tzinfo=dt.UTC),
        published_at=dt.datetime(2026, 12, 7, 9, 1, tzinfo=dt.UTC),
        upload_state={"session": "done", "captions": REFUSED, "captions_language": "de"},
    )
    return asset, publication


def _fits(page) -> None:
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"page is {overflow}px wider than the window"


def _stills_loaded(page, selector: str) -> int:
    images = page.locator(f"{selector} img")
    for index in range(images.count()):
        assert images.nth(index).evaluate("img => img.complete && img.naturalWidth > 0")
    return images.count()


@pytest.mark.parametrize("width,height,name", [(1366, 900, "laptop"), (390, 844, "phone")])
def test_it_shows_the_poster_and_stills_and_the_captions_outcome(
    browser, live_server, anna, published_short, width, height, name
):
    asset, publication = published_short
    context = signed_in_context(browser, live_server.url, anna, "de", width, height)
    page = context.new_page()
    page.goto(f"{live_server.url}/media-library/{asset.pk}/")
    page.screenshot(path=str(SCREENSHOTS / f"video-stills-{name}.png"), full_page=True)
    assert _stills_loaded(page, ".asset-detail .video-stills") == 3
    _fits(page)

    page.goto(f"{live_server.url}/publications/{publication.pk}/")
    page.screenshot(path=str(SCREENSHOTS / f"video-post-{name}.png"), full_page=True)
    assert page.get_by_role("heading", name="Bilder und Videos").is_visible()
    poster = page.locator(".publication-media .asset-video-poster img")
    assert poster.get_attribute("src") == asset.poster.url
    assert _stills_loaded(page, ".publication-media .video-stills") == 3
    outcome = page.locator(".caption-outcome")
    assert "Untertitel auf YouTube: nicht hochgeladen" in " ".join(outcome.inner_text().split())
    assert "insufficientPermissions" in outcome.inner_text()
    _fits(page)
    context.close()
