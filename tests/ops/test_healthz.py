"""``/healthz``: 200 while database, worker and queue are fine; 503 with the reason when not."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from carecast.ops import heartbeat
from carecast.publishing.models import State

NOW = dt.datetime(2026, 12, 7, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def test_it_is_healthy_while_a_worker_beats(client, db, clock):
    heartbeat.beat("worker-a:1", NOW - dt.timedelta(minutes=5), now=NOW - dt.timedelta(seconds=10))
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"] == {"ok": True}
    assert body["checks"]["worker"] == {"ok": True, "last_beat_seconds": 10.0, "alive": 1}
    assert body["checks"]["queue"]["lag_seconds"] == 0.0


def test_it_goes_red_when_the_last_beat_is_older_than_the_limit(client, db, clock, settings):
    settings.CARECAST_HEALTH_WORKER_STALE_SECONDS = 90
    heartbeat.beat("worker-a:1", NOW, now=NOW)
    clock.shift(dt.timedelta(seconds=89))
    assert client.get("/healthz").status_code == 200
    clock.shift(dt.timedelta(seconds=2))
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "fail"
    assert body["checks"]["worker"] == {"ok": False, "last_beat_seconds": 91.0, "alive": 0}


def test_it_is_red_before_any_worker_has_started(client, db, clock):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["worker"]["ok"] is False


def test_it_goes_red_when_due_posts_wait_too_long(
    client, clock, settings, channel_on, publication_on
):
    settings.CARECAST_HEALTH_QUEUE_LAG_SECONDS = 300
    heartbeat.beat("worker-a:1", NOW, now=NOW)
    channel = channel_on("mastodon")
    publication_on(channel, state=State.SCHEDULED, due_at=NOW - dt.timedelta(seconds=299))
    assert client.get("/healthz").status_code == 200
    clock.shift(dt.timedelta(seconds=2))
    heartbeat.beat("worker-a:1", NOW, now=timezone.now())
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["queue"]["ok"] is False
    assert response.json()["checks"]["queue"]["lag_seconds"] == 301.0


def test_it_answers_a_fresh_installation_without_sign_in(client, db, clock):
    """No organisation yet, nobody signed in: a load balancer still gets JSON, no redirect."""
    heartbeat.beat("worker-a:1", NOW, now=NOW)
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"


def test_it_tells_nothing_secret(client, db, clock, settings):
    settings.DATABASES["default"]  # noqa: B018 - the URL below must not appear
    heartbeat.beat("worker-a:1", NOW, now=NOW)
    text = client.get("/healthz").content.decode()
    assert "worker-a" not in text
    assert settings.SECRET_KEY not in text
    assert str(settings.DATABASES["default"].get("NAME")) not in text


def test_it_leaves_the_worker_out_for_a_load_balancer_that_asks_for_the_web_only(client, db, clock):
    assert client.get("/healthz").status_code == 503  # no worker is running
    response = client.get("/healthz?scope=web")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) <= {"database", "redis"}  # Redis when REDIS_URL is set
