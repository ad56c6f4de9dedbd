"""Live consultation fixtures: a session of the maternity ward, visitors, a recorder of events."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django.utils import timezone

from carecast.live import events
from carecast.live.models import LiveSession


def _compile_live_catalog() -> None:
    """The pages are tested in German: compile the live app's catalog if ``make install`` has not."""
    po = Path(__file__).resolve().parents[2] / "carecast/live/locale/de/LC_MESSAGES/django.po"
    mo = po.with_suffix(".mo")
    if (not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime) and shutil.which("msgfmt"):
        subprocess.run(["msgfmt", "--check-format", "-o", str(mo), str(po)], check=True)


_compile_live_catalog()


@pytest.fixture
def live_session(org, geburtshilfe, anna) -> LiveSession:
    now = timezone.now()
    return LiveSession.objects.create(
        organisation=org,
        department=geburtshilfe,
        title="Live-Sprechstunde Geburt",
        slug="geburt",
        topic="Alles rund um die Geburt im Klinikum",
        doctors="Dr. Maria Weber, Chefärztin",
        starts_at=now - dt.timedelta(minutes=5),
        ends_at=now + dt.timedelta(minutes=55),
        created_by=anna.user,
    )


class Recorder:
    """Events as the pages would receive them: (slug, decoded event), in order."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, dict]] = []

    def __call__(self, slug: str, data: str) -> None:
        self.sent.append((slug, json.loads(data)))

    @property
    def types(self) -> list[str]:
        return [event["type"] for _, event in self.sent]


@pytest.fixture
def sent(settings):
    """Record published events in-process (Redis is not involved in these tests)."""
    settings.CARECAST_LIVE_REDIS_URL = ""
    recorder = Recorder()
    events.add_listener(recorder)
    yield recorder
    events.remove_listener(recorder)


@pytest.fixture(autouse=True)
def german():
    """Messages are checked in German, whatever an earlier test left active."""
    from django.utils import translation

    with translation.override("de"):
        yield


@pytest.fixture
def asgi_server(transactional_db):
    """carecast served by uvicorn from a thread of this process, on 127.0.0.1."""
    from django.db import connection

    from tests.live.servers import ThreadServer

    # The server's threads close their connections after each request, so that the test
    # database can be dropped at the end (PostgreSQL refuses while sessions are open).
    max_age = connection.settings_dict.get("CONN_MAX_AGE", 0)
    connection.settings_dict["CONN_MAX_AGE"] = 0
    server = ThreadServer().start()
    try:
        yield server
    finally:
        server.stop()
        connection.settings_dict["CONN_MAX_AGE"] = max_age


# The moment the moderation tests run in: during the session, pinned (alerts, times).
MODERATION_NOW = dt.datetime(2026, 12, 7, 18, 30, tzinfo=dt.UTC)


@pytest.fixture
def now(time_machine):
    time_machine.move_to(MODERATION_NOW, tick=False)
    return MODERATION_NOW


@pytest.fixture
def session(now, live_session):
    """The maternity ward's session, at the pinned moment."""
    return live_session
