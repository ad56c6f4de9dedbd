"""Advancing publications through the state machine: the worker's side.

``publish_one`` is the single handler for a due publication. It is safe to call
from any number of workers at once (claims are conditional UPDATEs) and safe to
call again after a crash (the idempotency strategy of each network decides
whether a second request could duplicate the post).
"""

from __future__ import annotations

import datetime as dt
import logging
import random
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import close_old_connections
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from carecast.networks.base import CannotVerify, ConnectorError, MediaFile, PostRequest, PostResult
from carecast.networks.models import Channel, ChannelStatus
from carecast.publishing import states
from carecast.publishing.models import Attempt, Publication, State

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
BACKOFF_BASE = dt.timedelta(seconds=30)
BACKOFF_CAP = dt.timedelta(minutes=30)


@dataclass(frozen=True)
class Outcome:
    publication_id: int
    state: str
    message: str = ""


def backoff(attempt: int, retry_after: float | None = None) -> dt.timedelta:
    """Exponential backoff with ±25 % jitter; never sooner than the network asked."""
    delay = min(BACKOFF_BASE * (2 ** max(attempt - 1, 0)), BACKOFF_CAP)
    delay *= random.uniform(0.75, 1.25)
    if retry_after is not None:
        delay = max(delay, dt.timedelta(seconds=retry_after))
    return delay


def build_request(publication: Publication) -> PostRequest:
    story = publication.variant.story
    media = tuple(
        MediaFile(path=Path(asset.file.path), mime_type=asset.mime_type, alt_text=asset.alt_text)
        for asset in story.media.all()
    )
    return PostRequest(
        key=publication.idempotency_key, text=publication.text, media=media, link=story.link
    )


def publish_one(publication_id: int) -> Outcome | None:
    """Claim a due publication and take it one step: published, retry later, failed or unconfirmed.

    Returns ``None`` when the publication was not ours to take (not due, or claimed elsewhere).
    """
    token = states.claim(publication_id)
    if token is None:
        return None
    publication = Publication.objects.select_related("channel", "variant__story").get(
        pk=publication_id
    )
    channel = publication.channel
    if channel.status == ChannelStatus.PAUSED:
        states.finish(publication, token, State.SCHEDULED, claimed_at=None)
        return Outcome(publication_id, State.SCHEDULED, channel.status_reason)

    post = build_request(publication)
    problems = [p for p in channel.rules.check(post.text, list(post.media), channel.config) if p.blocking]
    if problems:
        message = " ".join(p.message for p in problems)
        _record_attempt(publication, Attempt.Outcome.ERROR, message)
        states.finish(publication, token, State.FAILED, last_error=message)
        return Outcome(publication_id, State.FAILED, message)

    connector = channel.rules.connector(channel.account())
    if publication.outcome_unknown and not connector.idempotent:
        recovered = _recover(publication, token, connector, post)
        if recovered is not None:
            return recovered
    return _send(publication, token, connector, post)


def _recover(publication, token, connector, post) -> Outcome | None:
    """An earlier attempt may have reached a network without idempotency: look before sending."""
    try:
        found = connector.find_existing(post)
    except (CannotVerify, ConnectorError) as exc:
        message = _(
            "An earlier attempt may have been published, and %(network)s could not be checked: "
            "please look at the channel and confirm or resend. (%(error)s)"
        ) % {"network": publication.channel.rules.label, "error": exc}
        _record_attempt(publication, Attempt.Outcome.UNKNOWN, message)
        states.finish(publication, token, State.UNCONFIRMED, last_error=message)
        return Outcome(publication.pk, State.UNCONFIRMED, message)
    if found is None:
        return None
    _record_attempt(publication, Attempt.Outcome.RECOVERED, _("Found on the network; not sent again."))
    _mark_published(publication, token, found)
    return Outcome(publication.pk, State.PUBLISHED)


def _send(publication, token, connector, post) -> Outcome:
    if not states.mark_sending(publication, token):
        return Outcome(publication.pk, publication.state, "lost claim")
    attempt = Attempt.objects.create(
        publication=publication, number=publication.attempt_count, started_at=timezone.now()
    )
    try:
        result = connector.publish(post)
    except ConnectorError as exc:
        return _handle_error(publication, token, attempt, exc)
    except Exception as exc:  # a bug or an unexpected library error: treat as unknown outcome
        log.exception("Unexpected error publishing %s", publication.pk)
        return _handle_error(
            publication, token, attempt, ConnectorError(repr(exc), outcome_unknown=True)
        )
    finally:
        _store_refreshed_credentials(publication.channel, connector)
    _finish_attempt(attempt, Attempt.Outcome.SUCCESS)
    _mark_published(publication, token, result)
    return Outcome(publication.pk, State.PUBLISHED)


