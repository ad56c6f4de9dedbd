"""The recording link: entered after the hour, in the recap on every network, within its limit."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import translation

from carecast.live import actions, recap
from carecast.live.models import LiveSession

NOW = dt.datetime(2026, 12, 7, 19, 30, tzinfo=dt.UTC)
RECORDING = "https://www.youtube.com/watch?v=klinikum-geburt-2026"


@pytest.fixture
def now(time_machine):
    time_machine.move_to(NOW, tick=False)
    return NOW


@pytest.fixture
def answered(now, live_session):
    for n in range(6):
        question = actions.approve(
            actions.submit_question(
                live_session, f"Frage {n}: Wie lange dauert die Erholung?", client=f"c{n}"
            )
        )
        actions.mark_answered(question, f"Antwort {n}: meist sechs bis acht Wochen.")
    return live_session


def desk(person) -> Client:
    client = Client()
    client.force_login(person.user)
    return client


def test_it_is_entered_on_the_setup_page_after_the_session(answered, anna):
    client = desk(anna)
    page = client.get("/live/geburt/setup/").content.decode()
    assert "Aufzeichnung" in page and 'name="recording_url"' in page
    session = answered
    data = {
        "title": session.title,
        "slug": session.slug,
        "topic": session.topic,
        "department": session.department_id,
        "doctors": session.doctors,
        "starts_at": "2026-12-07T18:00",
        "ends_at": "2026-12-07T19:00",
        "stream_links": "",
        "recording_url": RECORDING,
        "accepting": "",
    }
    response = client.post("/live/geburt/setup/", data)
    assert response.status_code == 302
    assert LiveSession.objects.get().recording_url == RECORDING
    page = client.get("/live/geburt/setup/").content.decode()
    assert "Der Rückblick verlinkt die Aufzeichnung" in page
    refused = client.post("/live/geburt/setup/", {**data, "recording_url": "ftp://x.example/a"})
    assert "https://" in refused.content.decode() and refused.status_code == 200


@pytest.mark.parametrize("network", ["x", "mastodon", "bluesky"])
def test_every_networks_recap_ends_with_the_recording_within_its_limit(
    answered, anna, channel_on, network
):
    channel = channel_on(network)
    answered.channels.set([channel])
    answered.recording_url = RECORDING
    answered.save()
    with translation.override("de"):
        story = recap.create_recap(answered, actor=anna.user)
    text = story.variants.get(channel=channel).text
    assert f"Zur Aufzeichnung: {RECORDING}" in text
    assert channel.rules.count_text(text) <= channel.text_limit
    assert "Frage 0:" in text and "…" not in text  # questions make room, none is cut
    assert f"Zur Aufzeichnung: {RECORDING}" in story.text


def test_without_a_recording_the_recap_says_nothing_of_one(answered, anna, channel_on):
    channel = channel_on("x")
    answered.channels.set([channel])
    with translation.override("de"):
        story = recap.create_recap(answered, actor=anna.user)
    assert "Aufzeichnung" not in story.variants.get().text
