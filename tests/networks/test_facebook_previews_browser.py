"""The composer's previews for Facebook, Instagram, Threads and LinkedIn, in a real browser.

Screenshots land in /tmp/shots/networks/ (laptop and phone); look at them.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from carecast.networks.models import Channel
from tests.browser_fixtures import signed_in_context

pytestmark = pytest.mark.browser
OUT = Path("/tmp/shots/networks")
NAMES = {
    "facebook": ("Facebook – Babytown", "Babytown"),
    "instagram": ("Instagram – Karriere", "klinikum_karriere"),
    "threads": ("Threads – Klinikum", "klinikum_ms"),
    "linkedin": ("LinkedIn – Klinikum", "Klinikum Musterstadt"),
}
TEXT = (
    "Infoabend im Babytown (Kreißsaal, 2. OG): Donnerstag um 18 Uhr zeigen unsere Hebammen "
    "die Räume und beantworten Fragen. 👶 Keine Anmeldung nötig! #Geburtshilfe #Babytown"
)


@pytest.fixture
def four_channels(org):
    return {
        network: Channel.objects.create(
            organisation=org,
            network=network,
            name=name,
            handle=handle,
            base_url="http://127.0.0.1:9",
            is_sandbox=True,
        )
        for network, (name, handle) in NAMES.items()
    }


def test_it_previews_one_story_on_the_four_networks(
    browser, live_server, anna, four_channels, tmp_path
):
    OUT.mkdir(parents=True, exist_ok=True)
    image = tmp_path / "kreisssaal.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 120, 150)).save(buffer, format="JPEG")
    image.write_bytes(buffer.getvalue())
    for width, height, name in ((1280, 900, "laptop"), (390, 844, "phone")):
        context = signed_in_context(browser, live_server.url, anna, "de", width, height)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(live_server.url + "/stories/new/")
        page.fill("#id_title", "Infoabend Babytown")
        for label, _handle in NAMES.values():
            page.get_by_label(label).check()
            page.wait_for_load_state("networkidle")
        page.fill("#id_text", TEXT)
        page.set_input_files("#id_images", str(image))
        page.wait_for_selector(".media-item")
        page.fill(".media-item textarea", "Der helle Kreißsaal mit Gebärwanne")
        page.wait_for_timeout(400)
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(OUT / f"composer-{name}.png"), full_page=True)
        for network in NAMES:
            preview = page.locator(f".post-{network}")
            assert preview.count() == 1, network
            assert "Infoabend im Babytown" in preview.inner_text()
            preview.screenshot(path=str(OUT / f"preview-{network}-{name}.png"))
        assert not errors, errors
        context.close()
