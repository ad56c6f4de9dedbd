"""Screenshots of week and month with a long story title (laptop, phone) in
``artifacts/screenshots/ui/``: the title is shown whole and nothing sticks out sideways."""

from __future__ import annotations

import pytest

from tests.browser_fixtures import SCREENSHOTS, signed_in_context
from tests.web.test_calendar_titles import LONG_TITLE

OUT = SCREENSHOTS / "ui"
pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width,height,name", [(1366, 900, "laptop"), (390, 844, "phone")])
def test_it_shows_long_titles_whole(
    browser, live_server, anna, publication_factory, mastodon, width, height, name
):
    OUT.mkdir(parents=True, exist_ok=True)
    publication = publication_factory(mastodon, title=LONG_TITLE)
    day = publication.due_at.date().isoformat()
    context = signed_in_context(browser, live_server.url, anna, "de", width=width, height=height)
    page = context.new_page()
    for view in ("week", "month"):
        page.goto(f"{live_server.url}/calendar/?view={view}&date={day}")
        title = page.locator(".cal-card-title").first
        assert title.inner_text() == LONG_TITLE
        assert title.evaluate("el => el.scrollHeight <= el.clientHeight + 1")  # not clipped
        page.screenshot(path=str(OUT / f"calendar-{view}-{name}.png"), full_page=True)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0
    context.close()
