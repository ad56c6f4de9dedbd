"""Seeding the demo hospital: people, departments, sandbox channels and a dozen stories."""

from __future__ import annotations

import datetime as dt
import secrets

import httpx
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from carecast.core.models import Department, Organisation, Person, Role
from carecast.demo.content import DEPARTMENTS, STORIES
from carecast.networks.models import Channel, Purpose
from carecast.publishing import dispatch, services
from carecast.publishing.models import Publication
from carecast.stories.services import save_story

DEMO_LOGIN = ("redaktion", "carecast-demo")
DEPARTMENT_LOGIN = ("geburtshilfe", "carecast-demo")
WINDOWS = [{"days": [0, 1, 2, 3, 4, 5, 6], "start": "07:00", "end": "21:00"}]

# key → (network, name, purpose, handle)
CHANNELS = {
    "mastodon_news": ("mastodon", "Mastodon – Klinikum", Purpose.NEWS, "klinikum"),
    "mastodon_jobs": ("mastodon", "Mastodon – Jobs", Purpose.JOBS, "klinikumjobs"),
    "bluesky_news": ("bluesky", "Bluesky – Klinikum", Purpose.NEWS, "klinikum.bsky.test"),
    "x_news": ("x", "X – Klinikum", Purpose.NEWS, "KlinikumMS"),
    "x_jobs": ("x", "X – Jobs", Purpose.JOBS, "KlinikumMSJobs"),
    "feed": ("feed", "Website – News-Feed", Purpose.NEWS, "news"),
}


def seed(sandbox_url: str, public_url: str = "http://127.0.0.1:8000") -> Organisation:
    """Create the demo hospital once; a second call returns the existing one."""
    existing = Organisation.objects.filter(slug="klinikum-musterstadt").first()
    if existing:
        return existing
    with transaction.atomic():
        org = Organisation.objects.create(
            name="Klinikum Musterstadt",
            slug="klinikum-musterstadt",
            website="https://klinikum-musterstadt.example",
            imprint_url="https://klinikum-musterstadt.example/impressum",
        )
        departments = {
            slug: Department.objects.create(organisation=org, name=name, slug=slug, topics=topics)
            for name, slug, topics in DEPARTMENTS
        }
        _people(org, departments["geburtshilfe"])
        channels = {key: _channel(org, key, sandbox_url, public_url) for key in CHANNELS}
    _stories(org, departments, channels)
    from carecast.demo.content import seed_media_library
    from carecast.demo.extras import seed_extras
    from carecast.demo.inbox import seed_inbox

    seed_media_library(org)
    seed_extras(org, departments)
    seed_inbox(org, sandbox_url)
    from carecast.analytics.demo import seed_history

    seed_history(org)
    from carecast.peers.demo import seed_peers

    seed_peers(org, sandbox_url)
    return org


def _people(org: Organisation, geburtshilfe: Department) -> None:
    users = get_user_model().objects
    admin = users.create_user(
        DEMO_LOGIN[0],
        "redaktion@klinikum.test",
        DEMO_LOGIN[1],
        first_name="Anna",
        last_name="Redaktion",
        is_staff=True,
        is_superuser=True,
    )
    Person.objects.create(user=admin, organisation=org, role=Role.ADMIN)
    editor = users.create_user(
        DEPARTMENT_LOGIN[0],
        "geburtshilfe@klinikum.test",
        DEPARTMENT_LOGIN[1],
        first_name="Clara",
        last_name="Hebamme",
    )
    Person.objects.create(
        user=editor, organisation=org, role=Role.DEPARTMENT_EDITOR, department=geburtshilfe
    )


def _channel(org: Organisation, key: str, sandbox_url: str, public_url: str) -> Channel:
    network, name, purpose, handle = CHANNELS[key]
    channel = Channel(
        organisation=org,
        network=network,
        name=name,
        purpose=purpose,
        handle=handle,
        is_sandbox=True,
        posting_windows=WINDOWS,
    )
    if network == "feed":
        channel.is_sandbox = False
        channel.save()
        channel.base_url = f"{public_url}/feeds/{channel.pk}.xml"
    else:
        channel.base_url = sandbox_url
        token = secrets.token_urlsafe(24)
        password = secrets.token_urlsafe(12)
        remote = _register_sandbox_account(sandbox_url, network, handle, token, password)
        channel.remote_user_id = str(remote.get("id", ""))
        channel.config = {"web_url": remote.get("web_url", "")} if remote.get("web_url") else {}
        if network == "bluesky":
            channel.set_credentials({"identifier": handle, "password": password})
        else:
            channel.set_credentials({"access_token": token})
    channel.save()
    return channel


def _register_sandbox_account(sandbox_url, network, handle, token, password) -> dict:
    response = httpx.post(
        f"{sandbox_url}/_sandbox/accounts",
        json={"network": network, "handle": handle, "token": token, "password": password},
        timeout=10,
    )
    response.raise_for_status()
    return response.json()


def _stories(org, departments, channels) -> None:
    today = timezone.localdate()
    zone = org.timezone
    for days, hour, title, text, link, tags, dept, keys in STORIES:
        story = save_story(
            org,
            title=title,
            text=text,
            link=link,
            hashtags=tags,
            department=departments.get(dept),
            channels=[channels[k] for k in keys],
        )
        if days is None:
            continue
        wall = dt.datetime.combine(today + dt.timedelta(days=days), dt.time(hour, 0))
        for variant in story.variants.select_related("channel"):
            publication = (
                services.schedule_local(variant, wall)
                if days > 0
                else _publish_past(variant, wall, zone)
            )
            del publication


def _publish_past(variant, wall: dt.datetime, zone: str) -> Publication:
    """Publish to the sandbox now, then date it back so the calendar shows a history."""
    from carecast.core.timezones import resolve_local

    publication = services.schedule(variant, timezone.now())
    dispatch.publish_one(publication.pk)
    when = resolve_local(wall, zone).instant
    Publication.objects.filter(pk=publication.pk).update(due_at=when, published_at=when)
    return publication
