"""In a real browser: add a feed source, a rule to the news and jobs accounts, run it, see the calendar.

Also takes screenshots of every automation page (``artifacts/screenshots/automation-*.png``).
Run: ``.venv/bin/python -m pytest tests/automation/test_browser.py -m browser``.
"""

from __future__ import annotations

import datetime as dt
import os
from zoneinfo import ZoneInfo

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import pytest  # noqa: E402
from django.conf import settings  # noqa: E402
from django.utils import timezone  # noqa: E402

from carecast.automation.models import Source, TrendSuggestion  # noqa: E402
from carecast.core.models import Department  # noqa: E402
from carecast.networks.models import Channel, Purpose  # noqa: E402
from carecast.publishing.models import Publication, State  # noqa: E402
from tests.automation.conftest import FEEDS  # noqa: E402
from tests.browser_fixtures import SCREENSHOTS, signed_in_context  # noqa: E402

OUT = SCREENSHOTS
BERLIN = ZoneInfo("Europe/Berlin")
pytestmark = pytest.mark.browser


@pytest.fixture
def page(browser, live_server, anna):
    context = signed_in_context(browser, live_server.url, anna)
    yield context.new_page()
    context.close()


def tomorrow_window() -> tuple[dt.date, list[dict]]:
    """Posting windows that open tomorrow only: the posts wait there instead of going out now."""
    tomorrow = timezone.localdate(timezone=BERLIN) + dt.timedelta(days=1)
    return tomorrow, [{"days": [tomorrow.weekday()], "start": "09:00", "end": "17:00"}]


@pytest.fixture
def accounts(org):
    tomorrow, windows = tomorrow_window()
    news = Channel.objects.create(
        organisation=org,
        network="mastodon",
        name="Mastodon – Neuigkeiten",
        handle="news",
        purpose=Purpose.NEWS,
        posting_windows=windows,
    )
    jobs = Channel.objects.create(
        organisation=org,
        network="x",
        name="X – Stellenangebote",
        handle="jobs",
        purpose=Purpose.JOBS,
        posting_windows=windows,
    )
    return tomorrow, news, jobs


def shoot(page, name):
    page.screenshot(path=str(OUT / f"automation-{name}.png"), full_page=True)
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{name} is {overflow}px wider than the window"


def test_it_turns_feeds_into_scheduled_posts_in_the_calendar(
    page, live_server, feed_server, accounts
):
    tomorrow, news, jobs = accounts
    feed_server.serve("/news.xml", FEEDS / "rss20.xml")
    feed_server.serve("/jobs.xml", FEEDS / "personio.xml")
    page.goto(live_server.url + "/automation/")
    shoot(page, "sources-empty")
    for name, path, kind in [
        ("Website – Aktuelles", "/news.xml", "feed"),
        ("Personio – Stellen", "/jobs.xml", "jobs"),
    ]:
        page.goto(live_server.url + "/automation/")
        page.fill("#id_name", name)
        page.select_option("#id_kind", kind)
        page.fill("#id_url", feed_server.url(path))
        page.fill("#id_allow_hosts", feed_server.host)
        page.click("button:has-text('Quelle hinzufügen')")
        page.click("button:has-text('Jetzt abrufen')")
        assert page.locator(".message-success").count() == 1
    shoot(page, "source")

    page.goto(live_server.url + "/automation/rules/")
    page.fill("#id_name", "Website und Stellen")
    page.check("label:has-text('Website – Aktuelles') input")
    page.check("label:has-text('Personio – Stellen') input")
    page.check("label:has-text('Mastodon – Neuigkeiten') input")
    page.check("label:has-text('X – Stellenangebote') input")
    page.check("input[name=policy][value=next_slot]")
    page.fill("#id_max_age_days", "0")
    page.click("button:has-text('Regel speichern')")
    assert page.locator(".plan-text").count() == 5  # dry run: 3 news + 2 jobs
    shoot(page, "rule-dry-run")
    page.click("button:has-text('Jetzt ausführen')")
    assert "5" in page.locator(".message-success").inner_text()

    page.goto(f"{live_server.url}/calendar/?date={tomorrow.isoformat()}")
    cards = page.locator(".cal-card")
    shoot(page, "calendar")
    assert cards.count() == 5
    text = page.locator("main").inner_text()
    assert "Neuer MRT in Betrieb" in text and "Hebamme (m/w/d)" in text
    assert Publication.objects.filter(channel=jobs, state=State.SCHEDULED).count() == 2
    assert Publication.objects.filter(channel=news, state=State.SCHEDULED).count() == 3
    assert Source.objects.filter(health=Source.Health.OK).count() == 2


def test_it_shows_every_automation_page(page, live_server, org, feed_server, source_for, accounts):
    diabetes = Department.objects.create(
        organisation=org,
        name="Diabetologie und Endokrinologie",
        slug="diabetologie",
        topics="Diabetes, Insulin",
    )
    feed_server.serve("/broken.xml", FEEDS / "page.html", content_type="text/html")
    broken = source_for("/broken.xml")
    from carecast.automation import polling

    polling.poll(broken)
    TrendSuggestion.objects.create(
        organisation=org,
        tag="weltdiabetestag",
        origin="mastodon",
        department=diabetes,
        matched="diabetes",
        seen_at=timezone.now(),
        score=12,
    )
    from carecast.automation import awareness
    from carecast.stories.services import save_story

    _tomorrow, news, _jobs = accounts
    for title in ("Besuchszeiten auf der Wochenbettstation", "Parken am Klinikum"):
        story = save_story(org, title=title, text=f"{title}: alles Wichtige.", channels=[news])
        story.evergreen = True
        story.save()
    awareness.ensure_defaults(org)
    awareness.remind(org, today=dt.date(2026, 11, 3))
    for name, path in [
        ("sources-error", "/automation/"),
        ("source-error", f"/automation/sources/{broken.pk}/"),
        ("rules-empty", "/automation/rules/"),
        ("gaps", "/automation/gaps/"),
        ("days", "/automation/days/"),
        ("trends", "/automation/trends/"),
    ]:
        page.goto(live_server.url + path)
        shoot(page, name)
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": live_server.url}]
    )
    page.goto(live_server.url + f"/automation/sources/{broken.pk}/")
    shoot(page, "source-error-en")
    assert "returns a web page (HTML), not a feed" in page.locator("main").inner_text()
    page.goto(live_server.url + "/automation/rules/")
    shoot(page, "rules-en")
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": "de", "url": live_server.url}]
    )
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(live_server.url + "/automation/")
    shoot(page, "sources-phone")
    page.goto(live_server.url + "/automation/trends/")
    page.click("button:has-text('Story entwerfen')")
    assert "/stories/" in page.url
