"""Screenshots of every page (German and English, empty and full, long words, phone width).

Run: ``.venv/bin/python -m pytest tests/web/test_screenshots.py -m browser``; PNGs land in
``artifacts/screenshots/`` (git-ignored). Look at them: calm, clear, nothing cramped.
"""

from __future__ import annotations

import datetime as dt

import pytest

from carecast.publishing.models import Publication, State
from tests.browser_fixtures import SCREENSHOTS, signed_in_context

OUT = SCREENSHOTS

pytestmark = pytest.mark.browser

LONG = "Veröffentlichungsfehlerbenachrichtigungseinstellungen"


@pytest.fixture
def shoot(browser, live_server):
    """shoot(person, name, path, lang="de", width=1280, full_page=True, before=callable)"""
    contexts = []

    def take(person, name, path, lang="de", width=1280, height=900, before=None):
        context = signed_in_context(browser, live_server.url, person, lang, width, height)
        contexts.append(context)
        page = context.new_page()
        errors = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(live_server.url + path)
        page.wait_for_load_state("networkidle")
        if before:
            before(page)
        page.screenshot(path=str(OUT / f"{name}.png"), full_page=True)
        assert not errors, errors
        # Nothing may stick out sideways, whatever the words.
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{name}: page is {overflow}px wider than the window"
        return page

    yield take
    for context in contexts:
        context.close()


def test_login_page(browser, live_server):
    for lang in ("de", "en"):
        context = signed_in_context(browser, live_server.url, None, lang, height=800)
        page = context.new_page()
        page.goto(live_server.url + "/login/")
        page.screenshot(path=str(OUT / f"login-{lang}.png"), full_page=True)
        context.close()


def test_empty_desk(shoot, anna):
    for lang in ("de", "en"):
        shoot(anna, f"dashboard-empty-{lang}", "/", lang)
        shoot(anna, f"stories-empty-{lang}", "/stories/", lang)
        shoot(anna, f"calendar-empty-{lang}", "/calendar/", lang)
        shoot(anna, f"channels-empty-{lang}", "/channels/", lang)
    shoot(anna, "composer-empty-de", "/stories/new/")


def test_busy_desk(shoot, anna, clara, busy_week, paused):
    story_id = busy_week["scheduled"].variant.story_id
    for lang in ("de", "en"):
        shoot(anna, f"dashboard-{lang}", "/", lang)
        shoot(anna, f"stories-{lang}", "/stories/", lang)
        shoot(anna, f"story-detail-{lang}", f"/stories/{story_id}/", lang)
        shoot(anna, f"calendar-week-{lang}", "/calendar/", lang)
        shoot(anna, f"calendar-month-{lang}", "/calendar/?view=month", lang)
        shoot(anna, f"channels-{lang}", "/channels/", lang)
        shoot(anna, f"publication-failed-{lang}", f"/publications/{busy_week['failed'].pk}/", lang)
        shoot(
            anna,
            f"publication-unconfirmed-{lang}",
            f"/publications/{busy_week['unconfirmed'].pk}/",
            lang,
        )
        shoot(
            anna,
            f"publication-published-{lang}",
            f"/publications/{busy_week['published'].pk}/",
            lang,
        )
    shoot(anna, "calendar-week-mobile-de", "/calendar/", width=390, height=844)
    shoot(anna, "dashboard-mobile-de", "/", width=390, height=844)
    shoot(clara, "dashboard-department-editor-de", "/")
    shoot(anna, "story-edit-de", f"/stories/{story_id}/edit/")


def test_dst_note(shoot, anna, publication_factory, mastodon):
    from carecast.core.timezones import resolve_local

    resolved = resolve_local(dt.datetime(2027, 3, 28, 2, 30), "Europe/Berlin")
    publication = publication_factory(
        mastodon, State.SCHEDULED, resolved.instant, due_note=resolved.note
    )
    shoot(anna, "publication-dst-de", f"/publications/{publication.pk}/")
    shoot(anna, "calendar-dst-week-de", "/calendar/?date=2027-03-28")


