"""Advancing publications through the state machine: the worker's side.

Two entry points share one path (claim → prepare → start → send → complete):
``publish_one`` takes a single publication one step; ``drain`` takes a whole
burst of due publications, claimed in batches, prepared *before* the due moment
and sent at it by a few threads. Both are safe to run from any number of workers
at once (claims are conditional UPDATEs) and again after a crash (each network's
idempotency strategy decides whether a second request could duplicate a post).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import connections, transaction
from django.db.models import Min, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from carecast.media.video import media_file
from carecast.networks.base import (
    CannotVerify,
    Connector,
    ConnectorError,
    PostRequest,
    PostResult,
)
from carecast.networks.models import Channel, ChannelStatus
from carecast.publishing import leases, states
from carecast.publishing.models import Attempt, Publication, State

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
# A look-up of an unknown outcome that failed this often (with backoff) asks a person.
LOOKUP_ATTEMPTS = 4
BACKOFF_CAP = dt.timedelta(minutes=30)
# Claimed, prepared and sent together: small, so that a worker living only a few
# seconds still sends something, yet enough to keep the send threads busy. No more
# than the send threads (CARECAST_DISPATCH_THREADS): a post waiting in its slice for a
# free thread is held, and one held for half a lease costs a renewal (a write).
SLICE_SIZE = 4


@dataclass(frozen=True)
class Outcome:
    publication_id: int
    state: str
    message: str = ""


@dataclass(frozen=True)
class Parked:
    """A post of a burst that failed for a moment and is tried again soon under the same claim.

    Waiting holds the claim (the heartbeat keeps it) instead of giving the post back and
    claiming it again: a retry then costs the publication row no write at all, where a
    give-back and a claim cost two (issue 17: at most 4 writes per post under faults).
    """

    publication: Publication
    token: str
    ready_at: dt.datetime


@dataclass
class Job:
    """One publication on its way out: claimed, checked, with its connector."""

    publication: Publication
    token: str
    post: PostRequest
    connector: Connector
    attempt: Attempt | None = None
    finished_at: dt.datetime | None = None


class Connectors:
    """Connectors reused across a burst (keep-alive), one per channel and thread."""

    def __init__(self) -> None:
        self._local = threading.local()
        self._all: list[Connector] = []
        self._lock = threading.Lock()

    def get(self, channel: Channel) -> Connector:
        cache = self._local.__dict__.setdefault("cache", {})
        if channel.pk not in cache:
            connector = channel.rules.connector(channel.account())
            # Look-ups that fail for a moment are retried later, not turned "unconfirmed".
            connector.find_existing = _patient(connector.find_existing)  # type: ignore[method-assign]
            cache[channel.pk] = connector
            with self._lock:
                self._all.append(connector)
        return cache[channel.pk]

    def close(self) -> None:
        for connector in self._all:
            connector.close()


class LookupUnavailable(Exception):  # noqa: N818 - not an error of ours: the network's state
    """A look-up failed for a reason that passes (429, 5xx, timeout): look again later.

    Deliberately not a ``ConnectorError``: it must not be taken for "cannot verify".
    """

    def __init__(self, error: ConnectorError) -> None:
        super().__init__(str(error))
        self.error = error


def _lookup_may_pass(exc: ConnectorError) -> bool:
    """A 429/5xx/timeout, not a look-up that can never succeed (or a dead token)."""
    if exc.permanent or exc.auth:
        return False
    # A ``CannotVerify`` of its own (no network error behind it) will not change.
    return not isinstance(exc, CannotVerify) or exc.__cause__ is not None


def _patient(find_existing):
    """Wrap a connector's ``find_existing`` so that failures that pass are deferred."""

    def look(post: PostRequest) -> PostResult | None:
        try:
            return find_existing(post)
        except ConnectorError as exc:
            if _lookup_may_pass(exc):
                raise LookupUnavailable(exc) from exc
            raise

    return look


def backoff(attempt: int, retry_after: float | None = None) -> dt.timedelta:
    """Exponential backoff with ±25 % jitter; never sooner than the network asked."""
    base = dt.timedelta(seconds=settings.CARECAST_RETRY_BASE_SECONDS)
    delay = min(base * (2 ** max(attempt - 1, 0)), BACKOFF_CAP)
    delay *= random.uniform(0.75, 1.25)
    if retry_after is not None:
        delay = max(delay, dt.timedelta(seconds=retry_after))
    return delay


