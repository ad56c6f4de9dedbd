"""In the browser: the lead signs in with the password, is led to set up two-factor sign-in,
scans (here: reads) the key, confirms with a code, keeps the recovery codes; at the next
sign-in the code is asked for after the password, a wrong one refused in German.
Screenshots (German, laptop and phone) land in ``artifacts/screenshots/two_factor/``.

Run: ``.venv/bin/python -m pytest tests/web/test_two_factor_browser.py -m browser``
"""

from __future__ import annotations

import base64
import datetime as dt
import os
from pathlib import Path

import pytest
from django_otp.oath import totp

from tests.browser_fixtures import SCREENSHOTS, signed_in_context

OUT = Path(os.environ.get("CARECAST_SHOTS", SCREENSHOTS / "two_factor"))
LAPTOP, PHONE = (1366, 900), (390, 844)
START = dt.datetime(2026, 12, 2, 8, 0, 5, tzinfo=dt.UTC)

pytestmark = pytest.mark.browser


def shoot(page, name: str) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for label, (width, height) in (("laptop", LAPTOP), ("phone", PHONE)):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(OUT / f"{name}-{label}.png"), full_page=True)
    page.set_viewport_size({"width": LAPTOP[0], "height": LAPTOP[1]})


def code_for(key_text: str) -> str:
    key = base64.b32decode(key_text.replace(" ", "") + "=" * (-len(key_text.replace(" ", "")) % 8))
    return f"{totp(key):06d}"


def sign_in(page, base: str) -> None:
    page.goto(base + "/login/")
    page.fill("#id_username", "anna")
    page.fill("#id_password", "pw-anna")
    page.click("main button[type=submit]")


def test_the_lead_sets_up_and_uses_two_factor_sign_in(
    browser, live_server, anna, settings, time_machine
):
    settings.CARECAST_TWO_FACTOR_FOR_LEADS = True
    time_machine.move_to(START, tick=True)
    base = live_server.url
    context = signed_in_context(browser, base, None, width=LAPTOP[0], height=LAPTOP[1])
    page = context.new_page()
    sign_in(page, base)
    assert "/account/two-factor/setup/" in page.url
    assert page.locator(".qr-code svg").count() == 1
    shoot(page, "setup")
    key = page.inner_text("[data-totp-key]")
    page.fill("#id_code", code_for(key))
    page.click("main button.button-primary")
    codes = page.locator("[data-recovery-codes] code").all_inner_texts()
    assert len(codes) == 10
    shoot(page, "recovery-codes")
    page.click("main a.button-primary")
    assert page.url.rstrip("/") == base or "/account/two-factor/" not in page.url

    page.click("form.logout button")
    time_machine.move_to(START + dt.timedelta(seconds=35), tick=True)  # the next code
    sign_in(page, base)
    assert "/account/two-factor/verify/" in page.url
    page.fill("#id_code", "000000")
    page.click("main button.button-primary")
    assert "Dieser Code stimmt nicht" in page.inner_text("main")
    shoot(page, "verify-wrong")
    time_machine.move_to(START + dt.timedelta(seconds=40), tick=True)  # past the pause after a miss
    page.fill("#id_code", code_for(key))
    page.click("main button.button-primary")
    assert "/account/two-factor/" not in page.url and "/login" not in page.url
    page.goto(base + "/account/two-factor/")
    assert page.locator("[data-two-factor=on]").count() == 1
    shoot(page, "status")
    context.close()