def _compose(page, text, channels, title="Neuer MRT in Betrieb"):
    page.fill("#id_title", title)
    for name in channels:
        page.get_by_label(name).check()
        page.wait_for_load_state("networkidle")
    page.fill("#id_text", text)
    page.fill("#id_link", "https://klinikum-musterstadt.example/aktuelles/neuer-mrt")
    page.fill("#id_hashtags", "#Radiologie #Klinikum")
    page.wait_for_timeout(300)
    page.wait_for_load_state("networkidle")


def test_composer(shoot, anna, mastodon, bluesky, x_jobs, jpeg_with_gps, tmp_path):
    image = tmp_path / "mrt.jpg"
    image.write_bytes(jpeg_with_gps)
    text = (
        "Unser neuer MRT ist in Betrieb: leiser, schneller und mit mehr Platz für Patientinnen und "
        "Patienten. Die Untersuchung dauert jetzt oft nur noch 15 Minuten statt 40. Termine vergibt "
        "die Radiologie telefonisch und online; Überweisungen nehmen wir ab sofort an. Danke an das "
        "ganze Team, das den Umbau im laufenden Betrieb möglich gemacht hat!"
    )

    def fill(page):
        _compose(page, text, ["Mastodon – Klinikum", "Bluesky – Klinikum", "X – Jobs"])
        page.set_input_files("#id_images", str(image))
        page.wait_for_selector(".media-item")
        page.fill(".media-item textarea", "Der neue MRT-Raum mit heller Deckenbeleuchtung")
        page.wait_for_timeout(300)
        page.wait_for_load_state("networkidle")
        # The X post, edited by hand, runs over: the counter turns red and planning is blocked.
        page.locator(f"#variant_{x_jobs.pk}").press("Control+End")
        page.locator(f"#variant_{x_jobs.pk}").press_sequentially(
            " Jetzt Termin vereinbaren!", delay=5
        )
        page.wait_for_timeout(300)
        page.wait_for_load_state("networkidle")

    for lang in ("de", "en"):
        page = shoot(anna, f"composer-full-{lang}", "/stories/new/", lang, before=fill)
        counter = page.locator(f"#status-{x_jobs.pk} .counter").inner_text()
        assert ("zu viel" in counter) if lang == "de" else ("too many" in counter)
        assert page.locator("button[value=schedule]").is_disabled()

    shoot(anna, "composer-mobile-de", "/stories/new/", width=390, height=844, before=fill)

    def dst(page):
        _compose(page, "Kurz und gut.", ["Mastodon – Klinikum"])
        page.fill("#id_due", "2027-03-28T02:30")
        page.wait_for_selector("#due-note .note")

    page = shoot(anna, "composer-dst-de", "/stories/new/", before=dst)
    assert (
        "Zeitumstellung" in page.locator("#due-note").inner_text()
        or "03:30" in page.locator("#due-note").inner_text()
    )


def test_long_german_words(shoot, anna, channel_factory, publication_factory, geburtshilfe):
    channel = channel_factory("mastodon", f"Mastodon – {LONG}", handle="klinikumlangername")
    publication_factory(
        channel, State.FAILED, title=f"{LONG} im {LONG}sbereich", last_error=f"{LONG}: {LONG}"
    )
    publication_factory(channel, State.SCHEDULED, title=LONG, text=f"{LONG} " * 3)
    for width, suffix in ((1280, ""), (390, "-mobile")):
        shoot(anna, f"long-dashboard{suffix}", "/", width=width)
        shoot(anna, f"long-stories{suffix}", "/stories/", width=width)
        shoot(anna, f"long-calendar{suffix}", "/calendar/", width=width)
        shoot(anna, f"long-calendar-month{suffix}", "/calendar/?view=month", width=width)
        shoot(anna, f"long-channels{suffix}", "/channels/", width=width)
    story = Publication.objects.filter(channel=channel).first().variant.story
    shoot(anna, "long-story-edit-mobile", f"/stories/{story.pk}/edit/", width=390, height=844)