# Apps that change the text on its way out register here when they start (analytics: its
# tracked links). Each must give the same text on every attempt: look-ups match by text.
TEXT_FILTERS: list[Callable[[Publication, str], str]] = []
LINK_FILTERS: list[Callable[[Publication, str], str]] = []  # the story's link (link cards)


def outgoing_text(publication: Publication) -> str:
    text = publication.text
    for text_filter in TEXT_FILTERS:
        text = text_filter(publication, text)
    return text


def outgoing_link(publication: Publication, link: str) -> str:
    for link_filter in LINK_FILTERS:
        link = link_filter(publication, link)
    return link


def build_request(publication: Publication) -> PostRequest:
    story = publication.variant.story
    # A video goes out as the version fitted to this network when one is finished.
    network = publication.channel.network
    media = tuple(media_file(asset, network) for asset in story.media.all())
    return PostRequest(
        key=publication.idempotency_key,
        text=outgoing_text(publication),
        media=media,
        link=outgoing_link(publication, story.link),
        language=publication.channel.organisation.language,
        options=dict(publication.variant.options or {}),
        progress=dict(publication.upload_state or {}),
        save_progress=_progress_keeper(publication),
    )


def _progress_keeper(publication: Publication):
    """Stores an upload's progress (a YouTube session, a TikTok publish_id) on the claimed
    publication before the request that could create the post; a worker that lost its claim
    is stopped here, before it sends anything more."""
    token = publication.claim_token

    def keep(progress: dict) -> None:
        kept = Publication.objects.filter(
            pk=publication.pk, claim_token=token, state=State.PUBLISHING
        ).update(upload_state=progress)
        if not kept:
            raise ConnectorError("Another worker has taken this post over; this one stops.")
        publication.upload_state = progress

    return keep


def _load(token: str) -> list[Publication]:
    return list(
        Publication.objects.filter(claim_token=token, state=State.PUBLISHING)
        .select_related("channel__organisation", "variant__story")
        .prefetch_related("variant__story__media")
        .order_by("due_at", "id")
    )


# --- the single step -------------------------------------------------------------------------


def publish_one(publication_id: int) -> Outcome | None:
    """Claim a due publication and take it one step: published, retry later, failed or unconfirmed.

    Returns ``None`` when the publication was not ours to take (not due, or claimed elsewhere).
    """
    token = states.claim(publication_id, lease=_lease())
    if token is None:
        return None
    connectors = Connectors()
    with leases.Heartbeat() as heartbeat:
        heartbeat.hold(token)
        try:
            [publication] = _load(token)
            prepared = _prepare_or_defer(publication, token, connectors)
            if not isinstance(prepared, Job):
                assert isinstance(prepared, Outcome), "only a burst parks a post"
                return prepared
            if not _start(prepared):
                return Outcome(publication_id, publication.state, "lost claim")
            return _send(prepared)
        finally:
            connectors.close()


# --- the burst -------------------------------------------------------------------------------


def drain(
    workers: int = 1, until: dt.datetime | None = None, ids: list[int] | None = None
) -> list[Outcome]:
    """Publish everything due by ``until`` (default: now), in slices, with ``workers`` threads.

    Each slice of ``SLICE_SIZE`` is claimed at once; then each thread checks a post
    (looking it up if an earlier attempt may have reached the network), waits for
    ``until`` and sends it, marking it "outcome unknown" right before its request
    leaves. Look-ups thus run side by side with sends, never all before them. A
    heartbeat keeps the claims while we hold them. Per-channel concurrency is capped
    by ``Channel.max_concurrent``. A post that failed for a moment and may be tried
    again within ``leases.park_limit()`` stays claimed (``Parked``) and joins a later
    slice once its time has come; the drain ends when none is left.
    """
    until = until or timezone.now()
    connectors = Connectors()
    outcomes: list[Outcome] = []
    parked: list[Parked] = []
    with leases.Heartbeat() as heartbeat:
        try:
            while True:
                items = _next_items(until, ids, heartbeat, parked)
                if items is None:
                    break
                done, parked_now = _work_slice(items, connectors, workers, until)
                outcomes.extend(done)
                parked.extend(parked_now)
                waiting = {p.token for p in parked}
                for token in {token for _p, token in items} - waiting:
                    heartbeat.release(token)
        finally:
            connectors.close()
    return outcomes


