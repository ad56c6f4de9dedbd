"""In the browser: the lead overrides a blocking check in the composer with a reason, finds it
in the audit log, filters the log by person and downloads it as CSV; on a laptop and a phone.

Screenshots land in /tmp/shots/audit/ (looked at by hand, not kept in the repository).
Run: ``.venv/bin/python -m pytest tests/web/test_audit_browser.py -m browser``
"""

from __future__ import annotations

from pathlib import Path

import pytest

from carecast.core import audit
from carecast.core.models import AuditLog
from carecast.publishing.models import Publication
from tests.browser_fixtures import signed_in_context

SHOTS = Path("/tmp/shots/audit")
TEXT = "Vorher/Nachher: Lippenunterspritzung mit Hyaluron – garantiert natürlich. Jetzt Termin sichern!"
REASON = "Rekonstruktiver Eingriff nach Unfall, Rechtsabteilung (Dr. Krankenhausverwaltungsrechtsberaterin) hat freigegeben"
LONG_TITLE = "Kinderintensivstationsneueröffnungsinformationsveranstaltung"

pytestmark = pytest.mark.browser


@pytest.fixture
def open_page(browser, live_server):
    SHOTS.mkdir(parents=True, exist_ok=True)
    contexts = []

    def open_as(person, path, width=1280, height=800, lang="de"):
        context = signed_in_context(browser, live_server.url, person, lang, width, height)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.goto(live_server.url + path)
        return page

    yield open_as
    for context in contexts:
        context.close()


def override_in_composer(page, channel) -> None:
    """Plan a post whose before/after claim blocks, overriding it with a reason (the lead)."""
    page.fill("#id_title", "Ästhetik-Sprechstunde")
    page.check(f"input[name=channels][value='{channel.pk}']")
    page.wait_for_selector(f"#variant_{channel.pk}")
    page.fill("#id_text", TEXT)
    page.wait_for_selector(f"#panel-{channel.pk} [data-finding='hwg.before_after']")
    page.fill("#id_due", "2099-01-01T10:00")
    page.click("button[value=schedule]")
    page.wait_for_selector("#id_override_reason")
    page.fill("#id_override_reason", REASON)
    page.click("button[value=schedule]")
    page.wait_for_url("**/stories/*/")


def no_overflow(page) -> bool:
    width = "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    return page.evaluate(width) <= 0


def test_it_shows_the_override_filters_by_person_and_downloads_csv(
    open_page, org, anna, ben, mastodon
):
    org.imprint_url = "https://www.klinikum-musterstadt.de/impressum"
    org.save()
    audit.record(org, "story.saved", LONG_TITLE, actor=ben.user, story=999)

    page = open_page(anna, "/stories/new/")
    override_in_composer(page, mastodon)
    assert AuditLog.objects.get(action="compliance.override").detail["reason"] == REASON
    assert "Blockierende Prüfung übergangen" in page.inner_text(
        "section[aria-labelledby=history-h]"
    )
    page.screenshot(path=str(SHOTS / "story-history-laptop.png"), full_page=True)

    post = Publication.objects.get()
    phone = open_page(anna, f"/publications/{post.pk}/", width=390, height=844)
    history = phone.inner_text("section[aria-labelledby=history-h]")
    assert "Blockierende Prüfung übergangen" in history and REASON in history
    phone.screenshot(path=str(SHOTS / "post-history-phone.png"), full_page=True)
    assert no_overflow(phone)

    page.click("nav.mainnav >> text=Protokoll")
    override = page.locator("tr[data-action='compliance.override']")
    assert REASON in override.inner_text()
    assert "übergangen" in override.inner_text()
    assert page.locator("tr[data-action='story.saved']", has_text=LONG_TITLE).count() == 1
    page.screenshot(path=str(SHOTS / "log-laptop.png"), full_page=True)

    page.select_option("#id_person", label="anna")
    page.click("button:has-text('Filtern')")
    page.wait_for_url("**/audit/?*person=*")
    assert page.locator("tr[data-action='compliance.override']").count() == 1
    assert page.locator("tbody tr", has_text=LONG_TITLE).count() == 0
    page.screenshot(path=str(SHOTS / "log-filtered-laptop.png"), full_page=True)

    with page.expect_download() as download:
        page.click("text=Als CSV herunterladen")
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert REASON in text and "Blockierende Prüfung übergangen" in text
    assert LONG_TITLE not in text  # the same filter as the page


def test_it_fits_a_phone_with_long_german_words_and_an_empty_filter(open_page, org, anna, ben):
    audit.record(org, "story.saved", LONG_TITLE, actor=ben.user, story=5)
    audit.record(
        org, "compliance.override", LONG_TITLE, actor=anna.user, publication=6, reason=REASON
    )
    phone = open_page(anna, "/audit/", width=390, height=844)
    assert phone.locator("tbody tr").count() == 2
    phone.screenshot(path=str(SHOTS / "log-phone.png"), full_page=True)
    assert no_overflow(phone)

    phone.goto(phone.url + "?q=Zahnarzt")
    assert "Keine Einträge passen zu diesen Filtern." in phone.inner_text("main")
    phone.screenshot(path=str(SHOTS / "log-empty-filter-phone.png"), full_page=True)
    assert no_overflow(phone)

    english = open_page(anna, "/audit/", lang="en")
    assert english.inner_text("h1") == "Audit log"
    assert "Blocking check overridden" in english.inner_text("tbody")
    english.screenshot(path=str(SHOTS / "log-laptop-en.png"), full_page=True)

    AuditLog.objects.all().delete()
    laptop = open_page(anna, "/audit/")
    assert "Noch nichts protokolliert." in laptop.inner_text("main")
    laptop.screenshot(path=str(SHOTS / "log-empty-laptop.png"), full_page=True)
