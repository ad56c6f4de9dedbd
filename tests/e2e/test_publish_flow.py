"""The walking skeleton end to end, as a comms person does it, in Debian's chromium.

Log in, write one story for two channels (Mastodon and X on the sandbox servers),
see each post counted the network's way and previewed, schedule it, find it in
the calendar, and watch it turn "veröffentlicht" while a real worker process runs.
A screenshot of every step lands in artifacts/screenshots/e2e/ (git-ignored).
"""

from __future__ import annotations

import datetime as dt
import time
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from carecast.publishing.models import Publication, State
from tests.browser_fixtures import SCREENSHOTS, signed_in_context

SHOTS = SCREENSHOTS / "e2e"
BERLIN = ZoneInfo("Europe/Berlin")  # the organisation's zone, in which the form is read
TEXT = (
    "Unser neuer 3-Tesla-MRT ist in Betrieb: leiser, schneller, mehr Platz. "
    "Das Team der Radiologie freut sich auf euch! https://klinikum-musterstadt.example/news/mrt"
)


@pytest.fixture
def browser_page(browser, live_server):
    SHOTS.mkdir(parents=True, exist_ok=True)
    context = signed_in_context(browser, live_server.url)  # signs in through the form below
    yield context.new_page()
    context.close()


def _shot(page, name: str) -> None:
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _next_minute_at_least(seconds: int) -> dt.datetime:
    """A local wall-clock minute at least ``seconds`` away (the form takes whole minutes)."""
    local = timezone.localtime(timezone.now() + dt.timedelta(seconds=seconds), BERLIN)
    return (local + dt.timedelta(minutes=1)).replace(second=0, microsecond=0, tzinfo=None)


@pytest.mark.browser
def test_it_publishes_a_story_to_two_channels_from_the_browser(
    browser_page, live_server, worker, channel_on, anna, sandbox
):
    page = browser_page
    mastodon = channel_on("mastodon", name="Mastodon – Klinikum")
    x = channel_on("x", handle="KlinikumMS", name="X – Klinikum")
    worker.start()

    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", "anna")
    page.fill("input[name=password]", "pw-anna")
    _shot(page, "01-login")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    _shot(page, "02-dashboard")

    page.goto(f"{live_server.url}/stories/new/")
    page.fill("input[name=title]", "Neuer MRT in Betrieb")
    page.fill("textarea[name=text]", TEXT)
    page.check(f"input[name=channels][value='{mastodon.pk}']")
    page.check(f"input[name=channels][value='{x.pk}']")
    # Each channel gets its post, counted the network's way: X counts the URL as 23.
    status_x = page.locator(f"#status-{x.pk}")
    status_x.wait_for()
    page.wait_for_function(
        "id => document.querySelector('#status-' + id + ' .counter-detail')?.textContent.includes('/ 280')",
        arg=x.pk,
    )
    page.wait_for_function(
        "id => document.querySelector('#status-' + id + ' .counter-detail')?.textContent.includes('/ 500')",
        arg=mastodon.pk,
    )
    assert "Zeichen" in status_x.inner_text()
    assert page.locator(f"#preview-{mastodon.pk}").is_visible()
    assert page.locator(f"#preview-{x.pk}").is_visible()
    _shot(page, "03-composer-counters-and-previews")

    due_local = _next_minute_at_least(20)
    page.fill("#id_due", due_local.strftime("%Y-%m-%dT%H:%M"))
    page.locator("button[name=action][value=schedule]").click()
    page.wait_for_load_state("networkidle")
    _shot(page, "04-scheduled")
    scheduled = list(Publication.objects.order_by("channel__network"))
    assert {p.channel_id for p in scheduled} == {mastodon.pk, x.pk}
    assert all(p.state == State.SCHEDULED for p in scheduled)

    calendar_url = f"{live_server.url}/calendar/?view=week&date={due_local:%Y-%m-%d}"
    page.goto(calendar_url)
    # One card for the story, its two posts (one per channel) behind its disclosure.
    story_card = page.locator(".cal-story")
    assert story_card.count() == 1
    assert "2 geplant" in story_card.inner_text()
    assert story_card.locator(".cal-cards .cal-card").count() == 2
    _shot(page, "05-calendar-scheduled")

    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if all(p.state == State.PUBLISHED for p in Publication.objects.all()):
            break
        time.sleep(0.5)
    assert [p.state for p in Publication.objects.all()] == [State.PUBLISHED] * 2, worker.log()[
        -2000:
    ]
    page.goto(calendar_url)
    assert "2 veröffentlicht" in page.locator(".cal-story").inner_text()
    page.locator(".cal-story summary").click()
    cards = page.locator(".cal-story .cal-cards .cal-card")
    assert cards.count() == 2
    for i in range(2):
        assert "veröffentlicht" in cards.nth(i).inner_text()
    assert page.locator(".cal-card-remote").count() == 2
    _shot(page, "06-calendar-published")

    # Exactly one post arrived on each network, and the link points at it.
    [toot] = sandbox.posts("mastodon")
    [tweet] = sandbox.posts("x")
    assert "3-Tesla-MRT" in toot["text"] and "3-Tesla-MRT" in tweet["text"]
    remote_urls = set(Publication.objects.values_list("remote_url", flat=True))
    assert {toot["url"], tweet["url"]} == remote_urls
    page.goto(f"{live_server.url}/publications/{scheduled[0].pk}/")
    _shot(page, "07-publication")
