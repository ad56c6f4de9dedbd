"""The moderator's tools in chromium: a pinned emergency, a manual merge, editing an approved
question, the recording link — laptop (1366×900) and phone (390×844) screenshots.

Run: ``.venv/bin/python -m pytest tests/live/test_moderation_tools_browser.py -m browser``;
PNGs land in ``artifacts/screenshots/live-tools-*.png``. Look at them.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from carecast.inbox.models import DutyShift
from carecast.live.models import Question, Status
from tests.browser_fixtures import SCREENSHOTS, signed_in_context
from tests.live.test_screenshots import busy
from tests.web.test_accessibility_browser import audit

pytestmark = pytest.mark.browser
SIZES = {"laptop": (1366, 900), "phone": (390, 844)}


@pytest.fixture
def desk(browser, asgi_server, anna):
    contexts = []

    def open_(path, size):
        width, height = SIZES[size]
        context = signed_in_context(browser, asgi_server.url, anna, "de", width, height)
        contexts.append(context)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(asgi_server.url + path)
        page.errors = errors
        return page

    yield open_
    for context in contexts:
        context.close()


def shot(page, name):
    page.screenshot(path=str(SCREENSHOTS / f"live-tools-{name}.png"), full_page=True)
    assert not page.errors, page.errors
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{name}: page is {overflow}px wider than the window"


@pytest.fixture
def busy_session(live_session, ben):
    now = timezone.now()
    DutyShift.objects.create(
        organisation=ben.organisation,
        person=ben,
        starts_at=now - dt.timedelta(hours=1),
        ends_at=now + dt.timedelta(hours=7),
    )
    busy(live_session)
    return live_session


@pytest.mark.parametrize("size", SIZES)
def test_the_emergency_is_pinned_and_two_questions_merge(desk, busy_session, size):
    page = desk("/live/geburt/moderate/", size)
    page.wait_for_selector("#live-status.is-online")
    pinned = page.locator(".queue-alerts")
    assert "starke Blutungen" in pinned.inner_text() and "Informiert: ben" in pinned.inner_text()
    first = page.locator(".mq").first.bounding_box()
    assert first and pinned.bounding_box()["y"] <= first["y"]  # above every other card
    shot(page, f"pinned-{size}")

    familie = Question.objects.get(text__startswith="Gibt es im Klinikum Familienzimmer")
    partner = Question.objects.get(text__startswith="Kann der Partner beim Kaiserschnitt")
    page.check(f"#mq-{familie.pk} .merge-pick")
    page.check(f"#mq-{partner.pk} .merge-pick")
    page.get_by_role("button", name="Markierte Fragen zusammenführen").click()
    page.wait_for_selector(".merge-panel textarea")
    page.fill("#merge-text", "Darf der Partner mit, und gibt es Familienzimmer?")
    shot(page, f"merge-panel-{size}")
    assert audit(page) == []  # axe: no serious or critical WCAG 2.1 AA violation
    page.locator(".merge-panel").get_by_role("button", name="Zusammenführen").click()
    page.locator("#merge-panel .merge-panel").wait_for(state="detached")
    page.wait_for_selector(f"#mq-{familie.pk} .mq-merged")
    assert page.locator("#queue .merge-pick:checked").count() == 0  # the ticks are cleared
    merged = Question.objects.get(pk=partner.pk)
    assert merged.status == Status.MERGED and merged.merged_into_id == familie.pk
    assert Question.objects.get(pk=familie.pk).public_text.startswith("Darf der Partner mit")

    card = page.locator(f"#mq-{familie.pk}")
    card.locator(".mq-edit summary").click()
    card.locator("textarea[name=public_text]").fill("Gibt es Familienzimmer auf der Station?")
    card.get_by_role("button", name="Speichern").click()
    expect(page.locator(f"#mq-{familie.pk} .mq-public")).to_contain_text("Station?")
    page.locator(f"#mq-{familie.pk} .mq-edit summary").click()
    page.locator(f"#mq-{familie.pk} .mq-merged summary").click()
    shot(page, f"edited-{size}")


@pytest.mark.parametrize("size", SIZES)
def test_the_presenter_follows_an_edit(desk, busy_session, size):
    presenter = desk("/live/geburt/present/", size)
    presenter.wait_for_selector("#live-status.is-online")
    now = Question.objects.get(status=Status.ANSWERING)
    from carecast.live import actions

    actions.edit(now, "Darf eine Begleitperson beim Kaiserschnitt dabei sein?")
    expect(presenter.locator("#current-question")).to_contain_text("Begleitperson", timeout=15000)
    shot(presenter, f"present-edited-{size}")


@pytest.mark.parametrize("size", SIZES)
def test_setup_and_list_show_recording_and_emergencies(desk, live_session, size):
    busy(live_session)  # nobody on duty: the lead (Anna) is told
    live_session.recording_url = "https://www.youtube.com/watch?v=klinikum-geburt-2026"
    live_session.save()
    page = desk("/live/geburt/setup/", size)
    assert page.locator("#id_recording_url").input_value().endswith("geburt-2026")
    shot(page, f"setup-{size}")
    listing = desk("/live/", size)
    assert "Mögliche Notfälle in Live-Fragen" in listing.locator(".live-alerts").inner_text()
    shot(listing, f"sessions-{size}")
