"""The live daily publishing limit (Instagram ``content_publishing_limit``, Threads
``threads_publishing_limit``), read from the sandbox: the composer and the calendar warn
when a day's plan would cross it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache

from carecast.networks.models import Channel, ChannelStatus
from carecast.publishing import daily_limits
from carecast.publishing.models import State
from tests.web.conftest import berlin


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def graph_channel(org, sandbox):
    def make(network: str, handle: str, name: str) -> Channel:
        prefix = "threads-graph" if network == "threads" else "graph"
        remote = sandbox.add_account(network, handle, f"token-{handle}", display_name=name)
        channel = Channel(
            organisation=org,
            network=network,
            name=name,
            handle=handle,
            base_url=f"{sandbox.base_url}/{prefix}",
            remote_user_id=str(remote["id"]),
            is_sandbox=True,
        )
        channel.set_credentials({"access_token": f"token-{handle}"})
        channel.save()
        return channel

    return make


@pytest.fixture
def karriere(graph_channel, sandbox):
    sandbox.settings["instagram_publishing_limit"] = 2
    return graph_channel("instagram", "klinikum_karriere", "Instagram – Karriere")


THURSDAY = dt.date(2026, 11, 19)  # the day after ``wednesday``


def limit_path(channel: Channel) -> str:
    return f"/graph/v21.0/{channel.remote_user_id}/content_publishing_limit"


def test_it_warns_in_the_composer_when_the_day_would_exceed_instagrams_limit(
    wednesday, anna_client, karriere, publication_factory
):
    for hour in (9, 12):
        publication_factory(karriere, due_at=berlin(2026, 11, 19, hour, 0), title=f"Job {hour}")
    form = {"channels": [karriere.pk], "due": "2026-11-19T15:00"}
    body = anna_client.post("/compose/live/due/", form).content.decode()
    assert "data-limit-warning" in body
    assert "Instagram – Karriere: 3 Beiträge am 19.11.2026 geplant" in body
    assert "erlaubt 2 Beiträge in 24 Stunden" in body
    # Friday has room; and a channel that was not chosen is not warned about.
    friday = {"channels": [karriere.pk], "due": "2026-11-20T15:00"}
    assert (
        "data-limit-warning" not in anna_client.post("/compose/live/due/", friday).content.decode()
    )
    none = {"due": "2026-11-19T15:00"}
    assert "data-limit-warning" not in anna_client.post("/compose/live/due/", none).content.decode()


def test_it_does_not_count_the_storys_own_post_twice(
    wednesday, anna_client, karriere, publication_factory
):
    own = publication_factory(karriere, due_at=berlin(2026, 11, 19, 9, 0), title="Eigene")
    publication_factory(karriere, due_at=berlin(2026, 11, 19, 12, 0), title="Andere")
    form = {"channels": [karriere.pk], "due": "2026-11-19T15:00", "story": own.variant.story_id}
    body = anna_client.post("/compose/live/due/", form).content.decode()
    assert "data-limit-warning" not in body  # the other one and this one: 2 of 2


def test_it_warns_on_scheduling_too(
    wednesday, anna_client, graph_channel, sandbox, publication_factory
):
    sandbox.settings["threads_publishing_limit"] = 2
    profile = graph_channel("threads", "klinikum_ms", "Threads – Klinikum")
    for hour in (9, 12):
        publication_factory(profile, due_at=berlin(2026, 11, 19, hour, 0), title=f"Tipp {hour}")
    form = {
        "title": "Ausbildung Pflege",
        "text": "Starte deine Ausbildung bei uns.",
        "link": "",
        "hashtags": "",
        "department": "",
        "channels": [profile.pk],
        "due": "2026-11-19T15:00",
        "action": "schedule",
    }
    response = anna_client.post("/stories/new/", form, follow=True)
    assert "Threads erlaubt 2 Beiträge in 24 Stunden" in response.content.decode()
    assert profile.publications.filter(state=State.SCHEDULED).count() == 3


def test_it_counts_what_threads_used_in_the_last_24_hours_for_today(
    wednesday, anna_client, graph_channel, sandbox, publication_factory
):
    sandbox.settings["threads_publishing_limit"] = 2
    profile = graph_channel("threads", "klinikum_ms", "Threads – Klinikum")
    sandbox.store.add_post("threads", "klinikum_ms", "701", "Heute früh", "", {})
    later = wednesday + dt.timedelta(hours=3)
    publication_factory(profile, due_at=later, title="Mittag")
    publication_factory(profile, due_at=later + dt.timedelta(hours=2), title="Nachmittag")
    body = anna_client.get("/calendar/").content.decode()
    assert "Threads – Klinikum: 2 weitere Beiträge heute geplant" in body
    assert "1 von 2 Beiträgen in den letzten 24 Stunden" in body
    # The month view names it shortly in the day's cell.
    month = anna_client.get("/calendar/?view=month").content.decode()
    assert "Threads – Klinikum: 2 geplant, 1 erlaubt" in month


def test_it_warns_in_the_calendar_on_the_day_the_plan_crosses_the_limit(
    wednesday, anna_client, karriere, publication_factory
):
    for hour in (9, 12, 15):
        publication_factory(karriere, due_at=berlin(2026, 11, 19, hour, 0), title=f"Job {hour}")
    publication_factory(karriere, due_at=berlin(2026, 11, 20, 9, 0), title="Freitag")
    period = anna_client.get("/calendar/").context["period"]
    warned = {day.date: [w.planned for w in day.limit_warnings] for day in period.days}
    assert warned[THURSDAY] == [3]
    assert all(not planned for day, planned in warned.items() if day != THURSDAY)


def test_it_reads_the_limit_live_once_and_then_from_the_cache(karriere, sandbox):
    assert daily_limits.live_limit(karriere) == daily_limits.LiveLimit(used=0, total=2)
    sandbox.settings["instagram_publishing_limit"] = 5
    assert daily_limits.live_limit(karriere).total == 2
    assert len(sandbox.requests(path=limit_path(karriere))) == 1
    daily_limits.forget(karriere)
    assert daily_limits.live_limit(karriere).total == 5


def test_it_stays_quiet_when_the_network_does_not_answer_or_the_channel_is_paused(
    wednesday, anna_client, karriere, publication_factory, sandbox
):
    for hour in (9, 12, 15):
        publication_factory(karriere, due_at=berlin(2026, 11, 19, hour, 0), title=f"Job {hour}")
    sandbox.inject_fault(path=limit_path(karriere), status=500)
    assert anna_client.get("/calendar/").status_code == 200
    assert daily_limits.live_limit(karriere) is None  # remembered as unknown for a minute
    sandbox.clear_faults()
    cache.clear()
    karriere.status = ChannelStatus.PAUSED
    karriere.save()
    assert daily_limits.live_limit(karriere) is None


def test_it_warns_on_a_form_sent_back_but_not_on_opening_a_story(
    wednesday, anna_client, graph_channel, sandbox, publication_factory
):
    sandbox.settings["threads_publishing_limit"] = 1
    profile = graph_channel("threads", "klinikum_ms", "Threads – Klinikum")
    sandbox.store.add_post("threads", "klinikum_ms", "701", "Heute früh", "", {})  # 1 of 1
    planned = publication_factory(profile, due_at=berlin(2026, 11, 20, 9, 0), title="Freitag")
    opened = anna_client.get(f"/stories/{planned.variant.story_id}/edit/").content.decode()
    assert "data-limit-warning" not in opened  # its time is Friday, not today
    sent_back = {"title": "", "text": "Heute noch", "channels": [profile.pk], "action": "publish"}
    body = anna_client.post("/stories/new/", sent_back).content.decode()
    assert "Threads zählt schon 1 von 1 Beiträgen" in body


def test_it_counts_what_carecast_published_since_the_limit_was_read(
    wednesday, karriere, publication_factory
):
    assert daily_limits.live_limit(karriere) == daily_limits.LiveLimit(used=0, total=2)
    publication_factory(
        karriere, State.PUBLISHED, due_at=wednesday + dt.timedelta(minutes=5), title="Gerade"
    )
    # Still the cached read (no second request), but our own post is counted.
    assert daily_limits.live_limit(karriere) == daily_limits.LiveLimit(used=1, total=2)
