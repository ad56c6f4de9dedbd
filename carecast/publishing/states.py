"""State transitions of a publication, each one conditional UPDATE.

A transition names the state it expects; if another worker got there first the
UPDATE matches no row and the caller simply stops. No row locks are held while a
network call is in flight.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.db.models import Q
from django.utils import timezone

from carecast.publishing.models import Publication, State


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


def mark_sending(publication: Publication, token: str) -> bool:
    """Record, before the request leaves, that the network may get this post."""
    updated = Publication.objects.filter(
        pk=publication.pk, state=State.PUBLISHING, claim_token=token
    ).update(outcome_unknown=True, attempt_count=publication.attempt_count + 1)
    if updated:
        publication.outcome_unknown = True
        publication.attempt_count += 1
    return bool(updated)


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