def _next_items(
    until: dt.datetime, ids: list[int] | None, heartbeat: leases.Heartbeat, parked: list[Parked]
) -> list[tuple[Publication, str]] | None:
    """The next slice: newly claimed posts and parked ones whose time has come.

    Waits for the earliest parked post when nothing else is claimable; ``None`` when
    nothing is left (``parked`` is emptied of what it hands out).
    """
    while True:
        items: list[tuple[Publication, str]] = []
        if token := states.claim_due(until, SLICE_SIZE, ids, _lease()):
            heartbeat.hold(token)
            items = [(publication, token) for publication in _load(token)]
        now = timezone.now()
        ready = [p for p in parked if p.ready_at <= now]
        for item in ready:
            parked.remove(item)
        items += [(p.publication, p.token) for p in ready]
        if items:
            return items
        if not parked:
            return None
        _sleep_until(min(p.ready_at for p in parked))


def _sleep_until(moment: dt.datetime) -> None:
    delay = (moment - timezone.now()).total_seconds()
    if delay > 0:
        time.sleep(delay)


def _work_slice(
    items: list[tuple[Publication, str]],
    connectors: Connectors,
    workers: int,
    until: dt.datetime,
) -> tuple[list[Outcome], list[Parked]]:
    """Take claimed posts (each with its claim token) with ``workers`` threads.

    Successes are written by ``SuccessWriter``; posts that failed for a moment and come
    back soon are returned as ``Parked``, still claimed.
    """
    caps = {
        p.channel_id: threading.BoundedSemaphore(max(p.channel.max_concurrent, 1))
        for p, _token in items
    }
    pending = list(reversed(items))
    outcomes: list[Outcome] = []
    parked: list[Parked] = []
    lock = threading.Lock()
    writer = SuccessWriter()

    def work() -> None:
        try:
            while True:
                with lock:
                    item = pending.pop() if pending else _ready(parked)
                if item is None:
                    return
                publication, token = item
                cap = caps[publication.channel_id]
                outcome = _take(publication, token, connectors, cap, until, writer)
                with lock:
                    if isinstance(outcome, Parked):
                        parked.append(outcome)
                    elif outcome is not None:
                        outcomes.append(outcome)
        finally:
            connections.close_all()  # this thread's own: a slice must not leak them

    writer.start()
    count = max(1, min(workers, len(items)))
    threads = [threading.Thread(target=work, daemon=True) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    outcomes.extend(writer.stop())
    return outcomes, parked


def _ready(parked: list[Parked]) -> tuple[Publication, str] | None:
    """A parked post whose time has come, taken off ``parked``: a slice that is still busy
    tries it again itself instead of keeping it waiting (and held) until the slice ends."""
    now = timezone.now()
    for waiting in parked:
        if waiting.ready_at <= now:
            parked.remove(waiting)
            return waiting.publication, waiting.token
    return None


def _take(publication, token, connectors, cap, until, writer) -> Outcome | Parked | None:
    """One post of a slice: check it, wait for the moment, send it; ``None`` if sent fine."""
    prepared = _prepare_or_defer(publication, token, connectors, park=True)
    if not isinstance(prepared, Job):
        return prepared
    _sleep_until(until)
    with cap:
        result = _call(prepared) if _start(prepared) else None
    if result is None:  # the claim is gone: another worker has it now
        return Outcome(publication.pk, State.PUBLISHING, "lost claim")
    if isinstance(result, PostResult):
        writer.add(prepared, result)
        return None
    return _complete(prepared, result, park=True)


class SuccessWriter(threading.Thread):
    """Writes successful publications to the database in small batches, off the send threads.

    A crash before a batch is written leaves those publications ``publishing`` with
    ``outcome_unknown``; recovery then relies on the network's idempotency (or a
    look at recent posts), exactly as for a crash mid-request.
    """

    FLUSH_SECONDS = 0.02

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self._items: list[tuple[Job, PostResult]] = []
        self._lock = threading.Lock()
        self._done = threading.Event()
        self.outcomes: list[Outcome] = []

    def add(self, job: Job, result: PostResult) -> None:
        with self._lock:
            self._items.append((job, result))

    def run(self) -> None:
        try:
            while not self._done.wait(self.FLUSH_SECONDS):
                self._flush()
            self._flush()
        finally:
            connections.close_all()  # this thread's own: a slice must not leak them

    def stop(self) -> list[Outcome]:
        self._done.set()
        self.join()
        return self.outcomes

    def _flush(self) -> None:
        with self._lock:
            items, self._items = self._items, []
        if not items:
            return
        states.finish_published_many(
            [
                (job.publication.pk, job.token, result.remote_id, result.url, _when(job), _aid(job))
                for job, result in items
            ]
        )
        self.outcomes.extend(Outcome(job.publication.pk, State.PUBLISHED) for job, _ in items)


# --- the steps -------------------------------------------------------------------------------


def _prepare(publication: Publication, token: str, connectors: Connectors) -> Job | Outcome:
    """Everything before the request: channel state, the network's rules, earlier attempts."""
    channel = publication.channel
    if channel.status == ChannelStatus.PAUSED:
        states.finish(publication, token, State.SCHEDULED, claimed_at=None)
        return Outcome(publication.pk, State.SCHEDULED, channel.status_reason)
    post = build_request(publication)
    problems = [
        p for p in channel.rules.check(post.text, list(post.media), channel.config) if p.blocking
    ] + [p for p in channel.rules.check_options(post.options, channel.config) if p.blocking]
    if problems:
        message = " ".join(p.message for p in problems)
        _record_attempt(publication, Attempt.Outcome.ERROR, message)
        states.finish(publication, token, State.FAILED, last_error=message)
        return Outcome(publication.pk, State.FAILED, message)
    if publication.outcome_unknown:
        # Since when it may exist: a look-up reads back that far before it says "absent".
        maybe = (Attempt.Outcome.PENDING, Attempt.Outcome.UNKNOWN)
        first = publication.attempts.filter(outcome__in=maybe).aggregate(at=Min("started_at"))
        since = first["at"] or publication.created_at
        post = dataclasses.replace(post, maybe_sent=True, sent_since=since)
    job = Job(publication, token, post, connectors.get(channel))
    # Look before any resend after an unknown outcome, also where an idempotency key is
    # sent: some servers ignore it. Only idempotent networks that cannot look rely on it.
    connector = job.connector
    if publication.outcome_unknown and (connector.can_look_up or not connector.idempotent):
        recovered = _recover(job)
        if recovered is not None:
            return recovered
    return job


def _recover(job: Job) -> Outcome | None:
    """An earlier attempt may have reached the network: look before sending again."""
    publication = job.publication
    try:
        found = job.connector.find_existing(job.post)
    except (CannotVerify, ConnectorError) as exc:
        if exc.auth:  # a dead token: pause; the post waits, still to be looked up
            pause_channel(publication.channel, str(exc))
            states.finish(publication, job.token, State.SCHEDULED, claimed_at=None)
            return Outcome(publication.pk, State.SCHEDULED, str(exc))
        message = _(
            "An earlier attempt may have been published, and %(network)s could not be checked: "
            "please look at the channel and confirm or resend. (%(error)s)"
        ) % {"network": publication.channel.rules.label, "error": exc}
        _record_attempt(publication, Attempt.Outcome.UNKNOWN, message)
        states.finish(publication, job.token, State.UNCONFIRMED, last_error=message)
        return Outcome(publication.pk, State.UNCONFIRMED, message)
    if found is None:
        return None
    _record_attempt(
        publication, Attempt.Outcome.RECOVERED, _("Found on the network; not sent again.")
    )
    _mark_published(publication, job.token, found)
    return Outcome(publication.pk, State.PUBLISHED)


def _prepare_or_defer(
    publication: Publication, token: str, connectors: Connectors, park: bool = False
) -> Job | Outcome | Parked:
    """``_prepare``, except that a look-up failing for a moment comes back later."""
    try:
        return _prepare(publication, token, connectors)
    except LookupUnavailable as unavailable:
        return _defer_lookup(publication, token, unavailable.error, park)


def _defer_lookup(
    publication: Publication, token: str, exc: ConnectorError, park: bool = False
) -> Outcome | Parked:
    """Retry a failed look-up with backoff (honouring Retry-After); ask a person only at last.

    With ``park`` (a burst), a look-up due again soon waits under the same claim.
    """
    failures = publication.lookup_failures + 1
    retry_at: dt.datetime | None = None
    if failures >= LOOKUP_ATTEMPTS:
        message = _(
            "An earlier attempt may have been published, and %(network)s could not be checked "
            "%(count)s times: please look at the channel and confirm or resend. (%(error)s)"
        ) % {"network": publication.channel.rules.label, "count": failures, "error": exc}
        target, fields = State.UNCONFIRMED, {}
    else:
        message = _(
            "Could not check whether an earlier attempt was published; looking again later. "
            "(%(error)s)"
        ) % {"error": exc}
        retry_at = timezone.now() + backoff(failures, exc.retry_after)
        if park and _may_park(retry_at):
            publication.lookup_failures, publication.last_error = failures, message
            _record_attempt(publication, Attempt.Outcome.RETRY, message)
            return Parked(publication, token, retry_at)
        target, fields = State.SCHEDULED, {"claimed_at": None, "next_attempt_at": retry_at}
    if states.finish(
        publication, token, target, lookup_failures=failures, last_error=message, **fields
    ):
        outcome = Attempt.Outcome.UNKNOWN if target == State.UNCONFIRMED else Attempt.Outcome.RETRY
        _record_attempt(publication, outcome, message)
        if retry_at is not None:
            _enqueue_on_commit(retry_at)
    return Outcome(publication.pk, target, message)


def _may_park(retry_at: dt.datetime) -> bool:
    """Whether a retry at ``retry_at`` is soon enough to wait for it under the claim."""
    return retry_at - timezone.now() <= leases.park_limit()


def _enqueue_on_commit(retry_at: dt.datetime) -> None:
    from carecast.publishing.tasks import enqueue_dispatch

    transaction.on_commit(lambda: enqueue_dispatch(retry_at))


def _start(job: Job) -> bool:
    """Right before the request leaves: open its attempt, the mark "may have been sent".

    No write to the publication row (see ``states.start_attempt``). False if the claim
    is no longer ours, or its lease so old that another worker may take it over: then
    nothing may be sent.
    """
    job.attempt = states.start_attempt(job.publication, job.token, fresh=leases.send_window())
    return job.attempt is not None


def _send(job: Job) -> Outcome:
    outcome = _complete(job, _call(job))
    assert isinstance(outcome, Outcome), "only a burst parks a post"
    return outcome


def _call(job: Job) -> PostResult | ConnectorError:
    """The request itself; every failure becomes a ``ConnectorError``."""
    try:
        return job.connector.publish(job.post)
    except ConnectorError as exc:
        return exc
    except Exception as exc:  # a bug or an unexpected library error: the post may exist
        log.exception("Unexpected error publishing %s", job.publication.pk)
        return ConnectorError(repr(exc), outcome_unknown=True)
    finally:
        job.finished_at = timezone.now()
        _store_refreshed_credentials(job.publication.channel, job.connector)


@transaction.atomic
def _complete(
    job: Job, result: PostResult | ConnectorError, park: bool = False
) -> Outcome | Parked:
    publication = job.publication
    if isinstance(result, PostResult):
        _finish_attempt(job, Attempt.Outcome.SUCCESS)
        _mark_published(publication, job.token, result, job.finished_at)
        return Outcome(publication.pk, State.PUBLISHED)
    return _handle_error(job, result, park)


def _handle_error(job: Job, exc: ConnectorError, park: bool = False) -> Outcome | Parked:
    publication, token, channel = job.publication, job.token, job.publication.channel
    if exc.auth:
        pause_channel(channel, str(exc))
        _finish_attempt(job, Attempt.Outcome.ERROR, str(exc), exc.status)
        # The network refused us before doing anything: nothing can have been posted.
        states.finish(
            publication,
            token,
            State.SCHEDULED,
            claimed_at=None,
            outcome_unknown=False,
            last_error=str(exc),
            attempt_count=publication.attempt_count,
        )
        return Outcome(publication.pk, State.SCHEDULED, str(exc))
    if exc.permanent:
        _finish_attempt(job, Attempt.Outcome.ERROR, str(exc), exc.status)
        states.finish(
            publication,
            token,
            State.FAILED,
            outcome_unknown=False,
            last_error=str(exc),
            attempt_count=publication.attempt_count,
        )
        return Outcome(publication.pk, State.FAILED, str(exc))
    outcome = Attempt.Outcome.UNKNOWN if exc.outcome_unknown else Attempt.Outcome.RETRY
    _finish_attempt(job, outcome, str(exc), exc.status)
    # Only this attempt's error decides: before re-sending after an unknown outcome,
    # non-idempotent networks were checked (``_recover``), idempotent ones deduplicate.
    unknown = exc.outcome_unknown
    if publication.attempt_count >= MAX_ATTEMPTS:
        # Giving up on a post that may exist is "unconfirmed", never "failed".
        final = State.UNCONFIRMED if unknown else State.FAILED
        states.finish(
            publication,
            token,
            final,
            outcome_unknown=unknown,
            last_error=str(exc),
            attempt_count=publication.attempt_count,
        )
        return Outcome(publication.pk, final, str(exc))
    retry_at = timezone.now() + backoff(publication.attempt_count, exc.retry_after)
    if park and _may_park(retry_at):
        # Tried again soon under the same claim: the attempt row says what happened, and
        # the next attempt looks the post up first if this one may have reached the network.
        publication.outcome_unknown, publication.last_error = unknown, str(exc)
        return Parked(publication, token, retry_at)
    states.finish(
        publication,
        token,
        State.SCHEDULED,
        claimed_at=None,
        next_attempt_at=retry_at,
        outcome_unknown=unknown,
        last_error=str(exc),
        attempt_count=publication.attempt_count,
    )
    _enqueue_on_commit(retry_at)
    return Outcome(publication.pk, State.SCHEDULED, str(exc))


def _mark_published(
    publication, token, result: PostResult, when: dt.datetime | None = None
) -> None:
    states.finish(
        publication,
        token,
        State.PUBLISHED,
        remote_id=result.remote_id,
        remote_url=result.url,
        published_at=when or timezone.now(),
        outcome_unknown=False,
        last_error="",
        attempt_count=publication.attempt_count,
    )


def _record_attempt(publication, outcome, message: str) -> None:
    now = timezone.now()
    Attempt.objects.create(
        publication=publication,
        number=publication.attempt_count,
        started_at=now,
        finished_at=now,
        outcome=outcome,
        message=message,
    )


def _when(job: Job) -> dt.datetime:
    return job.finished_at or timezone.now()


def _lease() -> dt.timedelta:
    return dt.timedelta(seconds=settings.CARECAST_CLAIM_LEASE_SECONDS)


def _aid(job: Job) -> int:
    assert job.attempt is not None, "an attempt is opened before sending"
    return job.attempt.pk


def _finish_attempt(job: Job, outcome, message: str = "", status: int | None = None) -> None:
    assert job.attempt is not None, "an attempt is opened before sending"
    Attempt.objects.filter(pk=job.attempt.pk).update(
        outcome=outcome,
        message=message,
        http_status=status,
        finished_at=job.finished_at or timezone.now(),
    )


def _store_refreshed_credentials(channel: Channel, connector: Connector) -> None:
    new = connector.updated_credentials
    if not new:
        return
    connector.updated_credentials = None
    # Never overwrite a stored token with an empty one.
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


def reconcile(now: dt.datetime | None = None, paused_only: bool = False) -> int:
    """Recover from lost tasks and dead workers; returns how many publications wait.

    Counts what is due and what dead workers hold (no beat for a lease): the next
    ``drain`` takes such a claim over in one write (``states.claimable``) instead of a
    give-back and a claim. Only claims nobody took over for two leases (say, on a
    channel paused meanwhile) go back to ``scheduled``, keeping ``outcome_unknown``, so
    the next attempt checks before it sends. Safe to run as often as you like.

    ``paused_only`` (the worker's reconciler): give back only what no burst takes over,
    the claims on paused channels. In a crash loop a worker may take longer than two
    leases to start; each give-back there was one write more for every post the dead
    worker held (give back, claim) than the takeover its drain makes anyway.
    """
    now = now or timezone.now()
    lease = _lease()
    states.release_stale_claims(2 * lease, now, paused_only=paused_only)
    held_by_the_dead = Publication.objects.filter(
        state=State.PUBLISHING, claimed_at__lt=now - lease
    ).count()
    return len(due_ids(now)) + held_by_the_dead
