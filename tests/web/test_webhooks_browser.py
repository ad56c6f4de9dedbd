"""In the browser: the lead adds a webhook (a private address refused in German first),
copies its secret once, and reads the delivery log after a post went out.
Screenshots (German, laptop and phone) land in ``artifacts/screenshots/webhooks/``.

Run: ``.venv/bin/python -m pytest tests/web/test_webhooks_browser.py -m browser``
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from carecast.publishing.models import Publication, State
from carecast.webhooks import service
from tests.browser_fixtures import SCREENSHOTS, signed_in_context
from tests.web.test_webhooks import Receiver

OUT = Path(os.environ.get("CARECAST_SHOTS", SCREENSHOTS / "webhooks"))
LAPTOP, PHONE = (1366, 900), (390, 844)

pytestmark = pytest.mark.browser


def shoot(page, name: str) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for label, (width, height) in (("laptop", LAPTOP), ("phone", PHONE)):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(OUT / f"{name}-{label}.png"), full_page=True)
    page.set_viewport_size({"width": LAPTOP[0], "height": LAPTOP[1]})


def test_it_adds_a_webhook_and_shows_its_log(
    browser, live_server, anna, mastodon, publication_factory, settings
):
    receiver = Receiver()
    base = live_server.url
    context = signed_in_context(browser, base, anna, width=LAPTOP[0], height=LAPTOP[1])
    page = context.new_page()
    page.goto(base + "/account/tokens/")
    page.click("text=Webhooks")
    page.fill("#id_name", "Intranet-Nachrichtenzentrale der Öffentlichkeitsarbeit")
    page.fill("#id_url", "http://192.168.10.20/carecast")
    page.check("input[name=events][value=published]")
    page.click("main button.button-primary")
    assert "privaten Netz" in page.inner_text("main")
    shoot(page, "webhooks-error")

    settings.CARECAST_SANDBOX = True  # the receiver runs on loopback, as the demo's would
    page.fill("#id_url", receiver.url)
    page.check("input[name=events][value=failed]")
    page.click("main button.button-primary")
    secret = page.inner_text("[data-once-secret]").strip()
    assert secret.startswith("whsec_")
    shoot(page, "webhook-secret")

    publication = publication_factory(mastodon, State.SCHEDULED, None)
    Publication.objects.filter(pk=publication.pk).update(state=State.PUBLISHED, attempt_count=1)
    receiver.answers = [502]
    service.tick()
    page.click("main a.button-primary")
    assert "Der Empfänger antwortete 502." in page.inner_text("main")
    shoot(page, "webhook-log")
    page.goto(base + "/settings/webhooks/")
    shoot(page, "webhooks")
    context.close()
    receiver.close()
