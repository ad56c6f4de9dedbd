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


def beat_interval() -> float:
    """Seconds between heartbeats: a few per lease, so one late beat loses nothing."""
    return settings.CARECAST_CLAIM_LEASE_SECONDS / BEATS_PER_LEASE


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
        """Renew claims older than one beat; returns how many were renewed.

        A claim is never older than two beats (half a lease), yet a post held only
        a short while is never written by the heartbeat at all.
        """
        with self._lock:
            tokens = sorted(self._tokens)
        return states.heartbeat(tokens, older_than=dt.timedelta(seconds=self.interval))

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
