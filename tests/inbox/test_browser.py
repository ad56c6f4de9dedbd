"""In the browser: an emergency arrives from the sandbox, is pinned with the ready reply, a reply
confirming a patient is blocked (text kept, reason shown), a safe reply is sent. Screenshots
(German, desktop and phone width; the empty inbox and the duty rota too) land in
``artifacts/screenshots/inbox/``.

Run: ``.venv/bin/python -m pytest tests/inbox/test_browser.py -m browser``
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from carecast.inbox import fetch
from carecast.inbox.models import DutyShift, InboxReply, ReplyState
from tests.browser_fixtures import SCREENSHOTS, screenshot_that_fits, signed_in_context

OUT = SCREENSHOTS / "inbox"
PHONE = 390
EMERGENCY = "Mein Vater hat seit einer halben Stunde starke Brustschmerzen und bekommt kaum Luft. Was sollen wir tun??"
COMMENTS = [
    ("jonas", "Wie sind eigentlich die Besuchszeiten auf der Kinderstation am Wochenende?"),
    ("mia", "Ein riesiges Dankeschön an das Team der Geburtshilfe – ihr wart großartig!"),
    ("ole", "Ich warte seit drei Stunden in der Notaufnahme, niemand sagt mir etwas. Unmöglich!"),
    ("gewinn24", "Jetzt GRATIS iPhone gewinnen!!! Klick hier: http://gewinn.example"),
    ("maria", "Ich hatte letzte Woche meine Chemo bei Ihnen und vertrage sie überhaupt nicht."),
]

pytestmark = pytest.mark.browser


@pytest.fixture
def open_page(browser, live_server):
    contexts = []

    def open_as(person, path, width=1280, lang="de"):
        context = signed_in_context(browser, live_server.url, person, lang, width)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto(live_server.url + path)
        return page

    yield open_as
    for context in contexts:
        context.close()


def shot(page, name: str) -> None:
    screenshot_that_fits(page, OUT, name)


def test_the_empty_inbox_and_rota_say_what_happens_here(open_page, anna):
    for width, suffix in ((1280, "desktop"), (PHONE, "phone")):
        page = open_page(anna, "/inbox/", width)
        assert "Keine offenen Kommentare." in page.inner_text("main")
        shot(page, f"inbox-empty-de-{suffix}")
        page = open_page(anna, "/inbox/duty/", width)
        assert "Gerade hat niemand Dienst." in page.inner_text("main")
        shot(page, f"duty-empty-de-{suffix}")


def test_an_emergency_is_pinned_the_guard_blocks_and_a_safe_reply_goes_out(
    open_page, anna, ben, mastodon, comment, sandbox
):
    for handle, text in COMMENTS:
        comment(text, handle=handle)
    comment(EMERGENCY, handle="sorge_um_papa")
    fetch.fetch_all()

    page = open_page(anna, "/inbox/")
    assert (
        int(page.locator(".nav-alert [aria-hidden]").inner_text()) >= 1
    )  # triage decides how many
    first = page.locator("article.inbox-item").first
    assert "inbox-emergency" in first.get_attribute("class")
    assert "Brustschmerzen" in first.inner_text()
    reply_box = first.locator(".inbox-reply-form textarea")
    assert "112" in reply_box.input_value()  # the ready reply, prefilled
    shot(page, "inbox-emergency-de-desktop")
    shot(open_page(anna, "/inbox/", PHONE), "inbox-emergency-de-phone")

    reply_box.fill("Ihr Aufenthalt auf Station 4 war sicher schwer – rufen Sie bitte die 112.")
    first.get_by_role("button", name="Antwort prüfen und senden").click()
    first = page.locator("article.inbox-item").first
    first.locator(".inbox-findings").wait_for()
    assert "Nicht gesendet" in first.inner_text()
    kept = first.locator(".inbox-reply-form textarea").input_value()
    assert "Ihr Aufenthalt" in kept  # the text is kept
    assert not InboxReply.objects.exists()
    shot(page, "inbox-blocked-de-desktop")

    first.locator(".inbox-reply-form textarea").fill(
        "Das klingt nach einem Notfall: Bitte rufen Sie sofort die 112 an. "
        "Wir melden uns zusätzlich privat bei Ihnen."
    )
    first.get_by_role("button", name="Antwort prüfen und senden").click()
    page.locator('[data-reply-state="sent"]').first.wait_for()
    reply = InboxReply.objects.get()
    assert reply.state == ReplyState.SENT
    ours = [p for p in sandbox.posts("mastodon") if p["account"] == "klinikum"]
    assert len(ours) == 1 and "112" in ours[0]["text"]
    shot(page, "inbox-sent-de-desktop")

    spam = page.locator("article.inbox-item", has_text="GRATIS")
    spam.get_by_role("button", name="Erledigt").click()
    page.locator("article.inbox-status-done", has_text="GRATIS").wait_for()
    assert "Wieder öffnen" in page.locator("article", has_text="GRATIS").inner_text()

    page = open_page(anna, "/inbox/?status=all", lang="en")
    assert "Emergency" in page.inner_text("main") and "health data" in page.inner_text("main")
    shot(page, "inbox-all-en-desktop")

    page = open_page(anna, "/inbox/?label=health_data", PHONE)
    assert "Chemo" in page.inner_text("main")
    page.locator("details.inbox-why summary").first.click()
    shot(page, "inbox-health-data-de-phone")


def test_the_duty_rota_with_shifts(open_page, anna, ben):
    now = timezone.now()
    DutyShift.objects.create(
        organisation=anna.organisation,
        person=ben,
        starts_at=now - dt.timedelta(hours=2),
        ends_at=now + dt.timedelta(hours=6),
    )
    DutyShift.objects.create(
        organisation=anna.organisation,
        person=anna,
        starts_at=now + dt.timedelta(hours=6),
        ends_at=now + dt.timedelta(hours=14),
    )
    page = open_page(anna, "/inbox/duty/")
    assert "ben" in page.locator(".duty-grid").inner_text()
    page.get_by_role("button", name="Ich übernehme jetzt (8 h)").click()
    page.locator(".message-success").wait_for()
    assert DutyShift.objects.filter(person=anna).count() == 2
    shot(page, "duty-de-desktop")
    shot(open_page(anna, "/inbox/duty/", PHONE), "duty-de-phone")
