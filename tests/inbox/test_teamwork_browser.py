"""In the browser: assigning, an internal note, a saved reply inserted into the reply box (and
checked when sent), the spike banner, a direct message, the saved-replies page and the spike
setting on the rota page. Screenshots (German; laptop 1366×900 and phone 390×844) land in
``artifacts/screenshots/inbox/``.

Run: ``.venv/bin/python -m pytest tests/inbox/test_teamwork_browser.py -m browser``
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from carecast.inbox import fetch
from carecast.inbox.models import InboxItem, InboxReply, SavedReply, SpikeSettings
from tests.browser_fixtures import SCREENSHOTS, screenshot_that_fits, signed_in_context
from tests.inbox.test_direct_messages import mastodon_dm

OUT = SCREENSHOTS / "inbox"
LAPTOP, PHONE = (1366, 900), (390, 844)
COMPLAINTS = [
    "Unmöglich, ich warte seit drei Stunden in der Notaufnahme und niemand sagt etwas!",
    "Katastrophe, das Essen war kalt und das Personal unfreundlich. Beschwerde!",
    "Ihr seid Idioten, ein Saftladen!",
    "Unverschämt: Termin abgesagt ohne Info. Ich beschwere mich!",
]

pytestmark = pytest.mark.browser


@pytest.fixture
def open_page(browser, live_server):
    contexts = []

    def open_as(person, path, size=LAPTOP):
        context = signed_in_context(browser, live_server.url, person, "de", *size)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto(live_server.url + path)
        return page

    yield open_as
    for context in contexts:
        context.close()


def shots(open_page, person, path, name):
    for size, suffix in ((LAPTOP, "laptop"), (PHONE, "phone")):
        screenshot_that_fits(open_page(person, path, size), OUT, f"{name}-{suffix}")


@pytest.fixture
def busy_inbox(mastodon, comment, sandbox, org, anna, time_machine):
    time_machine.move_to(timezone.now().replace(hour=10, minute=0), tick=False)
    SpikeSettings.objects.create(organisation=org, threshold=4, window_minutes=60)
    SavedReply.objects.create(
        organisation=org,
        title="Besuchszeiten",
        text="Hallo {name}, Besuchszeit ist täglich von 14 bis 19 Uhr. Ihr Team von {team}",
    )
    SavedReply.objects.create(
        organisation=org, title="Visiting hours", language="en", text="Hi {name}, 2 to 7 pm daily."
    )
    for n, text in enumerate(COMPLAINTS):
        time_machine.move_to(timezone.now() + dt.timedelta(minutes=2), tick=False)
        comment(text, handle=f"patient{n}")
    comment("Wie sind die Besuchszeiten auf der Kinderstation am Wochenende?", handle="jonas")
    mastodon_dm(sandbox, "Kann ich meinen Befund auch per Post bekommen?", handle="lena")
    fetch.fetch_all()
    return InboxItem.objects.get(author="jonas")


def test_assign_note_saved_reply_and_banner(open_page, busy_inbox, anna, ben, sandbox):
    page = open_page(anna, "/inbox/")
    assert page.locator(".inbox-spike").count() == 1
    card = page.locator(f"#item-{busy_inbox.pk}")
    card.locator("select[name=person]").select_option(label="ben")
    card.get_by_role("button", name="Zuweisen").click()
    page.locator(".message-success").wait_for()
    card = page.locator(f"#item-{busy_inbox.pk}")
    card.locator("summary", has_text="Interne Notiz hinzufügen").click()
    card.locator("textarea[name=text]").first.fill("Bitte mit Station 3 klären, Ben.")
    card.get_by_role("button", name="Notiz speichern").click()
    card = page.locator(f"#item-{busy_inbox.pk}")
    assert "Bitte mit Station 3 klären" in card.locator(".inbox-note").inner_text()

    page = open_page(ben, "/inbox/?mine=on")
    assert page.locator(".inbox-mine-count").inner_text() == "1"
    card = page.locator(f"#item-{busy_inbox.pk}")
    card.locator(f"#saved-{busy_inbox.pk}").select_option(label="Besuchszeiten (DE)")
    card.get_by_role("button", name="Einfügen").click()
    box = card.locator(f"#reply-{busy_inbox.pk}")
    assert box.input_value().startswith("Hallo @jonas, Besuchszeit ist täglich")
    screenshot_that_fits(page, OUT, "inbox-mine-saved-reply-laptop")
    card.get_by_role("button", name="Antwort prüfen und senden").click()
    page.locator(f'#item-{busy_inbox.pk} [data-reply-state="sent"]').wait_for()
    assert InboxReply.objects.get().text.startswith("Hallo @jonas")

    shots(open_page, anna, "/inbox/", "inbox-teamwork")
    shots(open_page, ben, "/inbox/?mine=on&status=all", "inbox-assigned-to-me")


def test_the_saved_replies_page_and_the_spike_setting(open_page, anna, ben, org):
    shots(open_page, anna, "/inbox/saved-replies/", "saved-replies-empty")
    page = open_page(anna, "/inbox/saved-replies/")
    page.get_by_label("Titel", exact=True).fill("Danke")
    page.get_by_label("Text", exact=True).fill("Danke für Ihre Nachricht, {name}! Wir melden uns.")
    page.get_by_role("button", name="Hinzufügen").click()
    page.locator(".message-success").wait_for()
    assert SavedReply.objects.get().title == "Danke"
    page.get_by_label("Titel", exact=True).fill("Tippfehler")
    page.get_by_label("Text", exact=True).fill("Hallo {nmae}")
    page.get_by_role("button", name="Hinzufügen").click()
    assert "Unbekannter Platzhalter" in page.inner_text("main")
    shots(open_page, anna, "/inbox/saved-replies/", "saved-replies")
    shots(open_page, ben, "/inbox/saved-replies/", "saved-replies-team")

    page = open_page(anna, "/inbox/duty/")
    page.get_by_label("mindestens (Kommentare)").fill("7")
    page.locator("#spikes").get_by_role("button", name="Speichern").click()
    page.locator(".message-success").wait_for()
    assert SpikeSettings.objects.get(organisation=org).threshold == 7
    shots(open_page, anna, "/inbox/duty/", "duty-spike-setting")
