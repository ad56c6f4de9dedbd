"""In the browser: a Facebook Page's private message in the inbox, and the reply box after
Meta's 24 hours — the reason shown, the text kept. Screenshots (German; laptop 1366×900 and
phone 390×844) land in ``artifacts/screenshots/inbox/``.

Run: ``.venv/bin/python -m pytest tests/inbox/test_meta_direct_messages_browser.py -m browser``
"""

from __future__ import annotations

import datetime as dt

import pytest

from carecast.inbox.models import InboxItem, InboxReply
from tests.browser_fixtures import SCREENSHOTS, screenshot_that_fits, signed_in_context
from tests.inbox.test_meta_direct_messages import (
    START,
    deliver,
    message,
)
from tests.inbox.test_meta_direct_messages import meta_app as meta_app  # noqa: F401

OUT = SCREENSHOTS / "inbox"
LAPTOP, PHONE = (1366, 900), (390, 844)

pytestmark = pytest.mark.browser


def test_a_late_private_answer_is_refused_in_the_reply_box(
    browser, live_server, graph_channel, sandbox, ben, time_machine
):
    channel = graph_channel("facebook")
    deliver(message(sandbox, channel, "Kann ich meine Mutter auf der Intensivstation besuchen?"))
    item = InboxItem.objects.get()
    time_machine.move_to(START + dt.timedelta(hours=26), tick=False)
    for size, suffix in ((LAPTOP, "laptop"), (PHONE, "phone")):
        context = signed_in_context(browser, live_server.url, ben, "de", *size)
        try:
            page = context.new_page()
            page.set_default_timeout(10_000)
            page.goto(f"{live_server.url}/inbox/")
            card = page.locator(f"#item-{item.pk}")
            assert "Direktnachricht" in card.inner_text()
            page.locator(f"#reply-{item.pk}").fill("Ja, täglich von 15 bis 18 Uhr.")
            card.get_by_role("button", name="Antwort prüfen und senden").click()
            page.get_by_role("alert").filter(has_text="24 Stunden").wait_for()
            card = page.locator(f"#item-{item.pk}")
            assert "Facebook erlaubt eine private Antwort nur innerhalb" in card.inner_text()
            assert page.locator(f"#reply-{item.pk}").input_value().startswith("Ja, täglich")
            screenshot_that_fits(page, OUT, f"meta-dm-window-closed-{suffix}")
        finally:
            context.close()
    assert not InboxReply.objects.exists()
