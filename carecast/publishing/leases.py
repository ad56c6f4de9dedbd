"""Holding claims: a heartbeat renews them while a worker works on them.

A claim is a lease (``CARECAST_CLAIM_LEASE_SECONDS``): the reconciler gives back claims
whose ``claimed_at`` is older than that. A worker that prepares slowly (look-ups against
a network that answers 429) would lose live claims, and another worker would send the
same posts again; so while a worker holds a claim, a thread renews it several times per
lease. Only a dead worker stops beating.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading

from django.conf import settings
from django.db import connections

from carecast.publishing import states

log = logging.getLogger(__name__)
BEATS_PER_LEASE = 4
# A beat renews only claims at least this many beats old: a post held a short while costs
# no write, and a live worker's claim is still never older than three beats (3/4 lease).
RENEW_AFTER_BEATS = 2


def beat_interval() -> float:
    """Seconds between heartbeats: a few per lease, so one late beat loses nothing."""
    return settings.CARECAST_CLAIM_LEASE_SECONDS / BEATS_PER_LEASE


def send_window() -> dt.timedelta:
    """How fresh a claim must be for a post to leave under it (``states.start_attempt``).

    Older than a live holder's claim gets (3/4 lease), younger than a takeover needs (a
    whole lease): a post never leaves under a claim another worker may be taking over.
    """
    return dt.timedelta(seconds=settings.CARECAST_CLAIM_LEASE_SECONDS * 7 / 8)


def park_limit() -> dt.timedelta:
    """How soon a burst's retry must come for the post to wait under its claim.

    A claim is renewed once it is ``RENEW_AFTER_BEATS`` beats (half a lease) old, so a
    post that waits at most a lease costs at most two renewals, usually one or none,
    where giving it back and claiming it again always costs two writes
    (``dispatch.Parked``).
    """
    return dt.timedelta(seconds=settings.CARECAST_CLAIM_LEASE_SECONDS)


class Heartbeat(threading.Thread):
    """Renews the claims in ``tokens`` every ``interval`` seconds until stopped.

    Use as a context manager around the work: ``with Heartbeat() as beat: beat.hold(token)``.
    """

    def __init__(self, interval: float | None = None) -> None:
        super().__init__(daemon=True, name="claim-heartbeat")
        self.interval = beat_interval() if interval is None else interval
        self._tokens: set[str] = set()
        self._lock = threading.Lock()
        self._stop_event = threading.Event()

    def hold(self, token: str) -> None:
        with self._lock:
            self._tokens.add(token)

    def release(self, token: str) -> None:
        with self._lock:
            self._tokens.discard(token)

    def beat(self) -> int:
        """Renew claims ``RENEW_AFTER_BEATS`` beats old; returns how many were renewed.

        A claim is never older than three beats (3/4 lease), yet a post held less
        than two beats is never written by the heartbeat at all.
        """
        with self._lock:
            tokens = sorted(self._tokens)
        age = dt.timedelta(seconds=self.interval * RENEW_AFTER_BEATS)
        return states.heartbeat(tokens, older_than=age)

    def run(self) -> None:
        try:
            while not self._stop_event.wait(self.interval):
                try:
                    self.beat()
                except Exception:  # a database blip: the next beat tries again
                    log.exception("Could not renew claims")
        finally:
            connections.close_all()  # this thread's connections only

    def __enter__(self) -> Heartbeat:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop_event.set()
        self.join()
