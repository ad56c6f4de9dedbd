"""``/metrics``: Prometheus text for the allowlist or the token holder, 403 for anyone else."""

import datetime as dt

import pytest
import time_machine
from prometheus_client.parser import text_string_to_metric_families

from carecast.publishing.models import Attempt, State

NOW = dt.datetime(2026, 12, 7, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def samples(response) -> dict[tuple[str, tuple], float]:
    found = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def test_it_refuses_an_address_off_the_allowlist(client, db, settings):
    settings.CARECAST_METRICS_ALLOW = ["10.0.0.0/8"]
    settings.CARECAST_METRICS_TOKEN = "s3cret-token"
    assert client.get("/metrics", REMOTE_ADDR="192.0.2.7").status_code == 403
    wrong = client.get("/metrics", REMOTE_ADDR="192.0.2.7", HTTP_AUTHORIZATION="Bearer nope")
    assert wrong.status_code == 403
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 200


def test_it_answers_the_token_from_anywhere(client, db, settings):
    settings.CARECAST_METRICS_ALLOW = []
    settings.CARECAST_METRICS_TOKEN = "s3cret-token"
    response = client.get(
        "/metrics", REMOTE_ADDR="192.0.2.7", HTTP_AUTHORIZATION="Bearer s3cret-token"
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")


def test_it_refuses_everyone_off_the_list_when_no_token_is_set(client, db, settings):
    settings.CARECAST_METRICS_ALLOW = []
    settings.CARECAST_METRICS_TOKEN = ""
    response = client.get("/metrics", REMOTE_ADDR="127.0.0.1", HTTP_AUTHORIZATION="Bearer ")
    assert response.status_code == 403


def test_it_counts_publish_latency_into_buckets(client, clock, channel_on, publication_on):
    channel = channel_on("mastodon")
    for latency in (0.4, 1.5, 1.9, 45.0):
        publication_on(channel, state=State.PUBLISHED, due_at=NOW, latency=latency)
    publication_on(channel, state=State.SCHEDULED, due_at=NOW)
    found = samples(client.get("/metrics", REMOTE_ADDR="127.0.0.1"))
    bucket = "carecast_publish_latency_seconds_bucket"
    assert found[(bucket, (("le", "0.5"),))] == 1
    assert found[(bucket, (("le", "1.0"),))] == 1
    assert found[(bucket, (("le", "2.0"),))] == 3
    assert found[(bucket, (("le", "30.0"),))] == 3
    assert found[(bucket, (("le", "60.0"),))] == 4
    assert found[(bucket, (("le", "+Inf"),))] == 4
    assert found[("carecast_publish_latency_seconds_count", ())] == 4
    assert found[("carecast_publish_latency_seconds_sum", ())] == pytest.approx(48.8)
    assert found[("carecast_publications", (("state", "scheduled"),))] == 1
    # The scheduled post has been due for 0 s at the pinned clock.
    assert found[("carecast_queue_lag_seconds", ())] == 0


def test_it_counts_failures_per_network_and_reason(
    client, clock, channel_on, publication_on, attempt_on
):
    mastodon, x = channel_on("mastodon"), channel_on("x")
    first = publication_on(mastodon, state=State.FAILED, due_at=NOW)
    attempt_on(first, Attempt.Outcome.RETRY, NOW, status=503)
    attempt_on(first, Attempt.Outcome.RETRY, NOW, status=503)
    attempt_on(first, Attempt.Outcome.ERROR, NOW, status=422)
    other = publication_on(x, state=State.PUBLISHED, due_at=NOW, latency=1)
    attempt_on(other, Attempt.Outcome.UNKNOWN, NOW)
    attempt_on(other, Attempt.Outcome.SUCCESS, NOW, status=201)
    found = samples(client.get("/metrics", REMOTE_ADDR="127.0.0.1"))
    name = "carecast_publish_failures_total"

    def failures(network, reason, status):
        labels = (("http_status", status), ("network", network), ("reason", reason))
        return found.get((name, labels))

    assert failures("mastodon", "retry", "503") == 2
    assert failures("mastodon", "error", "422") == 1
    assert failures("x", "unknown", "none") == 1
    assert failures("x", "success", "201") is None


def test_it_reports_inbox_lag_and_worker_beat(client, clock, channel_on):
    from carecast.inbox.models import ChannelInbox
    from carecast.ops import heartbeat

    channel = channel_on("mastodon")
    ChannelInbox.objects.create(channel=channel, last_success_at=NOW - dt.timedelta(seconds=75))
    heartbeat.beat("w:1", NOW, now=NOW - dt.timedelta(seconds=4))
    found = samples(client.get("/metrics", REMOTE_ADDR="127.0.0.1"))
    assert found[("carecast_inbox_lag_seconds", (("network", "mastodon"),))] == 75
    assert found[("carecast_worker_last_beat_seconds", ())] == 4
    assert found[("carecast_live_connections", ())] == 0


def test_it_counts_the_live_websockets_of_the_process_it_asks(transactional_db, org, anna):
    """Two visitors on a real server: the scrape of that server counts them."""
    import httpx
    from django.db import connection

    from carecast.core.models import Department
    from carecast.live.models import LiveSession
    from tests.live.servers import Listener, ThreadServer, wait_until

    department = Department.objects.create(organisation=org, name="Geburtshilfe", slug="geburt")
    now = dt.datetime.now(dt.UTC)
    LiveSession.objects.create(
        organisation=org,
        department=department,
        title="Live-Sprechstunde",
        slug="geburt",
        topic="Geburt",
        doctors="Dr. Weber",
        starts_at=now - dt.timedelta(minutes=5),
        ends_at=now + dt.timedelta(minutes=55),
        created_by=anna.user,
    )
    max_age = connection.settings_dict.get("CONN_MAX_AGE", 0)
    connection.settings_dict["CONN_MAX_AGE"] = 0
    server = ThreadServer().start()
    visitors = []
    try:
        visitors = [Listener(server.port, "geburt") for _ in range(2)]

        def live_connections():
            response = httpx.get(f"{server.url}/metrics", timeout=10)
            return samples(response)[("carecast_live_connections", ())]

        assert wait_until(lambda: live_connections() == 2, what="two live connections")
        visitors.pop().close()
        assert wait_until(lambda: live_connections() == 1, what="one live connection")
    finally:
        for visitor in visitors:
            visitor.close()
        server.stop()
        connection.settings_dict["CONN_MAX_AGE"] = max_age
