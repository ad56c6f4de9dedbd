"""One way to drive Debian's chromium in the browser tests (Playwright from PyPI).

A missing chromium fails the test with the fix, never skips it: a skipped browser
test would hide the very install step a fresh machine lacks.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

# pytest-django's live_server with Playwright's sync API (its own event loop) needs this.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parents[1] / "artifacts" / "screenshots"


@pytest.fixture(scope="module")
def browser():
    """A headless chromium for one test module."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium (.ci/run does)")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        launched = p.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-background-networking"]
        )
        yield launched
        launched.close()


def signed_in_context(
    browser, base_url: str, person=None, lang: str = "de", width=1280, height=900
):
    """A browser context at ``base_url`` in ``lang``, signed in as ``person`` if given."""
    locale = "de-DE" if lang == "de" else "en-GB"
    context = browser.new_context(viewport={"width": width, "height": height}, locale=locale)
    cookies = [{"name": settings.LANGUAGE_COOKIE_NAME, "value": lang, "url": base_url}]
    if person is not None:
        client = Client()
        client.force_login(person.user)
        session = client.cookies[settings.SESSION_COOKIE_NAME].value
        cookies.append({"name": settings.SESSION_COOKIE_NAME, "value": session, "url": base_url})
    context.add_cookies(cookies)
    return context


def overflow(page) -> int:
    """How many pixels the page is wider than its window (0 or less when it fits)."""
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


def screenshot_that_fits(page, folder: Path, name: str) -> None:
    """A full-page screenshot ``folder/name.png``; fails if the page is wider than its window."""
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)
    wider = overflow(page)
    assert wider <= 0, f"{name}: {wider}px wider than the window"
