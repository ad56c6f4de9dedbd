"""Shared fixtures: named personas and a demo-like organisation.

Personas: Anna (comms lead, admin), Ben (comms team editor), Clara (department
editor, Geburtshilfe), and Otto (outsider, no person record).
"""

from __future__ import annotations

import os

# The suite's queue and in-process task mode are set in tests/settings.py.

pytest_plugins = [
    "tests.worker_fixtures",
    "tests.pds_fixtures",
    "tests.sandbox_fixtures",
    "tests.browser_fixtures",
]

import pytest  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402

from carecast.core.models import Department, Organisation, Person, Role  # noqa: E402


@pytest.fixture
def org(db) -> Organisation:
    return Organisation.objects.create(name="Klinikum Musterstadt", slug="klinikum-musterstadt")


@pytest.fixture
def geburtshilfe(org) -> Department:
    return Department.objects.create(organisation=org, name="Geburtshilfe", slug="geburtshilfe")


def _person(org, username, role, department=None) -> Person:
    user = get_user_model().objects.create_user(
        username, f"{username}@klinikum.test", "pw-" + username
    )
    return Person.objects.create(user=user, organisation=org, role=role, department=department)


@pytest.fixture
def anna(org) -> Person:
    return _person(org, "anna", Role.ADMIN)


@pytest.fixture
def ben(org) -> Person:
    return _person(org, "ben", Role.EDITOR)


@pytest.fixture
def clara(org, geburtshilfe) -> Person:
    return _person(org, "clara", Role.DEPARTMENT_EDITOR, geburtshilfe)


@pytest.fixture
def feed_channel(org):
    from carecast.networks.models import Channel

    channel = Channel.objects.create(
        organisation=org, network="feed", name="Website – News-Feed", handle="news"
    )
    channel.base_url = f"http://testserver/feeds/{channel.pk}.xml"
    channel.save()
    return channel


@pytest.fixture
def story_for(org):
    """Make a story with one post per given channel."""
    from carecast.stories.services import save_story

    def make(*channels, text="Neuer MRT in Betrieb: leiser, schneller, mehr Platz.", **kwargs):
        return save_story(
            org, title=kwargs.pop("title", "Neuer MRT"), text=text, channels=channels, **kwargs
        )

    return make


def pytest_sessionfinish(session, exitstatus):
    # The per-run SqliteHuey file and the test database's WAL files are only for this run.
    from django.conf import settings

    paths = [os.environ.get("CARECAST_HUEY_DB", "")]
    paths.append(str(settings.DATABASES["default"].get("TEST", {}).get("NAME") or ""))
    for path in paths:
        if str(os.getpid()) not in path:
            continue
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(path + suffix):
                os.remove(path + suffix)
