"""Collecting events into deliveries, and delivering them with retries and backoff.

Events are read from the rows themselves (posts whose state became published or failed,
comments marked as emergencies), not hooked into the publishing path: a webhook receiver
that is slow or down can never delay or break publishing. Each endpoint remembers up to when
it collected; the next run looks again from a little before (rows committed late by another
worker), and the unique (endpoint, event, key) makes that overlap queue nothing twice.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import secrets

import httpx
from django.db.models import Q
from django.utils import timezone

from carecast.core import crypto
from carecast.lib.http import UnsafeURL, loopback_if_sandbox, make_client, pin_public_url
from carecast.webhooks.models import Delivery, Endpoint, Event
from carecast.webhooks.signing import HEADER, sign

log = logging.getLogger(__name__)

OVERLAP = dt.timedelta(minutes=5)
# After the 1st, 2nd… failed attempt wait this long; after the last one, give up.
BACKOFF = (
    dt.timedelta(minutes=1),
    dt.timedelta(minutes=5),
    dt.timedelta(minutes=30),
    dt.timedelta(hours=2),
    dt.timedelta(hours=6),
)
MAX_ATTEMPTS = len(BACKOFF) + 1
LEASE = dt.timedelta(minutes=2)  # a worker that died mid-send frees the delivery after this
TIMEOUT = 10.0
BATCH = 50


def check_url(url: str) -> str:
    """The URL if the SSRF guard lets it out, else ``UnsafeURL`` (checked again when sending)."""
    return pin_public_url(url, loopback_if_sandbox()).url


def create_endpoint(organisation, name: str, url: str, events, actor=None) -> tuple[Endpoint, str]:
    """A new endpoint and its secret (shown once; kept encrypted, since signing needs it)."""
    from carecast.core import audit

    secret = "whsec_" + secrets.token_urlsafe(32)
    endpoint = Endpoint.objects.create(
        organisation=organisation,
        name=name.strip(),
        url=check_url(url),
        events=[e for e in Event.values if e in set(events)],
        secret_encrypted=crypto.encrypt_json({"secret": secret}),
        created_by=actor,
        scanned_until=timezone.now(),  # what happened before it existed is not sent
    )
    audit.record(organisation, "webhook.created", endpoint.name, actor=actor, url=endpoint.url)
    return endpoint, secret


def secret_of(endpoint: Endpoint) -> str:
    return crypto.decrypt_json(endpoint.secret_encrypted)["secret"]


# --- collecting ---------------------------------------------------------------------------


def collect(now: dt.datetime | None = None) -> int:
    """Queue a delivery for every new event of every endpoint; returns how many were new."""
    now = now or timezone.now()
    queued = 0
    for endpoint in Endpoint.objects.all():
        since = (endpoint.scanned_until or endpoint.created_at) - OVERLAP
        since = max(since, endpoint.created_at - OVERLAP)
        rows = [
            Delivery(endpoint=endpoint, event=event, key=key, payload=payload, next_try_at=now)
            for event, key, payload in _events(endpoint, since, now)
        ]
        before = Delivery.objects.filter(endpoint=endpoint).count()
        Delivery.objects.bulk_create(rows, ignore_conflicts=True)
        queued += Delivery.objects.filter(endpoint=endpoint).count() - before
        Endpoint.objects.filter(pk=endpoint.pk).update(scanned_until=now)
    return queued


def _events(endpoint: Endpoint, since: dt.datetime, now: dt.datetime):
    from carecast.inbox.models import InboxItem
    from carecast.publishing.models import Publication, State

    wanted = set(endpoint.events)
    mapping = {Event.PUBLISHED: State.PUBLISHED, Event.FAILED: State.FAILED}
    states = [state for event, state in mapping.items() if event in wanted]
    if states:
        posts = (
            Publication.objects.filter(
                channel__organisation_id=endpoint.organisation_id,
                state__in=states,
                updated_at__gt=since,
                updated_at__lte=now,
            )
            .select_related("channel", "variant__story")
            .order_by("updated_at", "id")
        )
        for post in posts:
            event = Event.PUBLISHED if post.state == State.PUBLISHED else Event.FAILED
            # A post sent again after a failure fails or succeeds anew: its attempt count
            # tells the two apart.
            yield event, f"{post.pk}:{post.attempt_count}", _envelope(event, now, _post(post))
    if Event.EMERGENCY in wanted:
        items = (
            InboxItem.objects.filter(
                organisation_id=endpoint.organisation_id,
                is_emergency=True,
                erased_at__isnull=True,
            )
            .filter(Q(fetched_at__gt=since) & Q(fetched_at__lte=now))
            .select_related("channel")
            .order_by("fetched_at", "id")
        )
        for item in items:
            yield Event.EMERGENCY, str(item.pk), _envelope(Event.EMERGENCY, now, _item(item))


def _envelope(event: str, now: dt.datetime, data: dict) -> dict:
    return {"event": event, "occurred_at": now.isoformat(), "data": data}


def _iso(value):
    return value.isoformat() if value else None


def _post(post) -> dict:
    return {
        "post": post.pk,
        "story": post.variant.story_id,
        "story_title": post.variant.story.title,
        "channel": post.channel_id,
        "channel_name": post.channel.name,
        "network": post.channel.network,
        "state": post.state,
        "due_at": _iso(post.due_at),
        "published_at": _iso(post.published_at),
        "remote_url": post.remote_url,
        "error": post.last_error,
    }


def _item(item) -> dict:
    return {
        "item": item.pk,
        "channel": item.channel_id,
        "channel_name": item.channel.name,
        "network": item.channel.network,
        "author": item.author,
        "text": item.text,
        "url": item.url,
        "received_at": _iso(item.received_at),
        "kinds": list(item.emergency_kinds or []),
    }


# --- delivering ---------------------------------------------------------------------------


def deliver_due(now: dt.datetime | None = None) -> int:
    """Send every delivery that is due; returns how many reached their receiver."""
    now = now or timezone.now()
    due = list(
        Delivery.objects.filter(state=Delivery.State.PENDING, next_try_at__lte=now)
        .select_related("endpoint")
        .order_by("next_try_at", "id")[:BATCH]
    )
    delivered = 0
    for delivery in due:
        # Claim it: another worker that read the same row finds next_try_at changed.
        claimed = Delivery.objects.filter(
            pk=delivery.pk, state=Delivery.State.PENDING, next_try_at=delivery.next_try_at
        ).update(next_try_at=now + LEASE)
        if claimed:
            delivered += _send(delivery, now)
    return delivered


def _send(delivery: Delivery, now: dt.datetime) -> bool:
    body = json.dumps(
        {"id": delivery.pk, **delivery.payload}, ensure_ascii=False, separators=(",", ":")
    ).encode()
    headers = {
        "Content-Type": "application/json",
        HEADER: sign(secret_of(delivery.endpoint), body, int(now.timestamp())),
        "Carecast-Event": delivery.event,
        "Carecast-Delivery": str(delivery.pk),
    }
    status, error = None, ""
    try:
        pinned = pin_public_url(delivery.endpoint.url, loopback_if_sandbox())
        with make_client(timeout=TIMEOUT, guard=loopback_if_sandbox()) as client:
            # The checked address, not a second DNS answer (rebinding); TLS still checks the name.
            sni = {"sni_hostname": pinned.host} if pinned.connect_url != pinned.url else {}
            request = client.build_request(
                "POST",
                pinned.connect_url,
                headers={**headers, "Host": pinned.host_header},
                content=body,
                extensions=sni,
            )
            response = client.send(request)
        status = response.status_code
        if 200 <= status < 300:
            Delivery.objects.filter(pk=delivery.pk).update(
                state=Delivery.State.DELIVERED,
                attempts=delivery.attempts + 1,
                last_status=status,
                last_error="",
                delivered_at=now,
            )
            return True
        error = ""  # the page says it from last_status, in the reader's language
    except UnsafeURL as exc:
        error = str(exc)
    except httpx.HTTPError as exc:
        error = f"{exc.__class__.__name__}: {exc}"
    attempts = delivery.attempts + 1
    gave_up = attempts >= MAX_ATTEMPTS
    Delivery.objects.filter(pk=delivery.pk).update(
        state=Delivery.State.FAILED if gave_up else Delivery.State.PENDING,
        attempts=attempts,
        last_status=status,
        last_error=error[:500],
        next_try_at=now if gave_up else now + BACKOFF[attempts - 1],
    )
    log.warning(
        "webhook %s: attempt %s failed: %s %s", delivery.endpoint.url, attempts, status, error
    )
    return False


def tick(now: dt.datetime | None = None) -> int:
    now = now or timezone.now()
    collect(now)
    return deliver_due(now)
