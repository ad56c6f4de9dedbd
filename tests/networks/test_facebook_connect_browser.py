"""In the browser: connect a Facebook Page with its Instagram account, a Threads profile and a
LinkedIn organisation through the sandbox's sign-in pages; compose one story with an image
and alt text for all four; each goes out once. Screenshots: /tmp/shots/networks/connect-*.png
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from carecast.networks.models import Channel
from carecast.publishing import dispatch
from carecast.publishing.models import Publication, State
from tests.browser_fixtures import signed_in_context

pytestmark = pytest.mark.browser
OUT = Path("/tmp/shots/networks")
ALT = "Der helle Kreißsaal mit Gebärwanne"


@pytest.fixture
def networks_on_sandbox(settings, sandbox):
    settings.CARECAST_META_APP_ID, settings.CARECAST_META_APP_SECRET = "meta-app", "meta-secret"
    settings.CARECAST_META_DIALOG_URL = f"{sandbox.base_url}/fb/v21.0/dialog/oauth"
    settings.CARECAST_META_GRAPH_URL = f"{sandbox.base_url}/graph"
    settings.CARECAST_THREADS_APP_ID, settings.CARECAST_THREADS_APP_SECRET = "th-app", "th-secret"
    settings.CARECAST_THREADS_AUTHORIZE_URL = f"{sandbox.base_url}/threads-net/oauth/authorize"
    settings.CARECAST_THREADS_API_URL = f"{sandbox.base_url}/threads-graph"
    settings.CARECAST_LINKEDIN_CLIENT_ID = "li-app"
    settings.CARECAST_LINKEDIN_CLIENT_SECRET = "li-secret"
    settings.CARECAST_LINKEDIN_OAUTH_URL = f"{sandbox.base_url}/linkedin/oauth/v2"
    settings.CARECAST_LINKEDIN_API_URL = f"{sandbox.base_url}/linkedin"
    instagram = sandbox.add_account("instagram", "babytown_ms", "unused-ig")
    sandbox.add_account(
        "facebook",
        "babytown",
        "unused-fb",
        display_name="Babytown",
        options={"instagram_id": instagram["id"]},
    )
    sandbox.add_account("threads", "klinikum_ms", "unused-th")
    sandbox.add_account("linkedin", "klinikum-ms", "unused-li", display_name="Klinikum Musterstadt")


def connect(page, base: str, label: str, name: str, consent) -> None:
    page.goto(f"{base}/channels/")
    page.get_by_role("link", name=f"{label} verbinden").click()
    page.get_by_label("Name des Kanals").fill(name)
    page.get_by_role("button", name=f"Weiter zu {label}").click()
    page.wait_for_load_state()
    page.screenshot(path=str(OUT / f"connect-{label.lower()}-consent.png"), full_page=True)
    consent(page)
    page.wait_for_url("**/channels/*/settings/")
    assert "ist verbunden" in page.content()


def test_it_connects_four_networks_and_publishes_one_story_to_each_once(
    browser, live_server, ben, networks_on_sandbox, sandbox, tmp_path
):
    OUT.mkdir(parents=True, exist_ok=True)
    context = signed_in_context(browser, live_server.url, ben)
    page = context.new_page()
    base = live_server.url
    go_on = lambda p: p.get_by_role("button", name="Weiter").click()  # noqa: E731
    connect(page, base, "Facebook", "Facebook – Babytown", go_on)
    connect(page, base, "Instagram", "Instagram – Babytown", go_on)

    def threads_consent(p):
        p.get_by_label("@klinikum_ms").check()
        p.get_by_role("button", name="Erlauben").click()

    connect(page, base, "Threads", "Threads – Klinikum", threads_consent)
    connect(
        page,
        base,
        "LinkedIn",
        "LinkedIn – Klinikum",
        lambda p: p.get_by_role("button", name="Zulassen").click(),
    )
    assert set(Channel.objects.values_list("network", flat=True)) == {
        "facebook",
        "instagram",
        "threads",
        "linkedin",
    }
    # One story, one image with alt text, all four channels, published now.
    image = tmp_path / "kreisssaal.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 120, 150)).save(buffer, format="JPEG")
    image.write_bytes(buffer.getvalue())
    page.goto(f"{base}/stories/new/")
    page.fill("#id_title", "Infoabend Babytown")
    for name in (
        "Facebook – Babytown",
        "Instagram – Babytown",
        "Threads – Klinikum",
        "LinkedIn – Klinikum",
    ):
        page.get_by_label(name).check()
        page.wait_for_load_state("networkidle")
    page.fill("#id_text", "Infoabend im Babytown: Donnerstag um 18 Uhr. Keine Anmeldung nötig!")
    page.set_input_files("#id_images", str(image))
    page.wait_for_selector(".media-item")
    page.fill(".media-item textarea", ALT)
    page.wait_for_timeout(300)
    page.wait_for_load_state("networkidle")
    page.once("dialog", lambda dialog: dialog.accept())  # "really publish now?"
    page.get_by_role("button", name="Jetzt veröffentlichen").click()
    page.wait_for_url("**/stories/*/")
    page.screenshot(path=str(OUT / "connect-story-sent.png"), full_page=True)
    publications = list(Publication.objects.all())
    assert len(publications) == 4
    for publication in publications:
        if publication.state != State.PUBLISHED:
            dispatch.publish_one(publication.pk)
        publication.refresh_from_db()
        assert publication.state == State.PUBLISHED, (
            publication.channel.network,
            publication.last_error,
        )
    for network in ("facebook", "instagram", "threads", "linkedin"):
        [post] = sandbox.posts(network)
        assert [m["alt_text"] for m in post["media"]] == [ALT], network
    context.close()
