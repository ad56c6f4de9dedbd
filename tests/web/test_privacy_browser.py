"""In the browser: the lead reads the record of processing, looks up a commenter, and erases
their comments. Screenshots (German, laptop and phone) in ``artifacts/screenshots/privacy/``.

Run: ``.venv/bin/python -m pytest tests/web/test_privacy_browser.py -m browser``
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.utils import timezone

from carecast.inbox.models import InboxItem
from tests.browser_fixtures import SCREENSHOTS, signed_in_context

OUT = Path(os.environ.get("CARECAST_SHOTS", SCREENSHOTS / "privacy"))
LAPTOP, PHONE = (1366, 900), (390, 844)

pytestmark = pytest.mark.browser


def shoot(page, name: str) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for label, (width, height) in (("laptop", LAPTOP), ("phone", PHONE)):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(OUT / f"{name}-{label}.png"), full_page=True)
    page.set_viewport_size({"width": LAPTOP[0], "height": LAPTOP[1]})


def test_the_lead_erases_a_commenters_data(browser, live_server, anna, org, mastodon):
    InboxItem.objects.create(
        organisation=org,
        channel=mastodon,
        remote_id="1",
        author="angehörige_kardiologie",
        text="Mein Vater liegt seit Montag auf der Kardiologie-Wachstation, darf ich ihn besuchen?",
        received_at=timezone.now(),
    )
    base = live_server.url
    context = signed_in_context(browser, base, anna, width=LAPTOP[0], height=LAPTOP[1])
    page = context.new_page()
    page.goto(base + "/settings/personal-data/")
    assert "Verzeichnis der Verarbeitungstätigkeiten" in page.inner_text("main")
    shoot(page, "records")
    page.click("text=Daten einer kommentierenden Person: nachsehen, exportieren, löschen")
    page.fill("#who", "angehörige_kardiologie")
    page.click("main button.button-primary")
    assert "Kardiologie-Wachstation" in page.inner_text("main")
    shoot(page, "commenter")
    page.click("main button.button-danger")
    assert "1 Kommentar gelöscht." in page.inner_text("main")
    assert "Kardiologie-Wachstation" not in page.content()
    shoot(page, "commenter-erased")
    context.close()
