"""In the browser: a before/after claim shows its finding in the composer, and the post cannot be
planned without the lead's override. Screenshots land in ``artifacts/screenshots/guardrails-*``.

Run: ``.venv/bin/python -m pytest tests/compliance/test_browser.py -m browser``
"""

from __future__ import annotations

import pytest

from carecast.core.models import AuditLog
from carecast.publishing.models import Publication, State
from tests.browser_fixtures import SCREENSHOTS, signed_in_context

OUT = SCREENSHOTS
TEXT = "Vorher/Nachher: Lippenunterspritzung mit Hyaluron – garantiert natürlich. Jetzt Termin sichern!"

pytestmark = pytest.mark.browser


@pytest.fixture
def page_for(browser, live_server):
    contexts = []

    def open_as(person, lang="de", width=1280):
        context = signed_in_context(browser, live_server.url, person, lang, width)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto(live_server.url + "/stories/new/")
        return page

    yield open_as
    for context in contexts:
        context.close()


def compose(page, channel):
    page.fill("#id_title", "Ästhetik-Sprechstunde")
    page.check(f"input[name=channels][value='{channel.pk}']")
    page.wait_for_selector(f"#variant_{channel.pk}")
    page.fill("#id_text", TEXT)
    finding = page.wait_for_selector(f"#panel-{channel.pk} [data-finding='hwg.before_after']")
    page.fill("#id_due", "2099-01-01T10:00")
    return finding


def test_it_shows_the_finding_and_plans_only_with_an_override(page_for, anna, mastodon):
    page = page_for(anna)
    finding = compose(page, mastodon)
    assert "Vorher-Nachher-Vergleich" in finding.inner_text()
    assert page.locator(".blocked-checks").is_visible()
    page.screenshot(path=str(OUT / "guardrails-composer-finding-de.png"), full_page=True)

    page.click("button[value=schedule]")
    page.wait_for_selector(".form-errors")
    assert "Eine Begründung zum Übergehen der Prüfung angeben" in page.inner_text(".form-errors")
    assert not Publication.objects.exists()
    page.screenshot(path=str(OUT / "guardrails-composer-refused-de.png"), full_page=True)

    assert page.locator("#id_override_reason").is_visible()  # opened for the lead after a refusal
    page.fill("#id_override_reason", "Rekonstruktiver Eingriff, Rechtsabteilung hat freigegeben")
    page.screenshot(path=str(OUT / "guardrails-composer-override-de.png"), full_page=True)
    page.click("button[value=schedule]")
    page.wait_for_url("**/stories/*/")
    assert Publication.objects.get().state == State.SCHEDULED
    assert AuditLog.objects.get(action="compliance.override").actor == anna.user


def test_it_offers_an_editor_no_override(page_for, ben, mastodon):
    page = page_for(ben, lang="en")
    compose(page, mastodon)
    assert page.locator("#id_override_reason").count() == 0
    assert "only they can override" in page.inner_text(".blocked-checks")
    page.screenshot(path=str(OUT / "guardrails-composer-editor-en.png"), full_page=True)
    assert page.locator("button[value=schedule]").is_disabled()
    assert page.locator("button[value=publish]").is_disabled()
    assert not Publication.objects.exists()


def test_it_shows_findings_on_a_phone_without_overflow(page_for, anna, mastodon):
    page = page_for(anna, width=390)
    compose(page, mastodon)
    page.screenshot(path=str(OUT / "guardrails-composer-mobile-de.png"), full_page=True)
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
