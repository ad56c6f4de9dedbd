"""Fixtures of the web UI tests: sandbox channels, publications in every state, signed-in clients.

Publication rows are created directly here (no worker): the pages only read them.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import shutil
import subprocess
from pathlib import Path
from zoneinfo import ZoneInfo

# Playwright's sync API runs an event loop in the test thread; pytest-django's live
# server and ORM calls from that thread are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import pytest  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from carecast.networks.models import Channel, ChannelStatus, Purpose  # noqa: E402
from carecast.publishing.models import Attempt, Publication, State  # noqa: E402
from carecast.stories.services import save_story  # noqa: E402

BERLIN = ZoneInfo("Europe/Berlin")


def _compile_german_catalog() -> None:
    """The pages are tested in German: compile the catalog if ``make install`` has not yet.

    Done at import, before any test module can load the (stale) catalog into Django's cache.
    """
    po = Path(__file__).resolve().parents[2] / "carecast/locale/de/LC_MESSAGES/django.po"
    mo = po.with_suffix(".mo")
    if (not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime) and shutil.which("msgfmt"):
        subprocess.run(["msgfmt", "--check-format", "-o", str(mo), str(po)], check=True)


_compile_german_catalog()
SANDBOX_URL = "http://127.0.0.1:8765"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def channel_factory(org):
    def make(network: str, name: str, **fields) -> Channel:
        fields.setdefault("is_sandbox", True)
        fields.setdefault("base_url", SANDBOX_URL)
        fields.setdefault("handle", name.split()[-1].lower())
        return Channel.objects.create(organisation=org, network=network, name=name, **fields)

    return make


@pytest.fixture
def mastodon(channel_factory) -> Channel:
    return channel_factory("mastodon", "Mastodon – Klinikum", handle="klinikum")


@pytest.fixture
def x_jobs(channel_factory) -> Channel:
    return channel_factory("x", "X – Jobs", purpose=Purpose.JOBS, handle="KlinikumJobs")


@pytest.fixture
def bluesky(channel_factory) -> Channel:
    return channel_factory("bluesky", "Bluesky – Klinikum", handle="klinikum.bsky.test")


@pytest.fixture
def babytown(channel_factory, geburtshilfe) -> Channel:
    """The maternity department's own channel (Clara may use it)."""
    return channel_factory(
        "mastodon",
        "Mastodon – Babytown",
        department=geburtshilfe,
        purpose=Purpose.DEPARTMENT,
        handle="babytown",
    )


@pytest.fixture
def paused(channel_factory) -> Channel:
    return channel_factory(
        "x",
        "X – Klinikum",
        handle="KlinikumMS",
        status=ChannelStatus.PAUSED,
        status_reason="Zugang abgelaufen",
    )


def login(person) -> Client:
    client = Client()
    client.force_login(person.user)
    return client


@pytest.fixture
def anna_client(anna) -> Client:
    return login(anna)


@pytest.fixture
def clara_client(clara) -> Client:
    return login(clara)


def berlin(*args) -> dt.datetime:
    """An aware datetime from Berlin wall-clock parts, e.g. berlin(2025, 3, 30, 10, 0)."""
    return dt.datetime(*args, tzinfo=BERLIN)


@pytest.fixture
def publication_factory(org):
    """A story with one post on ``channel``, and a publication in ``state`` at ``due_at``."""

    def make(
        channel, state=State.SCHEDULED, due_at=None, title="Neuer MRT", text=None, **fields
    ) -> Publication:
        story = save_story(
            org,
            title=title,
            text=text or f"{title}: leiser, schneller, mehr Platz.",
            channels=[channel],
        )
        variant = story.variants.get()
        due_at = due_at or timezone.now() + dt.timedelta(days=1)
        if state == State.PUBLISHED:
            fields.setdefault("published_at", due_at)
            fields.setdefault("remote_url", f"{SANDBOX_URL}/@{channel.handle}/1")
        return Publication.objects.create(
            variant=variant,
            channel=channel,
            state=state,
            due_at=due_at,
            text=variant.text,
            **fields,
        )

    return make


