"""Screenshots of the grouped calendar (a story on 21 channels beside single posts), week and
month, laptop and phone, in ``artifacts/screenshots/ui/calendar-stories-*.png``: one card per
story, its posts behind one click, nothing sticking out sideways."""

from __future__ import annotations

import pytest

from carecast.publishing.models import State
from tests.browser_fixtures import SCREENSHOTS, signed_in_context
from tests.web.test_accessibility_browser import audit
from tests.web.test_calendar_stories import DAY, TITLE, story_on

OUT = SCREENSHOTS / "ui"
pytestmark = pytest.mark.browser


@pytest.fixture
def channels(channel_factory):
    networks = [("mastodon", "Mastodon"), ("bluesky", "Bluesky"), ("x", "X")]
    return [
        channel_factory(network, f"{label} – Klinikum {n}", handle=f"{network}{n}")
        for n in range(7)
        for network, label in networks
    ]


@pytest.mark.parametrize("width,height,name", [(1366, 900, "laptop"), (390, 844, "phone")])
def test_one_card_per_story(browser, live_server, anna, org, channels, width, height, name):
    OUT.mkdir(parents=True, exist_ok=True)
    story_on(org, channels, states={channels[2].pk: State.FAILED})
    story_on(org, channels[:1], title="Tag der offenen Tür", hour=14)
    story_on(org, channels[3:6], title="Weltdiabetestag: Blutzucker messen", hour=11)
    context = signed_in_context(browser, live_server.url, anna, "de", width=width, height=height)
    page = context.new_page()
    for view in ("week", "month"):
        page.goto(f"{live_server.url}/calendar/?view={view}&date={DAY.isoformat()}")
        assert page.locator(".cal-story").count() == 2
        title = page.locator(".cal-story .cal-card-title").first
        assert title.inner_text() == TITLE
        assert title.evaluate("el => el.scrollHeight <= el.clientHeight + 1")  # not clipped
        page.screenshot(path=str(OUT / f"calendar-stories-{view}-{name}.png"), full_page=True)
        page.locator(".cal-story summary").first.click()
        assert page.locator(".cal-story details[open] .cal-card").count() == 21
        assert audit(page) == []  # axe: no serious or critical WCAG 2.1 AA violation
        page.screenshot(path=str(OUT / f"calendar-stories-{view}-open-{name}.png"), full_page=True)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0
    context.close()
