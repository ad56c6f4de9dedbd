"""Issue 13's whole video journey in the browser, as a communications editor does it.

A landscape clip is uploaded in the media library; the focus is set on its poster frame and
the 9:16 versions are made for TikTok and YouTube Shorts; the music track and its licence are
entered on the asset's page. A story started from that page goes to TikTok, YouTube and
Mastodon in the sandbox with TikTok's and YouTube's choices made; each network receives
exactly one post with a video: the 9:16 versions on TikTok and YouTube, the landscape original
on Mastodon (which takes it as it is). Then the music turns out to be unlicensed: set so on
the asset's page, a second story with the same clip is blocked in the composer by the music
check, and nothing more goes out.

Screenshots (German, laptop) land in ``artifacts/screenshots/video-journey/``.

Run: ``.venv/bin/python -m pytest tests/media/test_video_end_to_end_browser.py -m browser``
"""

from __future__ import annotations

import pytest

from carecast.media.models import Rendition, Work
from carecast.media.probe import probe
from carecast.networks.models import Channel
from carecast.publishing import dispatch
from carecast.publishing.models import Publication, State
from carecast.stories.models import MediaAsset, MusicLicence, Story
from tests.browser_fixtures import SCREENSHOTS, signed_in_context

from .conftest import make_clip

OUT = SCREENSHOTS / "video-journey"
LAPTOP = (1366, 900)
ALLOWED_TRACK = "Frühdienst-Groove – Stationsband 5A"
UNLICENSED_TRACK = "Jerusalema – Master KG"
DESCRIPTION = "Das Pflegeteam der Station 5A tanzt im Stationsflur"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def video_channels(org, sandbox, settings):
    """TikTok, YouTube and Mastodon accounts of the hospital on the sandbox server."""
    settings.CARECAST_SANDBOX = True
    made = {}
    for network, name, handle, base in (
        ("tiktok", "TikTok – Klinikum", "klinikum_pflege", f"{sandbox.base_url}/tiktok"),
        ("youtube", "YouTube – Klinikum", "klinikum", f"{sandbox.base_url}/youtube"),
        ("mastodon", "Mastodon – Klinikum", "klinikum", sandbox.base_url),
    ):
        remote = sandbox.add_account(network, handle, f"{network}-token", display_name="Klinikum")
        channel = Channel(
            organisation=org,
            network=network,
            name=name,
            handle=f"@{handle}",
            base_url=base,
            remote_user_id=remote["id"],
            is_sandbox=True,
            config={"poll_seconds": 0} if network == "tiktok" else {},
        )
        channel.set_credentials({"access_token": f"{network}-token"})
        channel.save()
        made[network] = channel
    return made


def shot(page, name: str) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(OUT / f"{name}.png"), full_page=True)


def settle(page) -> None:
    # The composer refreshes the posts 150 ms after the last change: let that pass.
    page.wait_for_timeout(400)
    page.wait_for_load_state("networkidle")


def make_version(page, network: str) -> None:
    page.select_option("#fit-network", network)
    with page.expect_navigation():
        page.click(".fit-form button[type=submit]")


def record_music(page, title: str, licence: str) -> None:
    page.fill("#id_alt_text", DESCRIPTION)
    page.fill("#id_music_title", title)
    page.select_option("#id_music_licence", licence)
    with page.expect_navigation():
        page.click(".asset-form button[type=submit]")


def compose_from_library(page, asset: MediaAsset, channels: dict, title: str) -> None:
    """Start a story from the asset's page and choose the three channels with TikTok's and
    YouTube's required choices."""
    page.get_by_role("link", name="In neuer Story verwenden").click()
    page.wait_for_url("**/stories/new/?media=*")
    assert page.locator(f"input[name=media][value='{asset.pk}']").count() == 1
    tiktok, youtube = channels["tiktok"], channels["youtube"]
    page.fill("#id_title", title)
    for channel in channels.values():
        page.get_by_label(channel.name).check()
        page.wait_for_load_state("networkidle")
    settle(page)
    # The network's choices first: every later refresh of the posts carries them along.
    page.select_option(f"#opt_{tiktok.pk}_privacy_level", "PUBLIC_TO_EVERYONE")
    settle(page)
    page.check(f"input[name=opt_{tiktok.pk}_music_confirmed]")
    settle(page)
    page.fill(f"#opt_{youtube.pk}_title", title)
    page.select_option(f"#opt_{youtube.pk}_privacy_status", "public")
    settle(page)
    page.check(f"input[name=opt_{youtube.pk}_made_for_kids][value=no]")
    settle(page)
    page.fill("#id_text", f"{title}: das Pflegeteam der Station 5A tanzt in den Frühdienst.")
    settle(page)


def received_video(sandbox, network: str, tmp_path) -> dict:
    """The one post ``network`` has, and the probe of the video it received with it."""
    [post] = sandbox.posts(network)
    [media_id] = post["data"]["media_ids"]
    mime, content = sandbox.store.media_content(network, media_id)
    assert mime == "video/mp4", network
    path = tmp_path / f"received-{network}.mp4"
    path.write_bytes(content)
    return probe(path)