@pytest.fixture
def failed(publication_factory, x_jobs) -> Publication:
    publication = publication_factory(
        x_jobs,
        State.FAILED,
        title="Pflegefachkraft gesucht",
        last_error="Your Tweet text is too long. (code 186)",
        attempt_count=1,
    )
    Attempt.objects.create(
        publication=publication,
        number=1,
        started_at=publication.due_at,
        finished_at=publication.due_at,
        outcome=Attempt.Outcome.ERROR,
        message="Your Tweet text is too long. (code 186)",
        http_status=403,
    )
    return publication


@pytest.fixture
def unconfirmed(publication_factory, x_jobs) -> Publication:
    message = "Read timed out after the request was sent"
    publication = publication_factory(
        x_jobs,
        State.UNCONFIRMED,
        title="Infoabend Kreißsaal",
        last_error=message,
        outcome_unknown=True,
        attempt_count=2,
    )
    for number, (outcome, status) in enumerate(
        [(Attempt.Outcome.RETRY, 503), (Attempt.Outcome.UNKNOWN, None)], 1
    ):
        Attempt.objects.create(
            publication=publication,
            number=number,
            started_at=publication.due_at,
            outcome=outcome,
            message=message,
            http_status=status,
        )
    return publication


@pytest.fixture
def jpeg_with_gps() -> bytes:
    """A small JPEG that says where it was taken (EXIF GPS) and on which phone."""
    from PIL import Image

    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif.get_ifd(0x8825)[2] = (52.0, 31.0, 12.0)
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 120, 160)).save(out, format="JPEG", exif=exif.tobytes())
    return out.getvalue()


# A Wednesday morning in Berlin: yesterday and tomorrow are in the same calendar week,
# whatever day or hour the suite runs (it failed on weekends and after 23:00 UTC before).
WEDNESDAY_MORNING = dt.datetime(2026, 11, 18, 10, 0, tzinfo=BERLIN)


@pytest.fixture
def wednesday(time_machine) -> dt.datetime:
    """Pin the clock to ``WEDNESDAY_MORNING`` (it ticks on from there)."""
    time_machine.move_to(WEDNESDAY_MORNING, tick=True)
    return WEDNESDAY_MORNING


@pytest.fixture
def busy_week(
    wednesday, publication_factory, mastodon, bluesky, x_jobs, babytown, failed, unconfirmed
):
    """This week on the desk: posts in every state on several channels (times in Berlin).

    The clock is pinned to a Wednesday (``wednesday``), so every post lands in this week.
    """
    today = timezone.localdate(timezone=BERLIN)
    at = lambda days, hour, minute=0: dt.datetime.combine(  # noqa: E731
        today + dt.timedelta(days=days), dt.time(hour, minute), tzinfo=BERLIN
    )
    made = {
        "published": publication_factory(
            mastodon, State.PUBLISHED, at(-1, 9), title="Neuer MRT in Betrieb"
        ),
        "publishing": publication_factory(
            bluesky, State.PUBLISHING, at(0, 8), title="Grippeimpfung für Mitarbeitende"
        ),
        "scheduled": publication_factory(
            mastodon, State.SCHEDULED, at(1, 10), title="Infoabend für werdende Eltern"
        ),
        "scheduled_late": publication_factory(
            babytown, State.SCHEDULED, at(1, 18, 30), title="Babytown: Besuchszeiten"
        ),
        "cancelled": publication_factory(
            x_jobs, State.CANCELLED, at(2, 12), title="Ausbildungsmesse"
        ),
        "draft": publication_factory(bluesky, State.DRAFT, at(2, 15), title="Weltdiabetestag"),
        "failed": failed,
        "unconfirmed": unconfirmed,
    }
    for key in ("failed", "unconfirmed"):
        Publication.objects.filter(pk=made[key].pk).update(
            due_at=at(0, 7, 30) if key == "failed" else at(-1, 16)
        )
        made[key].refresh_from_db()
    return made
