"""Outgoing webhooks against a real HTTP receiver on 127.0.0.1: signed (HMAC-SHA256 over
timestamp and body), sent once per event, retried with backoff, private addresses refused."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone

from carecast.inbox.models import InboxItem
from carecast.publishing.models import Publication, State
from carecast.webhooks import service
from carecast.webhooks.models import Delivery, Endpoint
from carecast.webhooks.signing import verify
from tests.web.conftest import login

NOON = dt.datetime(2026, 12, 2, 11, 0, tzinfo=dt.UTC)


class Receiver:
    """Records every POST; answers with the next status of ``answers`` (then 200)."""

    def __init__(self) -> None:
        self.requests: list[tuple[dict, bytes]] = []
        self.answers: list[int] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append((dict(self.headers), body))
                self.send_response(receiver.answers.pop(0) if receiver.answers else 200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/carecast"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver(settings):
    settings.CARECAST_SANDBOX = True  # loopback allowed, as in the demo; nothing else private
    running = Receiver()
    yield running
    running.close()


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(NOON, tick=False)
    return time_machine


def post_in(state, publication_factory, channel, **fields) -> Publication:
    publication = publication_factory(channel, state, NOON - dt.timedelta(minutes=1))
    Publication.objects.filter(pk=publication.pk).update(**fields)
    publication.refresh_from_db()
    return publication


def test_it_signs_and_sends_each_publication_once(
    receiver, clock, org, anna, mastodon, publication_factory
):
    endpoint, secret = service.create_endpoint(
        org, "Intranet", receiver.url, ["published", "failed"], actor=anna.user
    )
    clock.move_to(NOON + dt.timedelta(minutes=1))
    published = post_in(
        State.PUBLISHED,
        publication_factory,
        mastodon,
        remote_url="https://social.example/@klinikum/1",
        attempt_count=1,
    )
    assert service.tick() == 1
    [(headers, body)] = receiver.requests
    assert headers["Carecast-Event"] == "published"
    now = (NOON + dt.timedelta(minutes=1)).timestamp()
    assert verify(secret, headers["Carecast-Signature"], body, now)
    # What a receiver computes on its own, without carecast's code:
    t, v1 = (p.split("=", 1)[1] for p in headers["Carecast-Signature"].split(","))
    mac = hmac.new(secret.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(mac, v1) and int(t) == int(now)
    payload = json.loads(body)
    assert payload["event"] == "published" and payload["data"]["post"] == published.pk
    assert payload["data"]["remote_url"] == "https://social.example/@klinikum/1"
    # Replayed an hour later: the receiver's check refuses it; tampered: refused too.
    assert not verify(secret, headers["Carecast-Signature"], body, now + 3600)
    assert not verify(secret, headers["Carecast-Signature"], body + b" ", now)
    clock.move_to(NOON + dt.timedelta(minutes=2))
    assert service.tick() == 0 and len(receiver.requests) == 1  # the overlap queues nothing twice
    assert Delivery.objects.get().state == Delivery.State.DELIVERED


def test_it_retries_with_backoff_and_logs_each_delivery(
    receiver, clock, org, anna, mastodon, publication_factory
):
    service.create_endpoint(org, "Intranet", receiver.url, ["failed"])
    clock.move_to(NOON + dt.timedelta(minutes=1))
    post_in(State.FAILED, publication_factory, mastodon, last_error="Token abgelaufen")
    receiver.answers = [500, 503]
    assert service.tick() == 0
    delivery = Delivery.objects.get()
    assert delivery.attempts == 1 and delivery.last_status == 500
    assert delivery.next_try_at == NOON + dt.timedelta(minutes=2)
    clock.move_to(NOON + dt.timedelta(minutes=1, seconds=30))
    assert service.tick() == 0 and len(receiver.requests) == 1  # not yet due
    clock.move_to(NOON + dt.timedelta(minutes=2))
    assert service.tick() == 0 and len(receiver.requests) == 2
    delivery.refresh_from_db()
    assert delivery.next_try_at == NOON + dt.timedelta(minutes=7)  # 5 minutes after the 2nd
    clock.move_to(NOON + dt.timedelta(minutes=7))
    assert service.tick() == 1
    delivery.refresh_from_db()
    assert delivery.state == Delivery.State.DELIVERED and delivery.attempts == 3
    payload = json.loads(receiver.requests[-1][1])
    assert payload["event"] == "failed" and payload["data"]["error"] == "Token abgelaufen"
    page = login(anna).get(f"/settings/webhooks/{delivery.endpoint_id}/").content.decode()
    assert "zugestellt" in page and "3 Versuche" in page


def test_it_sends_an_emergency_comment(receiver, clock, org, mastodon):
    service.create_endpoint(org, "Leitstelle", receiver.url, ["emergency_comment"])
    clock.move_to(NOON + dt.timedelta(minutes=1))
    InboxItem.objects.create(
        organisation=org,
        channel=mastodon,
        remote_id="9",
        author="sorge",
        text="Ich kann nicht mehr",
        received_at=timezone.now(),
        is_emergency=True,
        emergency_kinds=["suicide"],
    )
    InboxItem.objects.create(
        organisation=org, channel=mastodon, remote_id="10", text="Danke!", received_at=NOON
    )
    assert service.tick() == 1
    payload = json.loads(receiver.requests[0][1])
    assert payload["event"] == "emergency_comment"
    assert payload["data"]["text"] == "Ich kann nicht mehr" and payload["data"]["kinds"] == [
        "suicide"
    ]


def test_it_sends_nothing_that_happened_before_the_endpoint(
    receiver, clock, org, mastodon, publication_factory
):
    post_in(State.PUBLISHED, publication_factory, mastodon)
    clock.move_to(NOON + dt.timedelta(minutes=10))
    service.create_endpoint(org, "Intranet", receiver.url, ["published"])
    assert service.tick() == 0 and receiver.requests == []


def test_it_refuses_a_private_address_in_german_and_keeps_the_input(anna, settings):
    settings.CARECAST_SANDBOX = False
    response = login(anna).post(
        "/settings/webhooks/",
        {"name": "Intern", "url": "http://10.20.30.40/hook", "events": ["published"]},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "privaten Netz" in page and 'value="Intern"' in page
    assert not Endpoint.objects.exists()


def test_it_refuses_at_send_time_an_address_that_turned_private(clock, org, settings):
    """Checked again on every send: the guard, not only the form, keeps it out."""
    endpoint = Endpoint.objects.create(
        organisation=org,
        name="Umgezogen",
        url="http://127.0.0.1:9/hook",
        events=["published"],
        secret_encrypted=service.crypto.encrypt_json({"secret": "s"}),
    )
    settings.CARECAST_SANDBOX = False
    Delivery.objects.create(
        endpoint=endpoint, event="published", key="1", payload={}, next_try_at=NOON, attempts=5
    )
    assert service.deliver_due() == 0
    delivery = Delivery.objects.get()
    assert "private network" in delivery.last_error and delivery.attempts == 6
    assert delivery.state == Delivery.State.FAILED  # the sixth failure: given up, in the log


def test_the_lead_adds_a_webhook_and_sees_its_secret_once(anna, receiver):
    client = login(anna)
    response = client.post(
        "/settings/webhooks/",
        {"name": "Intranet", "url": receiver.url, "events": ["published", "emergency_comment"]},
    )
    assert response.status_code == 200
    secret = response.context["secret"]
    endpoint = Endpoint.objects.get()
    assert service.secret_of(endpoint) == secret and secret not in endpoint.secret_encrypted
    assert secret not in client.get(f"/settings/webhooks/{endpoint.pk}/").content.decode()
    assert client.post(f"/settings/webhooks/{endpoint.pk}/delete/").status_code == 302
    assert not Endpoint.objects.exists()