def test_it_takes_a_landscape_clip_to_three_networks_once_and_blocks_it_with_unlicensed_music(
    browser, live_server, ben, video_channels, sandbox, tmp_path, media_root
):
    clip = make_clip(tmp_path / "fruehdienst-tanz.mp4", size="640x360", seconds=4)
    context = signed_in_context(browser, live_server.url, ben, "de", *LAPTOP)
    page = context.new_page()
    page.set_default_timeout(30_000)

    # 1. The landscape clip goes into the media library.
    page.goto(f"{live_server.url}/media-library/")
    page.set_input_files("#library-video", str(clip))
    page.wait_for_url("**/media-library/*/", timeout=60_000)
    asset = MediaAsset.objects.get()
    assert asset.kind == "video" and asset.probe["aspect_label"] == "16:9"
    assert "passt nicht zu YouTube Shorts" in page.inner_text("main")

    # 2. Focus on the left quarter of the poster, then the 9:16 versions.
    picker = page.locator("[data-focus-picker]")
    box = picker.bounding_box()
    picker.click(position={"x": box["width"] * 0.25, "y": box["height"] * 0.5})
    assert page.input_value("#focus-x") == "0.250"
    shot(page, "1-focus-chosen")
    make_version(page, "tiktok")
    page.wait_for_selector(".rendition-done", timeout=60_000)
    assert page.input_value("#focus-x") == "0.25"  # the chosen focus stays for the next one
    make_version(page, "youtube_shorts")
    page.wait_for_function(
        "document.querySelectorAll('.rendition-done').length === 2", timeout=60_000
    )
    versions = {r.key: r for r in Rendition.objects.filter(asset=asset)}
    assert set(versions) == {"tiktok", "youtube_shorts"}
    for version in versions.values():
        assert version.state == Work.DONE, version.error
        assert version.focus_x == pytest.approx(0.25, abs=0.01)
        assert version.probe["aspect_label"] == "9:16"

    # 3. The music and its licence, on the asset's page.
    record_music(page, ALLOWED_TRACK, MusicLicence.OWN)
    asset.refresh_from_db()
    assert (asset.music_title, asset.music_licence) == (ALLOWED_TRACK, MusicLicence.OWN)
    assert asset.alt_text == DESCRIPTION
    assert "Musik: eigene Aufnahme" in page.inner_text(".facts")
    shot(page, "2-versions-and-music")

    # 4. A story with the clip to the three channels, published now.
    compose_from_library(page, asset, video_channels, "Frühdienst auf Station 5A")
    assert page.locator("#publish-check .blocked").count() == 0
    shot(page, "3-composer-ready")
    page.once("dialog", lambda dialog: dialog.accept())  # "really publish now?"
    page.get_by_role("button", name="Jetzt veröffentlichen").click()
    page.wait_for_url("**/stories/*/")
    first = Story.objects.get()
    assert list(first.media.all()) == [asset]
    publications = list(Publication.objects.select_related("channel"))
    assert sorted(p.channel.network for p in publications) == ["mastodon", "tiktok", "youtube"]
    for publication in publications:
        if publication.state != State.PUBLISHED:  # the worker's turn, taken here
            dispatch.publish_one(publication.pk)
        publication.refresh_from_db()
        assert publication.state == State.PUBLISHED, (
            publication.channel.network,
            publication.last_error,
        )
    page.reload()
    shot(page, "4-story-published")

    # 5. Exactly one post with a video on each network: the fitted version where one was made.
    tiktok = received_video(sandbox, "tiktok", tmp_path)
    youtube = received_video(sandbox, "youtube", tmp_path)
    mastodon = received_video(sandbox, "mastodon", tmp_path)
    assert (tiktok["aspect_label"], youtube["aspect_label"]) == ("9:16", "9:16")
    assert (tiktok["width"], tiktok["height"]) == (
        versions["tiktok"].probe["width"],
        versions["tiktok"].probe["height"],
    )
    assert mastodon["aspect_label"] == "16:9"
    assert sandbox.posts("tiktok")[0]["data"]["post_info"]["privacy_level"] == "PUBLIC_TO_EVERYONE"
    assert sandbox.posts("youtube")[0]["data"]["status"]["selfDeclaredMadeForKids"] is False

    # 6. The music turns out to be unlicensed: recorded so, the same clip is blocked.
    page.goto(f"{live_server.url}/media-library/{asset.pk}/")
    record_music(page, UNLICENSED_TRACK, MusicLicence.NONE)
    assert "Musik: keine Lizenz" in page.inner_text(".facts")
    compose_from_library(page, asset, video_channels, "Noch einmal: der Frühdienst-Tanz")
    blocked = page.locator("#publish-check .blocked-checks")
    blocked.wait_for()
    message = f"„{UNLICENSED_TRACK}“ hat keine Musiklizenz"
    reasons = blocked.locator("li").all_inner_texts()
    assert len(reasons) == 3 and all(message in reason for reason in reasons), reasons
    assert page.locator("#publish-check .blocked:not(.blocked-checks)").count() == 0
    assert page.get_by_role("button", name="Jetzt veröffentlichen").is_disabled()
    shot(page, "5-composer-blocked")

    # A hand-made request past the disabled button is refused by the server all the same.
    page.get_by_role("button", name="Jetzt veröffentlichen").evaluate("b => b.disabled = false")
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.get_by_role("button", name="Jetzt veröffentlichen").click()
    assert message in page.inner_text(".form-errors")
    assert Publication.objects.count() == 3
    for network in ("tiktok", "youtube", "mastodon"):
        assert len(sandbox.posts(network)) == 1, network
    context.close()
