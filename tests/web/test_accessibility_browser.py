"""axe-core (from the npm registry, vendored by ``make vendor`` into ``var/vendor/``) runs in
chromium over every page of carecast: zero serious or critical WCAG 2.1 A/AA violations.

"Every page" is every GET URL of the RBAC rules table the lead may open, filled from the
RBAC matrix's world (one object of each kind), and the pages a lead reaches by hand
(failed save, month view). htmx fragments (no ``<html>``) are parts of pages checked here.

Run: ``.venv/bin/python -m pytest tests/web/test_accessibility_browser.py -m browser``
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import Error as PlaywrightError

from tests.browser_fixtures import signed_in_context
from tests.web.rbac_rules import OK, RULES
from tests.web.test_rbac_matrix import KWARGS, url_names, world  # noqa: F401 - fixture

AXE = Path(__file__).resolve().parents[2] / "var" / "vendor" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = {"serious", "critical"}
# django-ninja's Swagger UI for API clients: third-party markup, not a page of the desk.
NOT_OURS = {"/api/v1/docs"}

pytestmark = pytest.mark.browser


def lead_pages(w) -> list[str]:
    paths = []
    for name, args in sorted(url_names().items()):
        rule = RULES.get(name)
        if rule is None or rule.method != "GET" or rule.expect[-1] != OK:
            continue
        kwargs = {arg: (rule.kwargs.get(arg) or KWARGS[arg])(w) for arg in args}
        path = reverse(name, kwargs=kwargs)
        if path in NOT_OURS:
            continue
        paths.append(path + (f"?{rule.query}" if rule.query else ""))
    return paths + ["/calendar/?view=month"]


def audit(page) -> list[str]:
    """axe's serious and critical violations on the loaded page, one line each."""
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `make vendor` (npm pack axe-core)")
    # Through the DevTools protocol: the page's CSP (script-src 'self') stays as it is.
    page.evaluate(AXE.read_text())
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", TAGS
    )
    found = []
    for violation in result["violations"]:
        if violation["impact"] in BLOCKING:
            targets = [" ".join(map(str, node["target"])) for node in violation["nodes"][:4]]
            found.append(f"{violation['id']} ({violation['impact']}): {targets}")
    return found


OWN_RULES = """() => {
  const found = [];
  for (const el of document.querySelectorAll("[aria-describedby], [aria-labelledby], [aria-controls]")) {
    for (const attr of ["aria-describedby", "aria-labelledby", "aria-controls"]) {
      for (const id of (el.getAttribute(attr) || "").split(/\\s+/).filter(Boolean)) {
        if (!document.getElementById(id)) found.push(`${attr}="${id}" points nowhere`);
      }
    }
  }
  if (!document.querySelector("h1")) found.push("no h1");
  return found;
}"""


def own_rules(page) -> list[str]:
    """What axe leaves to review: id references that exist, and a heading for the page."""
    return page.evaluate(OWN_RULES)


def test_it_finds_no_serious_violation_on_any_page(browser, live_server, world):  # noqa: F811
    context = signed_in_context(browser, live_server.url, world.anna, "de", width=1366)
    # Only the desk itself is loaded (a tracked link redirects to the world).
    context.route(lambda url: not url.startswith(live_server.url), lambda route: route.abort())
    problems, checked = [], 0
    for path in lead_pages(world):
        page = context.new_page()  # fresh: an aborted redirect must not disturb the next page
        try:
            response = page.goto(live_server.url + path)
        except PlaywrightError as error:
            if "Download is starting" in str(error) or "net::ERR_" in str(error):
                continue  # a file (export, consent document) or a redirect away, not a page
            raise
        if response is None or response.status >= 400:
            problems.append(f"{path}: status {response and response.status}")
            continue
        if "text/html" not in (response.headers.get("content-type") or ""):
            continue
        if not page.evaluate("document.doctype !== null"):
            continue  # an htmx fragment: its page is checked
        checked += 1
        problems += [f"{path}: {line}" for line in audit(page) + own_rules(page)]
        page.close()
    context.close()
    assert checked > 30, checked
    assert not problems, "\n".join(problems)


def test_it_notices_a_serious_violation(browser, live_server):
    """The check can fail: an unnamed button and an image without alt text are reported."""
    context = browser.new_context()
    page = context.new_page()
    page.set_content(
        '<!doctype html><html lang="de"><title>t</title><main><button></button>'
        '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="></main></html>'
    )
    found = audit(page)
    context.close()
    assert any(line.startswith("button-name") for line in found), found
    assert any(line.startswith("image-alt") for line in found), found


OUTLINE = (
    "el => { const s = getComputedStyle(el); return [s.outlineStyle, parseFloat(s.outlineWidth)]; }"
)


def test_it_shows_keyboard_focus_on_a_ticked_channel_card(
    browser, live_server, anna, mastodon, bluesky
):
    context = signed_in_context(browser, live_server.url, anna, "de", width=1366)
    page = context.new_page()
    page.goto(live_server.url + "/stories/new/")
    box = page.locator(f'input[name="channels"][value="{mastodon.pk}"]')
    box.check()
    box.focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")  # focus by keyboard, so :focus-visible applies
    card = box.locator("xpath=ancestor::label[1]")
    assert card.evaluate(OUTLINE) == ["solid", 3.0]
    assert box.evaluate(OUTLINE) == ["solid", 3.0]
    context.close()


def test_it_puts_focus_on_the_first_error_after_a_failed_save(browser, live_server, anna, mastodon):
    context = signed_in_context(browser, live_server.url, anna, "de", width=1366)
    page = context.new_page()
    page.goto(live_server.url + "/stories/new/")
    page.locator(f'input[name="channels"][value="{mastodon.pk}"]').check()
    page.locator("#id_text").fill("Besuchszeiten ab Montag neu.")
    # The server's check, as when the browser's own one is bypassed (an old browser, a paste).
    page.evaluate("document.querySelector('#id_title').form.noValidate = true")
    page.locator('button[name="action"][value="save"]').first.click()
    page.wait_for_load_state()
    focused = page.evaluate("document.activeElement.id")
    assert focused == "id_title"
    described = page.locator("#id_title").get_attribute("aria-describedby")
    assert "id_title_error" in described.split()
    assert page.locator("#id_title_error").inner_text().strip()
    context.close()
