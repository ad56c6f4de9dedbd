"""The publishing-limit warning in a real browser: the composer says it as soon as the time
is typed, the calendar shows it on the day. Screenshots in /tmp/shots/limits/ (look at them)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.utils import timezone

from carecast.networks.models import Channel
from tests.browser_fixtures import signed_in_context

pytestmark = pytest.mark.browser
OUT = Path("/tmp/shots/limits")


@pytest.fixture
def threads(transactional_db, org, sandbox):
    cache.clear()
    sandbox.settings["threads_publishing_limit"] = 2
    remote = sandbox.add_account("threads", "klinikum_ms", "token-th", display_name="Klinikum")
    channel = Channel(
        organisation=org,
        network="threads",
        name="Threads – Klinikum Musterstadt",
        handle="klinikum_ms",
        base_url=f"{sandbox.base_url}/threads-graph",
        remote_user_id=str(remote["id"]),
        is_sandbox=True,
    )
    channel.set_credentials({"access_token": "token-th"})
    channel.save()
    yield channel
    cache.clear()


def test_it_warns_in_the_composer_and_the_calendar(
    browser, live_server, anna, org, threads, publication_factory
):
    OUT.mkdir(parents=True, exist_ok=True)
    zone = ZoneInfo(org.timezone)
    day = timezone.localdate() + dt.timedelta(days=2)

    def plan(hour: int, title: str):
        due = dt.datetime.combine(day, dt.time(hour), tzinfo=zone)
        return publication_factory(threads, due_at=due, title=title)

    plan(9, "Besuchszeiten")
    plan(12, "Cafeteria")
    for width, height, name in ((1366, 900, "laptop"), (390, 844, "phone")):
        context = signed_in_context(browser, live_server.url, anna, "de", width, height)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(live_server.url + "/stories/new/")
        page.fill("#id_title", "Tag der offenen Tür")
        page.fill("#id_text", "Am Samstag öffnen wir Kreißsaal und Intensivstation für alle.")
        page.get_by_label("Threads – Klinikum Musterstadt").check()
        page.wait_for_load_state("networkidle")
        page.fill("#id_due", f"{day.isoformat()}T15:00")
        warning = page.locator("#due-note [data-limit-warning]")
        warning.wait_for()
        assert "3 Beiträge am" in warning.inner_text()
        assert "Threads erlaubt 2 Beiträge in 24 Stunden" in warning.inner_text()
        page.locator("#actions").screenshot(path=str(OUT / f"composer-{name}.png"))
        page.goto(live_server.url + f"/calendar/?date={day.isoformat()}")
        assert page.locator("[data-limit-warning]").count() == 0  # two planned: within the limit
        third = plan(18, "Blutspende")
        page.reload()
        assert "3 Beiträge am" in page.locator("[data-limit-warning]").first.inner_text()
        page.screenshot(path=str(OUT / f"calendar-{name}.png"), full_page=True)
        page.goto(live_server.url + f"/calendar/?view=month&date={day.isoformat()}")
        assert page.locator("[data-limit-warning]").count() == 1
        page.screenshot(path=str(OUT / f"calendar-month-{name}.png"), full_page=True)
        assert not errors, errors
        context.close()
        third.delete()  # the phone round starts from two planned posts again
