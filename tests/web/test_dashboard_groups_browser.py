"""Screenshots of the dashboard with grouped "Nächste Beiträge" (laptop, phone) in
``artifacts/screenshots/ui/``; nothing sticks out sideways."""

from __future__ import annotations

import pytest

from tests.browser_fixtures import SCREENSHOTS, signed_in_context

OUT = SCREENSHOTS / "ui"
pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width,height,name", [(1366, 900, "laptop"), (390, 844, "phone")])
def test_it_shows_one_row_per_story(browser, live_server, anna, busy_week, width, height, name):
    OUT.mkdir(parents=True, exist_ok=True)
    context = signed_in_context(browser, live_server.url, anna, "de", width=width, height=height)
    page = context.new_page()
    page.goto(live_server.url + "/")
    rows = page.locator("#upcoming-h + .pub-list > li")
    titles = [rows.nth(i).locator(".pub-title").inner_text() for i in range(rows.count())]
    assert len(titles) == len(set(titles)) > 0
    page.screenshot(path=str(OUT / f"dashboard-{name}.png"), full_page=True)
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
    context.close()
