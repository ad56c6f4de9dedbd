"""Browser test: the campaign page, applications and website visits on a year of demo history,
in German, on a laptop and a phone; screenshots land in artifacts/screenshots/."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from carecast.analytics.demo import seed_history
from carecast.networks.models import Channel
from carecast.stories.models import Campaign
from tests.browser_fixtures import SCREENSHOTS, signed_in_context

NOW = dt.datetime(2027, 3, 15, 12, 0, tzinfo=ZoneInfo("Europe/Berlin"))
SIZES = {"laptop": (1366, 900), "phone": (390, 844)}


@pytest.fixture
def history(org, geburtshilfe, time_machine):
    time_machine.move_to(NOW, tick=True)
    for network, name in [
        ("mastodon", "Mastodon – Klinikum"),
        ("bluesky", "Bluesky – Klinikum"),
        ("x", "X – Stellenangebote und Ausbildungsplätze"),
    ]:
        Channel.objects.create(organisation=org, network=network, name=name)
    seed_history(org)
    return Campaign.objects.get(name="#GameChanger")


@pytest.mark.django_db(transaction=True)
def test_it_shows_the_campaign_applications_and_visits(browser, live_server, history, anna):
    pages = {
        "campaign": f"/analytics/campaigns/{history.pk}/",
        "applications": "/analytics/applications/",
        "visits": "/analytics/visits/",
        "settings": "/analytics/settings/",
    }
    for size, (width, height) in SIZES.items():
        context = signed_in_context(browser, live_server.url, anna, "de", width, height)
        page = context.new_page()
        for name, path in pages.items():
            response = page.goto(live_server.url + path)
            assert response is not None and response.status == 200, path
            page.screenshot(path=str(SCREENSHOTS / f"analytics-{name}-{size}.png"), full_page=True)
            # Nothing sticks out sideways on a phone.
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 1, f"{path} is {overflow}px too wide at {width}px"
        campaign = page.goto(live_server.url + pages["campaign"])
        assert campaign is not None
        text = page.inner_text("main")
        assert "Anteil jedes Kanals" in text
        assert "Mastodon – Klinikum" in text
        context.close()