def _handle_error(publication, token, attempt, exc: ConnectorError) -> Outcome:
    channel = publication.channel
    if exc.auth:
        pause_channel(channel, str(exc))
        _finish_attempt(attempt, Attempt.Outcome.ERROR, str(exc), exc.status)
        # The network refused us before doing anything: nothing can have been posted.
        states.finish(
            publication, token, State.SCHEDULED, claimed_at=None, outcome_unknown=False,
            last_error=str(exc),
        )
        return Outcome(publication.pk, State.SCHEDULED, str(exc))
    if exc.permanent:
        _finish_attempt(attempt, Attempt.Outcome.ERROR, str(exc), exc.status)
        states.finish(publication, token, State.FAILED, outcome_unknown=False, last_error=str(exc))
        return Outcome(publication.pk, State.FAILED, str(exc))
    outcome = Attempt.Outcome.UNKNOWN if exc.outcome_unknown else Attempt.Outcome.RETRY
    _finish_attempt(attempt, outcome, str(exc), exc.status)
    unknown = publication.outcome_unknown if exc.outcome_unknown else False
    if publication.attempt_count >= MAX_ATTEMPTS:
        final = State.UNCONFIRMED if unknown and not _is_idempotent(channel) else State.FAILED
        states.finish(publication, token, final, outcome_unknown=unknown, last_error=str(exc))
        return Outcome(publication.pk, final, str(exc))
    retry_at = timezone.now() + backoff(publication.attempt_count, exc.retry_after)
    states.finish(
        publication, token, State.SCHEDULED, claimed_at=None, next_attempt_at=retry_at,
        outcome_unknown=unknown, last_error=str(exc),
    )
    from carecast.publishing.tasks import enqueue_dispatch

    enqueue_dispatch(retry_at)
    return Outcome(publication.pk, State.SCHEDULED, str(exc))


def _is_idempotent(channel: Channel) -> bool:
    connector_class = channel.rules.connector_class
    return bool(connector_class and connector_class.idempotent)


def _mark_published(publication, token, result: PostResult) -> None:
    states.finish(
        publication, token, State.PUBLISHED, remote_id=result.remote_id, remote_url=result.url,
        published_at=timezone.now(), outcome_unknown=False, last_error="",
    )


def _record_attempt(publication, outcome, message: str) -> None:
    now = timezone.now()
    Attempt.objects.create(
        publication=publication, number=publication.attempt_count, started_at=now,
        finished_at=now, outcome=outcome, message=message,
    )


def _finish_attempt(attempt: Attempt, outcome, message: str = "", status: int | None = None) -> None:
    attempt.outcome = outcome
    attempt.message = message
    attempt.http_status = status
    attempt.finished_at = timezone.now()
    attempt.save(update_fields=["outcome", "message", "http_status", "finished_at"])


def _store_refreshed_credentials(channel: Channel, connector) -> None:
    new = connector.updated_credentials
    if not new:
        return
    merged = {**channel.get_credentials(), **{k: v for k, v in new.items() if v}}
    channel.set_credentials(merged)
    channel.save(update_fields=["credentials_encrypted"])


def pause_channel(channel: Channel, reason: str) -> None:
    """A revoked or expired token: stop posting to this channel and tell the team."""
    from carecast.core import audit

    updated = Channel.objects.filter(pk=channel.pk, status=ChannelStatus.ACTIVE).update(
        status=ChannelStatus.PAUSED, status_reason=reason
    )
    channel.status, channel.status_reason = ChannelStatus.PAUSED, reason
    if updated:
        audit.record(channel.organisation, "channel.paused", channel.name, reason=reason)


def due_ids(now: dt.datetime | None = None, limit: int = 500) -> list[int]:
    """Publications that are due now on active channels, oldest first."""
    now = now or timezone.now()
    return list(
        Publication.objects.filter(state=State.SCHEDULED, due_at__lte=now)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .exclude(channel__status=ChannelStatus.PAUSED)
        .order_by("due_at", "id")
        .values_list("id", flat=True)[:limit]
    )


def drain(ids: Iterable[int] | None = None, workers: int = 1) -> list[Outcome]:
    """Publish every due publication (or the given ones), with ``workers`` threads.

    Per-channel concurrency is capped by ``Channel.max_concurrent`` within this
    process, so a burst never opens more connections to one account than allowed.
    """
    pending = list(ids) if ids is not None else due_ids()
    if not pending:
        return []
    caps = _channel_semaphores(pending)
    outcomes: list[Outcome] = []
    lock = threading.Lock()
    channel_of = dict(Publication.objects.filter(pk__in=pending).values_list("id", "channel_id"))
    queue = [(pk, channel_of[pk]) for pk in reversed(pending) if pk in channel_of]

    def work() -> None:
        try:
            while True:
                with lock:
                    if not queue:
                        return
                    pub_id, channel_id = queue.pop()
                with caps[channel_id]:
                    outcome = publish_one(pub_id)
                if outcome is not None:
                    with lock:
                        outcomes.append(outcome)
        finally:
            close_old_connections()

    if workers <= 1:
        work()
        return outcomes
    threads = [threading.Thread(target=work, daemon=True) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def _channel_semaphores(ids: list[int]) -> dict[int, threading.Semaphore]:
    caps = dict(
        Channel.objects.filter(publications__pk__in=ids).values_list("id", "max_concurrent").distinct()
    )
    return {channel_id: threading.BoundedSemaphore(max(cap, 1)) for channel_id, cap in caps.items()}


def reconcile(now: dt.datetime | None = None) -> int:
    """Recover from lost tasks and dead workers; returns how many publications were due.

    Stale claims go back to ``scheduled``; every due publication gets a dispatch
    task again. Safe to run as often as you like.
    """
    lease = dt.timedelta(seconds=settings.CARECAST_CLAIM_LEASE_SECONDS)
    states.release_stale_claims(lease, now)
    return len(due_ids(now))
