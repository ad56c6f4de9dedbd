"""Three pages at once in Chromium against a real uvicorn server: audience, moderator, presenter.

A visitor asks on the phone; the moderator sees it arrive, approves it; the visitor sees it
appear; the moderator pins it; the presenter screen shows it large. Every step waits on the
page changing by itself (websocket), never on a reload.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.browser_fixtures import SCREENSHOTS, signed_in_context

OUT = SCREENSHOTS
QUESTION = "Darf der Partner bei einem Kaiserschnitt im OP dabei sein?"

pytestmark = pytest.mark.browser


def watch_errors(page, errors):
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return page


def _pin_from_keyboard(moderator, card, tries: int = 5) -> None:
    """Focus the card and press "p" until it is pinned.

    The console re-renders its queue whenever an event arrives; a key pressed while
    the card is being replaced lands nowhere (seen under load in CI), so try again —
    a few times, each bounded.
    """
    now = moderator.locator(".mq-now", has_text=QUESTION)
    for _ in range(tries):
        moderator.wait_for_load_state("networkidle")
        card.focus()
        moderator.keyboard.press("p")
        try:
            now.wait_for(timeout=4_000)
            return
        except PlaywrightTimeout:
            continue
    now.wait_for()  # one last, full wait: fails with Playwright's own message


def test_it_runs_a_question_from_the_audience_to_the_presenter(
    browser, asgi_server, live_session, anna
):
    url, errors = asgi_server.url, []
    audience = watch_errors(
        browser.new_context(viewport={"width": 390, "height": 844}, locale="de-DE").new_page(),
        errors,
    )
    moderator = watch_errors(signed_in_context(browser, url, anna).new_page(), errors)
    presenter = watch_errors(signed_in_context(browser, url, anna, height=720).new_page(), errors)

    moderator.goto(f"{url}/live/geburt/moderate/")
    presenter.goto(f"{url}/live/geburt/present/")
    audience.goto(f"{url}/live/geburt/")
    for page in (audience, moderator, presenter):
        page.wait_for_selector("#live-status.is-online")

    audience.fill("#id_text", QUESTION)
    audience.fill("#id_nickname", "Lena")
    audience.click("button[type=submit]")
    audience.wait_for_selector("text=Danke!")

    card = moderator.locator(".mq-pending", has_text=QUESTION)
    card.wait_for()
    moderator.screenshot(path=str(OUT / "live-moderate-waiting.png"), full_page=True)
    card.get_by_role("button", name="Freigeben").click()

    audience.locator("#questions li.q", has_text=QUESTION).wait_for()
    audience.screenshot(path=str(OUT / "live-audience-mobile.png"), full_page=True)

    # The moderator pins it from the keyboard: focus the card, press "p".
    approved = moderator.locator(".mq-approved", has_text=QUESTION)
    approved.wait_for()
    _pin_from_keyboard(moderator, approved)

    presenter.locator("#current-question", has_text=QUESTION).wait_for()
    audience.locator("#now-slot li.q", has_text=QUESTION).wait_for()
    moderator.locator(".mq-now", has_text=QUESTION).wait_for()
    presenter.screenshot(path=str(OUT / "live-present.png"))
    audience.screenshot(path=str(OUT / "live-audience-now-mobile.png"), full_page=True)
    moderator.screenshot(path=str(OUT / "live-moderate-now.png"), full_page=True)
    assert not errors, errors


def test_it_falls_back_to_polling_without_a_websocket(browser, asgi_server, live_session):
    """A proxy that drops websockets: the page says so and still shows new questions."""
    from carecast.live import actions

    page = browser.new_context(viewport={"width": 390, "height": 844}, locale="de-DE").new_page()
    page.route_web_socket("**/live/ws/**", lambda ws: ws.close())
    page.goto(f"{asgi_server.url}/live/geburt/")
    page.wait_for_selector("#live-status:not(.is-online)")
    actions.approve(
        actions.submit_question(live_session, "Gibt es Familienzimmer im Haus?", client="a")
    )
    page.locator("#questions li.q", has_text="Familienzimmer").wait_for(timeout=15_000)
    assert "alle paar Sekunden" in page.inner_text("#live-status")
