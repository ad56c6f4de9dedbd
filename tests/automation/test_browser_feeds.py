"""In a real browser, laptop and phone: the pages a feed tester used (source, rule, caps).

Screenshots go to ``/tmp/shots/automation/`` (or ``CARECAST_SHOTS``); every page must fit
the window without sideways scrolling.
Run: ``.venv/bin/python -m pytest tests/automation/test_browser_feeds.py -m browser``.
"""

from __future__ import annotations

import os
from pathlib import Path

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import pytest  # noqa: E402

from carecast.automation import pipeline, polling  # noqa: E402
from carecast.automation.models import (  # noqa: E402
    ChannelAutomation,
    Overflow,
    Policy,
    Rule,
    Source,  # noqa: E402
)
from tests.automation.conftest import FEEDS  # noqa: E402
from tests.browser_fixtures import signed_in_context  # noqa: E402

OUT = Path(os.environ.get("CARECAST_SHOTS", "/tmp/shots/automation"))
pytestmark = pytest.mark.browser
SIZES = {"laptop": (1280, 800), "phone": (390, 844)}


@pytest.fixture
def page(browser, live_server, ben):
    OUT.mkdir(parents=True, exist_ok=True)
    context = signed_in_context(browser, live_server.url, ben)
    yield context.new_page()
    context.close()


def shoot(page, name: str) -> None:
    for size, (width, height) in SIZES.items():
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(OUT / f"{name}-{size}.png"), full_page=True)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{name} on a {size} is {overflow}px wider than the window"


def test_it_shows_sources_rules_and_caps_as_a_feed_tester_meets_them(
    page, live_server, org, feed_server, source_for, news_channel
):
    ChannelAutomation.objects.create(channel=news_channel, max_per_day=1, min_spacing_minutes=60)
    feed_server.serve("/news.xml", FEEDS / "rss20.xml")
    feed_server.serve("/broken.xml", status=302, location="http://127.0.0.1:5432/")
    news, broken = source_for("/news.xml"), source_for("/broken.xml")
    Source.objects.filter(pk=news.pk).update(name="Website – Aktuelles")
    Source.objects.filter(pk=broken.pk).update(name="Veranstaltungen (alt)")
    news.refresh_from_db()
    broken.refresh_from_db()
    for _ in range(3):
        polling.poll(broken)
    pipeline.refresh(news)  # read before the rule existed: only "Run now" posts these
    rule = Rule.objects.create(
        organisation=org,
        name="Website an Mastodon",
        template="{title} – {location}",
        policy=Policy.NEXT_SLOT,
        overflow=Overflow.LATER,
        max_age_days=0,
    )
    rule.sources.set([news])
    rule.channels.set([news_channel])
    pipeline.set_paused(broken, paused=True)

    page.goto(f"{live_server.url}/automation/")
    shoot(page, "sources")
    assert "pausiert" in page.locator("main").inner_text()
    page.goto(f"{live_server.url}/automation/sources/{broken.pk}/")
    text = page.locator("main").inner_text()
    assert "Adresse abgelehnt (weitergeleitet von" in text and "127.0.0.1:5432" in text
    shoot(page, "source-broken-paused")
    page.goto(f"{live_server.url}/automation/sources/{news.pk}/")
    shoot(page, "source")
    page.goto(f"{live_server.url}/automation/rules/{rule.pk}/")
    assert page.locator(".plan-warning").count() == 3  # {location} is empty for every item
    text = page.locator("main").inner_text()
    assert "wartet auf einen freien Tag" not in text  # one a day for 15 days: room for three
    assert "nur „Jetzt ausführen“ postet ihn" in text
    shoot(page, "rule-dry-run")
    page.goto(f"{live_server.url}/automation/gaps/")
    shoot(page, "gaps")
    page.click("a:has-text('Bei den Sendezeiten ändern')")
    shoot(page, "channel-settings")
    # Filled and clicked after the screenshots: a click right after their viewport changes
    # did not reach the button (no request left the page), which no person meets.
    page.fill("#id_auto-max_per_day", "3")
    page.click("button:has-text('Speichern')")
    page.wait_for_selector("text=Einstellungen gespeichert")  # saved, before the database is read
    news_channel.automation.refresh_from_db()
    assert news_channel.automation.max_per_day == 3
    assert Source.objects.get(pk=broken.pk).failures == 3
