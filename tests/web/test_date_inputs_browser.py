"""In an English browser the composer's date and a channel's posting times still read
07.12.2026 14:30 and 07:00 (the organisation's format, not the browser's), and the calendar
button writes the browser picker's choice back in that format. Screenshots (laptop, phone)
land in ``artifacts/screenshots/ui/``."""

from __future__ import annotations

import pytest

from tests.browser_fixtures import SCREENSHOTS, signed_in_context

OUT = SCREENSHOTS / "ui"
pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width,height,name", [(1366, 900, "laptop"), (390, 844, "phone")])
def test_dates_are_typed_and_picked_in_the_organisation_format(
    browser, live_server, anna, mastodon, width, height, name
):
    OUT.mkdir(parents=True, exist_ok=True)
    mastodon.posting_windows = [{"days": list(range(7)), "start": "07:00", "end": "21:00"}]
    mastodon.save()
    context = signed_in_context(browser, live_server.url, anna, "de", width=width, height=height)
    context.set_extra_http_headers({"Accept-Language": "en-US,en;q=0.9"})
    page = context.new_page()
    page.goto(live_server.url + "/stories/new/")
    due = page.locator("#id_due")
    assert due.get_attribute("type") == "text"
    assert due.get_attribute("placeholder") == "TT.MM.JJJJ HH:MM"
    button = page.get_by_role("button", name="Kalender öffnen")
    assert button.count() == 1
    # What the browser's picker does when a day and time are chosen in it:
    page.evaluate(
        """() => {
        const native = document.querySelector('#id_due ~ .picker-native');
        native.value = '2030-06-05T14:30';
        native.dispatchEvent(new Event('change', {bubbles: true}));
    }"""
    )
    assert due.input_value() == "05.06.2030 14:30"
    page.locator("#id_title").fill("Neuer MRT")
    page.locator(f'input[name="channels"][value="{mastodon.pk}"]').check()
    due.fill("05.06.2030 03:54")
    page.get_by_text("außerhalb der Sendezeiten").wait_for()  # the typed format is read
    page.screenshot(path=str(OUT / f"composer-date-{name}.png"), full_page=False)

    page.goto(live_server.url + f"/channels/{mastodon.pk}/settings/")
    start = page.locator('input[value="07:00"]').first
    assert start.get_attribute("type") == "text"
    start.scroll_into_view_if_needed()
    page.screenshot(path=str(OUT / f"channel-windows-{name}.png"), full_page=False)
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
    context.close()
