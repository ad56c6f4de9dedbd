"""State transitions of a publication, each one conditional UPDATE.

A transition names the state it expects; if another worker got there first the
UPDATE matches no row and the caller simply stops. No row locks are held while a
network call is in flight.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.db.models import F, Q
from django.utils import timezone

from carecast.publishing.models import Attempt, Publication, State


def claim(publication_id: int, now: dt.datetime | None = None) -> str | None:
    """Move a due publication from ``scheduled`` to ``publishing``; return the claim token.

    Returns ``None`` if it is not (or no longer) ours to publish.
    """
    now = now or timezone.now()
    token = secrets.token_hex(8)
    claimed = (
        Publication.objects.filter(pk=publication_id, state=State.SCHEDULED, due_at__lte=now)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .update(state=State.PUBLISHING, claimed_at=now, claim_token=token, updated_at=now)
    )
    return token if claimed else None


def claim_due(until: dt.datetime, limit: int, ids: list[int] | None = None) -> str | None:
    """Claim up to ``limit`` publications due by ``until`` in one UPDATE; return the token.

    ``until`` may lie a moment ahead: a dispatcher that woke early claims and prepares
    the burst, then sends at the due moment. Paused channels are left alone.
    """
    from carecast.networks.models import ChannelStatus

    now = timezone.now()
    candidates = (
        Publication.objects.filter(state=State.SCHEDULED, due_at__lte=until)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=until))
        .exclude(channel__status=ChannelStatus.PAUSED)
        .order_by("due_at", "id")
    )
    if ids is not None:
        candidates = candidates.filter(pk__in=ids)
    chosen = list(candidates.values_list("id", flat=True)[:limit])
    if not chosen:
        return None
    token = secrets.token_hex(8)
    claimed = Publication.objects.filter(pk__in=chosen, state=State.SCHEDULED).update(
        state=State.PUBLISHING, claimed_at=now, claim_token=token, updated_at=now
    )
    return token if claimed else None


def release_stale_claims(lease: dt.timedelta, now: dt.datetime | None = None) -> int:
    """Give publications back whose worker died mid-flight (claim older than ``lease``).

    ``outcome_unknown`` stays as it was: if the dead worker had started sending,
    the next attempt checks the network before it sends again.
    """
    now = now or timezone.now()
    return Publication.objects.filter(state=State.PUBLISHING, claimed_at__lt=now - lease).update(
        state=State.SCHEDULED, claim_token="", claimed_at=None, updated_at=now
    )


def finish(publication: Publication, token: str, state: State, **fields) -> bool:
    """Leave ``publishing`` for ``state``, but only if we still hold the claim."""
    now = timezone.now()
    updated = Publication.objects.filter(
        pk=publication.pk, state=State.PUBLISHING, claim_token=token
    ).update(state=state, claim_token="", updated_at=now, **fields)
    if updated:
        publication.state = state
        for name, value in fields.items():
            setattr(publication, name, value)
    return bool(updated)


def finish_published_many(rows: list[tuple[int, str, str, str, dt.datetime]]) -> int:
    """Record a burst of successes at once: ``(id, token, remote_id, remote_url, published_at)``.

    The hot path of a burst: one transaction with a prepared UPDATE per row
    (``executemany``) instead of an ORM query each — measured in bench/dispatch.
    The same guard as ``finish``: only rows still ``publishing`` under our token.
    """
    from django.db import connection, transaction

    now = timezone.now()
    table = Publication._meta.db_table
    attempts = Attempt._meta.db_table
    sql = (
        f"UPDATE {table} SET state = %s, remote_id = %s, remote_url = %s, published_at = %s, "  # noqa: S608 (table name from the model)
        "outcome_unknown = %s, last_error = '', claim_token = '', updated_at = %s "
        "WHERE id = %s AND state = %s AND claim_token = %s"
    )
    attempt_sql = (
        f"UPDATE {attempts} SET outcome = %s, finished_at = %s "  # noqa: S608
        "WHERE publication_id = %s AND outcome = %s"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(
            sql,
            [
                (State.PUBLISHED, remote_id, url, at, False, now, pk, State.PUBLISHING, token)
                for pk, token, remote_id, url, at in rows
            ],
        )
        cursor.executemany(
            attempt_sql,
            [
                (Attempt.Outcome.SUCCESS, at, pk, Attempt.Outcome.PENDING)
                for pk, _t, _r, _u, at in rows
            ],
        )
    return len(rows)


def mark_sending(publications: list[Publication], token: str) -> list[Publication]:
    """Record, before the requests leave, that the network may get these posts.

    Returns the publications still held under ``token`` (normally all of them).
    """
    ids = [p.pk for p in publications]
    Publication.objects.filter(pk__in=ids, state=State.PUBLISHING, claim_token=token).update(
        outcome_unknown=True, attempt_count=F("attempt_count") + 1
    )
    held = dict(
        Publication.objects.filter(pk__in=ids, claim_token=token, outcome_unknown=True).values_list(
            "id", "attempt_count"
        )
    )
    for publication in publications:
        if publication.pk in held:
            publication.outcome_unknown = True
            publication.attempt_count = held[publication.pk]
    return [p for p in publications if p.pk in held]


def move(publication: Publication, expected: set[State], target: State, **fields) -> bool:
    """A user-driven transition (schedule, cancel, reset), guarded by the expected states."""
    now = timezone.now()
    updated = Publication.objects.filter(pk=publication.pk, state__in=expected).update(
        state=target, updated_at=now, **fields
    )
    if updated:
        publication.state = target
        for name, value in fields.items():
            setattr(publication, name, value)
    return bool(updated)
