"""In the browser: the dashboard, a campaign page and the peer ranking on a laptop and a phone,
with a year of history; the lead adds a Bluesky hospital that the sandbox serves.

Screenshots land in /tmp/shots/analytics/ (looked at by hand, not kept in the repository).
Run: ``.venv/bin/python -m pytest tests/reports/test_analytics_browser.py -m browser``
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bench.pages_data import seed
from carecast.analytics.models import Post
from carecast.peers.models import Peer
from carecast.stories.models import Campaign
from tests.browser_fixtures import signed_in_context

SHOTS = Path("/tmp/shots/analytics")
pytestmark = pytest.mark.browser


@pytest.fixture
def open_page(browser, live_server):
    SHOTS.mkdir(parents=True, exist_ok=True)
    contexts = []

    def open_as(person, path, width=1366, height=900, lang="de"):
        context = signed_in_context(browser, live_server.url, person, lang, width, height)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(20_000)
        page.goto(live_server.url + path)
        return page

    yield open_as
    for context in contexts:
        context.close()


def _fits(page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


def test_it_shows_the_dashboard_campaign_and_ranking(org, anna, open_page, sandbox, time_machine):
    time_machine.move_to(dt.datetime(2026, 12, 7, 9, 0, tzinfo=dt.UTC), tick=True)
    seed(org, 600, 1800, dt.date(2026, 12, 6))
    # Every other post was made in the networks' own apps (imported by the sync).
    every_other = list(Post.objects.order_by("pk").values_list("pk", flat=True))[::2]
    Post.objects.filter(pk__in=every_other).update(imported=True)
    page = open_page(anna, "/analytics/dashboard/")
    assert page.locator("h1").inner_text() == "Was Social Media gebracht hat"
    assert page.locator("#headline").inner_text().startswith("November 2026")
    assert page.locator(".kpi").count() == 7
    chart = page.locator("svg.chart").first
    assert "Reichweite und Interaktionen pro Woche" in chart.locator("title").text_content()
    assert page.locator(".top-posts .badge", has_text="direkt im Netzwerk veröffentlicht").count()
    page.get_by_text("Als Tabelle zeigen").first.click()
    assert page.locator("figure table").first.is_visible()
    page.screenshot(path=str(SHOTS / "dashboard-laptop.png"), full_page=True)
    page.get_by_role("link", name="3 Monate").click()
    assert page.locator(".period [aria-current=true]").inner_text() == "3 Monate"

    page.locator(".subnav").get_by_role("link", name="Kampagnen").click()
    campaign = Campaign.objects.get(organisation=org, name="#GameChanger")
    page.goto(page.url.split("/analytics/")[0] + f"/analytics/campaigns/{campaign.pk}/")
    assert "#GameChanger" in page.locator("h1").inner_text()
    page.screenshot(path=str(SHOTS / "campaign-laptop.png"), full_page=True)

    sandbox.add_account(
        "bluesky",
        "stadtklinik.example",
        "",
        password="pw",
        display_name="Stadtklinik",
        options={"followers_count": 4200},
    )
    page.goto(page.url.split("/analytics/")[0] + "/analytics/peers/")
    page.select_option("#id_network", "bluesky")
    page.fill("#id_profile", "@stadtklinik.example")
    page.fill("#id_name", "Stadtklinik Beispielstadt")
    page.fill("#id_server", sandbox.base_url)
    page.get_by_role("button", name="Hinzufügen").click()
    assert (
        "„Stadtklinik Beispielstadt“ wird jetzt verglichen."
        in page.locator(".messages").inner_text()
    )
    row = page.locator("tr", has_text="Stadtklinik Beispielstadt")
    assert "4.200" in row.inner_text()
    assert Peer.objects.filter(handle="stadtklinik.example").exists()
    assert page.locator(".kpis-wide .kpi").count() == 2  # our Mastodon and Bluesky channels
    page.screenshot(path=str(SHOTS / "peers-laptop.png"), full_page=True)

    for path, name in (
        ("/analytics/dashboard/", "dashboard"),
        ("/analytics/peers/", "peers"),
        (f"/analytics/campaigns/{campaign.pk}/", "campaign"),
    ):
        phone = open_page(anna, path, width=390, height=844)
        assert _fits(phone), f"{path} is wider than a phone"
        phone.screenshot(path=str(SHOTS / f"{name}-phone.png"), full_page=True)
