"""In the browser: upload a vertical clip in the composer, send it to TikTok, YouTube and
Mastodon in the sandbox with TikTok's and YouTube's choices made, and see each video go out
once (chunked FILE_UPLOAD, resumable upload, async media). Screenshot:
``artifacts/screenshots/video-networks-sent.png``."""

from __future__ import annotations

import pytest

from carecast.networks.models import Channel
from carecast.publishing import dispatch
from carecast.publishing.models import Publication, State
from tests.browser_fixtures import SCREENSHOTS, signed_in_context
from tests.networks import video_clips

pytestmark = pytest.mark.browser


@pytest.fixture
def video_channels(org, sandbox, settings):
    settings.CARECAST_SANDBOX = True
    made = {}
    for network, handle, base in (
        ("tiktok", "klinikum_pflege", f"{sandbox.base_url}/tiktok"),
        ("youtube", "klinikum", f"{sandbox.base_url}/youtube"),
        ("mastodon", "klinikum", sandbox.base_url),
    ):
        remote = sandbox.add_account(network, handle, f"{network}-token", display_name="Klinikum")
        channel = Channel(
            organisation=org,
            network=network,
            name=f"{network.capitalize()} – Klinikum".replace("Tiktok", "TikTok").replace(
                "Youtube", "YouTube"
            ),
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


def test_it_sends_one_clip_to_tiktok_youtube_and_mastodon_once_each(
    browser, live_server, ben, video_channels, sandbox, tmp_path
):
    clip = video_clips.make_clip(tmp_path / "station.mp4", seconds=4)
    tiktok, youtube = video_channels["tiktok"], video_channels["youtube"]
    context = signed_in_context(browser, live_server.url, ben)
    page = context.new_page()
    page.goto(f"{live_server.url}/stories/new/")
    page.fill("#id_title", "Ein Tag auf der Kinderstation")
    for channel in video_channels.values():
        page.get_by_label(channel.name).check()
        page.wait_for_load_state("networkidle")

    def settle() -> None:
        # The story's fields refresh the posts 150 ms after the last change: let that pass.
        page.wait_for_timeout(400)
        page.wait_for_load_state("networkidle")

    settle()
    # The network's choices first: every later refresh of the posts carries them along.
    page.select_option(f"#opt_{tiktok.pk}_privacy_level", "PUBLIC_TO_EVERYONE")
    settle()
    page.check(f"input[name=opt_{tiktok.pk}_music_confirmed]")
    settle()
    page.fill(f"#opt_{youtube.pk}_title", "Ein Tag auf der Kinderstation")
    page.select_option(f"#opt_{youtube.pk}_privacy_status", "public")
    settle()
    page.check(f"input[name=opt_{youtube.pk}_made_for_kids][value=no]")
    settle()
    page.fill("#id_text", "Ein Tag auf der Kinderstation: unser Pflegeteam stellt sich vor.")
    page.set_input_files("#composer-video", str(clip))
    page.wait_for_selector(".media-item", timeout=60_000)
    page.fill(".media-item textarea", "Pflegekräfte im Gespräch am Stationstresen")
    settle()
    page.once("dialog", lambda dialog: dialog.accept())  # "really publish now?"
    page.get_by_role("button", name="Jetzt veröffentlichen").click()
    page.wait_for_url("**/stories/*/")
    page.screenshot(path=str(SCREENSHOTS / "video-networks-sent.png"), full_page=True)
    publications = list(Publication.objects.select_related("channel"))
    assert len(publications) == 3
    for publication in publications:
        if publication.state != State.PUBLISHED:
            dispatch.publish_one(publication.pk)
        publication.refresh_from_db()
        assert publication.state == State.PUBLISHED, (
            publication.channel.network,
            publication.last_error,
        )
    for network in ("tiktok", "youtube", "mastodon"):
        [post] = sandbox.posts(network)
        [media_id] = post["data"]["media_ids"]
        assert sandbox.store.media_info(network, media_id)["mime_type"] == "video/mp4"
    assert sandbox.posts("youtube")[0]["data"]["status"]["selfDeclaredMadeForKids"] is False
    assert sandbox.posts("tiktok")[0]["data"]["post_info"]["privacy_level"] == "PUBLIC_TO_EVERYONE"
    context.close()
