"""In the browser: the composer says what the automatic Bluesky version left out and warns
when the planned time is outside the channel's posting window. Screenshots (laptop, phone)
land in ``artifacts/screenshots/ui/``."""

from __future__ import annotations

import pytest

from tests.browser_fixtures import SCREENSHOTS, signed_in_context
from tests.web.test_shortened_notice import TAGS, TEXT

OUT = SCREENSHOTS / "ui"
pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width,height,name", [(1366, 900, "laptop"), (390, 844, "phone")])
def test_it_shows_the_shortening_and_the_window_warning(
    browser, live_server, anna, bluesky, width, height, name
):
    OUT.mkdir(parents=True, exist_ok=True)
    bluesky.posting_windows = [{"days": list(range(7)), "start": "07:00", "end": "21:00"}]
    bluesky.save()
    context = signed_in_context(browser, live_server.url, anna, "de", width=width, height=height)
    page = context.new_page()
    page.goto(live_server.url + "/stories/new/")
    page.locator("#id_title").fill("Stroke Unit eröffnet")
    page.locator(f'input[name="channels"][value="{bluesky.pk}"]').check()
    page.locator("#id_text").fill(TEXT)
    page.locator("#id_hashtags").fill(TAGS)
    note = page.locator(".shortened-note")
    note.wait_for()
    assert "Weggelassene Hashtags: #StrokeUnit #Klinikum." in note.inner_text()
    page.locator("#id_due").fill("2030-06-05T03:54")
    warning = page.get_by_text("außerhalb der Sendezeiten")
    warning.wait_for()
    page.screenshot(path=str(OUT / f"composer-notes-{name}.png"), full_page=True)
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
    context.close()
