"""On a phone the main navigation is a menu behind one disclosure button; on a laptop it is
a single row. Without JS the list stays open (the button is only shown by desk.js).
Screenshots land in ``artifacts/screenshots/ui/``.

Run: ``.venv/bin/python -m pytest tests/web/test_navigation_menu_browser.py -m browser``
"""

from __future__ import annotations

import pytest

from tests.browser_fixtures import SCREENSHOTS, signed_in_context

OUT = SCREENSHOTS / "ui"
pytestmark = pytest.mark.browser


def test_it_folds_the_navigation_into_a_menu_on_a_phone(browser, live_server, anna):
    OUT.mkdir(parents=True, exist_ok=True)
    context = signed_in_context(browser, live_server.url, anna, "de", width=390, height=844)
    page = context.new_page()
    page.goto(live_server.url + "/calendar/")
    toggle = page.get_by_role("button", name="Menü")
    assert toggle.get_attribute("aria-expanded") == "false"
    assert toggle.get_attribute("aria-controls") == "mainnav"
    assert not page.locator("#mainnav").is_visible()
    page.screenshot(path=str(OUT / "nav-phone-closed.png"))
    header = page.locator(".topbar").bounding_box()
    assert header is not None and header["height"] < 110, header

    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true"
    nav = page.get_by_role("navigation", name="Hauptnavigation")
    assert nav.is_visible()
    assert nav.get_by_role("link", name="Redaktionsplan").get_attribute("aria-current") == "page"
    page.screenshot(path=str(OUT / "nav-phone-open.png"))

    page.keyboard.press("Escape")
    assert toggle.get_attribute("aria-expanded") == "false"
    assert not nav.is_visible()
    context.close()


def test_it_keeps_one_row_of_sections_on_a_laptop(browser, live_server, anna):
    OUT.mkdir(parents=True, exist_ok=True)
    context = signed_in_context(browser, live_server.url, anna, "de", width=1366, height=900)
    page = context.new_page()
    page.goto(live_server.url + "/")
    assert not page.locator(".nav-toggle").is_visible()
    links = page.locator("#mainnav a")
    assert links.first.is_visible()
    tops = {round(box["y"]) for box in (links.nth(i).bounding_box() for i in range(links.count()))}
    assert len(tops) == 1, tops
    page.screenshot(path=str(OUT / "nav-laptop.png"))
    context.close()


def test_it_leaves_the_navigation_open_without_javascript(browser, live_server, anna):
    context = signed_in_context(browser, live_server.url, anna, "de", width=390, height=844)
    context.close()
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="de-DE", java_script_enabled=False
    )
    probe = signed_in_context(browser, live_server.url, anna, "de")
    context.add_cookies(probe.cookies())
    probe.close()
    page = context.new_page()
    page.goto(live_server.url + "/")
    assert not page.locator(".nav-toggle").is_visible()
    assert page.get_by_role("link", name="Redaktionsplan").is_visible()
    context.close()
