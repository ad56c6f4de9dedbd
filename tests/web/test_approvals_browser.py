"""Approvals in the browser: a department editor submits, the lead asks for a change, the
editor changes it, the lead approves, and a real worker publishes the post exactly once.

Screenshots of each step (laptop and phone) land in artifacts/screenshots/approvals/.
"""

from __future__ import annotations

import time

import pytest

from carecast.approvals.models import DepartmentPolicy, Mode, Review, ReviewState
from carecast.publishing.models import Publication, State
from tests.browser_fixtures import SCREENSHOTS, signed_in_context
from tests.web.test_approvals import compile_catalogue

compile_catalogue()
SHOTS = SCREENSHOTS / "approvals"
FIRST = "Kreißsaalführung für werdende Eltern, jeden Dienstag."
CHANGED = "Kreißsaalführung für werdende Eltern, jeden Dienstag um 18 Uhr im Foyer."


def _shot(page, name: str) -> None:
    """The page on a laptop and on a phone."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}-laptop.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(SHOTS / f"{name}-phone.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 800})


def _page(browser, live_server, person):
    context = signed_in_context(browser, live_server.url, person, width=1280, height=800)
    return context, context.new_page()


def _submit(page, base: str, path: str, channel, text: str) -> None:
    page.goto(f"{base}{path}")
    page.fill("input[name=title]", "Kreißsaalführung im November")
    page.fill("textarea[name=text]", text)
    box = page.locator(f"input[name=channels][value='{channel.pk}']")
    if not box.is_checked():
        box.check()
    button = page.locator("button[name=action][value=submit]")
    button.wait_for()
    page.wait_for_function(
        "t => [...document.querySelectorAll('.post-text, textarea')].some(e => (e.value || e.textContent).includes(t))",
        arg=text[-25:],
    )
    page.fill("#id_review_note", "Bitte bis Freitag freigeben.")
    _shot(page, "01-composer-submit")
    button.click()
    page.wait_for_load_state("networkidle")


def _decide(page, base: str, review: Review, decision: str, comment: str = "") -> None:
    page.goto(f"{base}/reviews/")
    page.click(f"a[href='/reviews/{review.pk}/']")
    page.check(f"input[name=decision][value={decision}]")
    if comment:
        page.fill("textarea[name=comment]", comment)
    _shot(page, f"03-review-{decision}")
    page.click("button:has-text('Entscheidung senden')")
    page.wait_for_load_state("networkidle")


@pytest.mark.browser
def test_it_goes_from_submission_through_a_change_to_one_published_post(
    browser, live_server, worker, channel_on, geburtshilfe, clara, anna, sandbox
):
    channel = channel_on(
        "mastodon", handle="babytown", name="Mastodon – Babytown", department=geburtshilfe
    )
    DepartmentPolicy.objects.create(department=geburtshilfe, mode=Mode.DEPARTMENT_EDITORS)
    worker.start()
    base = live_server.url
    clara_context, editor = _page(browser, live_server, clara)
    anna_context, lead = _page(browser, live_server, anna)

    _submit(editor, base, "/stories/new/", channel, FIRST)
    assert "Zur Freigabe eingereicht" in editor.content()
    review = Review.objects.get()
    assert not Publication.objects.exists()

    lead.goto(f"{base}/reviews/")
    assert "Kreißsaalführung im November" in lead.locator("#waiting-h + ul").inner_text()
    _shot(lead, "02-queue")
    _decide(lead, base, review, "changes", "Bitte Uhrzeit und Ort ergänzen.")
    review.refresh_from_db()
    assert review.state == ReviewState.CHANGES_REQUESTED

    editor.goto(f"{base}/reviews/")
    assert "braucht Änderungen" in editor.content()
    _shot(editor, "04-editor-notices")
    _submit(editor, base, f"/stories/{review.story_id}/edit/", channel, CHANGED)
    second = Review.objects.get(state=ReviewState.PENDING)

    _decide(lead, base, second, "approve")
    assert "Freigegeben und geplant" in lead.content()
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if Publication.objects.filter(state=State.PUBLISHED).exists():
            break
        time.sleep(0.5)
    publication = Publication.objects.get()
    assert publication.state == State.PUBLISHED, worker.log()[-2000:]
    [toot] = [p for p in sandbox.posts("mastodon") if p["account"] == "babytown"]
    assert "18 Uhr im Foyer" in toot["text"]

    editor.goto(f"{base}/stories/{review.story_id}/")
    assert "freigegeben" in editor.content()
    _shot(editor, "05-story-history")
    clara_context.close()
    anna_context.close()
