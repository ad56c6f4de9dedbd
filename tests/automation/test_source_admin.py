"""Sources can be edited, paused and removed; a broken one is retried less and less often."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from carecast.automation import polling
from carecast.automation.models import Source
from carecast.automation.tasks import poll_due_sources  # noqa: F401 - the task module loads
from tests.automation.conftest import FEEDS

pytestmark = pytest.mark.django_db


def client_for(person) -> Client:
    client = Client()
    client.force_login(person.user)
    return client


def test_it_edits_a_source(ben, feed_server, source_for):
    source = source_for("/news.xml")
    response = client_for(ben).post(
        f"/automation/sources/{source.pk}/",
        {
            "name": "Website – Presse",
            "kind": "feed",
            "url": feed_server.url("/presse.xml"),
            "interval_minutes": 60,
            "backlog": "none",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    source.refresh_from_db()
    assert (source.name, source.interval_minutes, source.backlog) == (
        "Website – Presse",
        60,
        Source.Backlog.NONE,
    )
    assert source.url.endswith("/presse.xml")
    # An editor cannot widen the allowlist by editing: the admin's entry stays.
    assert source.allow_hosts == feed_server.host


def test_it_shows_the_choices_in_german_on_the_source_page(anna, source_for):
    source = source_for("/news.xml")
    page = client_for(anna).get(f"/automation/sources/{source.pk}/").content.decode()
    assert "Quelle bearbeiten" in page and "Quelle entfernen" in page
    assert "Einträge, die beim ersten Abruf schon im Feed stehen" in page
    assert "ein Host ohne Port erlaubt nur den Standard-Port" in page


def test_it_pauses_and_resumes_a_source(ben, source_for, time_machine):
    time_machine.move_to("2026-11-23 08:00:00+00:00", tick=False)
    source = source_for("/news.xml", failures=5)
    client = client_for(ben)
    client.post(f"/automation/sources/{source.pk}/pause/")
    source.refresh_from_db()
    assert not source.is_active
    assert source not in polling.due_sources()
    assert "pausiert" in client.get("/automation/").content.decode()
    client.post(f"/automation/sources/{source.pk}/pause/")
    source.refresh_from_db()
    assert source.is_active and source.failures == 0
    assert source in polling.due_sources()


def test_it_removes_a_source(ben, source_for):
    source = source_for("/news.xml")
    response = client_for(ben).post(f"/automation/sources/{source.pk}/delete/")
    assert response.status_code == 302 and not Source.objects.exists()


def test_it_backs_off_a_broken_source_up_to_a_day(feed_server, source_for, time_machine):
    time_machine.move_to("2026-11-23 08:00:00+00:00", tick=False)
    feed_server.serve("/page", FEEDS / "page.html", content_type="text/html")
    source = source_for("/page", interval_minutes=15)
    waits = []
    for _ in range(9):
        polling.poll(source)
        waits.append((source.next_fetch_at - source.last_fetched_at) / dt.timedelta(minutes=1))
        time_machine.move_to(source.next_fetch_at, tick=False)
    assert waits == [30, 60, 120, 240, 480, 960, 1440, 1440, 1440]
    feed_server.serve("/page", FEEDS / "rss20.xml")
    polling.poll(source)
    assert source.failures == 0
    assert source.next_fetch_at - source.last_fetched_at == dt.timedelta(minutes=15)
