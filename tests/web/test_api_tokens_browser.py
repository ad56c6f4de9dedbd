"""In the browser: a person makes an API access token on their own page, copies it once,
a script uses it over HTTP, the page shows when it was last used, and it is revoked.
Screenshots (German, laptop and phone) land in ``artifacts/screenshots/api_tokens/``.

Run: ``.venv/bin/python -m pytest tests/web/test_api_tokens_browser.py -m browser``
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.browser_fixtures import SCREENSHOTS, signed_in_context

OUT = Path(os.environ.get("CARECAST_SHOTS", SCREENSHOTS / "api_tokens"))
LAPTOP, PHONE = (1366, 900), (390, 844)

pytestmark = pytest.mark.browser


def shoot(page, name: str) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for label, (width, height) in (("laptop", LAPTOP), ("phone", PHONE)):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(OUT / f"{name}-{label}.png"), full_page=True)
    page.set_viewport_size({"width": LAPTOP[0], "height": LAPTOP[1]})


def call(base: str, raw: str, path: str) -> tuple[int, dict]:
    request = urllib.request.Request(base + path, headers={"Authorization": f"Bearer {raw}"})
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310 - loopback
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_it_makes_uses_and_revokes_a_token(browser, live_server, ben, channel_factory):
    channel_factory("mastodon", "Mastodon – Universitätsklinikum Frauen- und Kinderzentrum")
    base = live_server.url
    context = signed_in_context(browser, base, ben, width=LAPTOP[0], height=LAPTOP[1])
    page = context.new_page()
    page.goto(base + "/")
    page.click("a.account-link")
    assert page.url == base + "/account/tokens/"
    page.click("main button[type=submit]")  # nothing filled in
    assert "Bitte mindestens eine Berechtigung wählen." in page.inner_text("main")
    shoot(page, "tokens-error")
    page.fill("#id_name", "Intranet-Nachrichtenimport der Öffentlichkeitsarbeit")
    page.check("input[name=scopes][value=read]")
    page.click("main button.button-primary")
    raw = page.inner_text("[data-once-token]").strip()
    assert raw.startswith("cc_")
    shoot(page, "token-once")

    status, body = call(base, raw, "/api/v1/channels")
    assert status == 200 and [c["network"] for c in body["items"]] == ["mastodon"]
    status, body = call(base, raw, "/api/v1/inbox")
    assert status == 403 and body["code"] == "scope"

    page.goto(base + "/account/tokens/")
    assert raw not in page.content()
    assert "nie" not in page.inner_text("[data-last-used]")
    shoot(page, "tokens")
    page.click("main form button.button-danger")
    assert "Keine aktiven Zugangsschlüssel." in page.inner_text("main")
    status, body = call(base, raw, "/api/v1/channels")
    assert status == 401 and body["code"] == "unauthenticated"
    shoot(page, "tokens-revoked")
    context.close()
