"""State transitions of a publication, each one conditional UPDATE.

A transition names the state it expects; if another worker got there first the
UPDATE matches no row and the caller simply stops. No row locks are held while a
network call is in flight.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.db import connection, transaction
from django.db.models import Case, Exists, F, Max, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from carecast.publishing.models import Attempt, Publication, State


def claim(
    publication_id: int, now: dt.datetime | None = None, lease: dt.timedelta | None = None
) -> str | None:
    """Move a due publication from ``scheduled`` to ``publishing``; return the claim token.

    With ``lease``, a dead worker's claim is taken over too (see ``claimable``).
    Returns ``None`` if it is not (or no longer) ours to publish.
    """
    now = now or timezone.now()
    token = secrets.token_hex(8)
    claimed = (
        Publication.objects.filter(claimable(now, lease), pk=publication_id, due_at__lte=now)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .update(
            state=State.PUBLISHING, claimed_at=now, claim_token=token, updated_at=now, **_sent()
        )
    )
    return token if claimed else None


def _sent() -> dict:
    """What the attempt rows say was sent, for the UPDATE that claims or gives back a post.

    Sending writes no publication row: the attempt row opened right before the request
    (``start_attempt``) is the mark "may have reached the network". A worker that died
    after that left a ``pending`` attempt newer than the stored count; the next claim
    (or the reconciler) folds it in, in the same UPDATE: ``outcome_unknown`` becomes
    true, and ``attempt_count`` catches up with the highest attempt number.
    """
    attempts = Attempt.objects.filter(publication=OuterRef("pk"))
    # ``unknown`` too: a burst retries a post under the same claim (``dispatch.Parked``)
    # without writing its row, so a worker that died meanwhile left a finished attempt
    # of unknown outcome the row does not know about either.
    maybe = (Attempt.Outcome.PENDING, Attempt.Outcome.UNKNOWN)
    crashed = attempts.filter(outcome__in=maybe, number__gt=OuterRef("attempt_count"))
    highest = attempts.order_by().values("publication").annotate(top=Max("number")).values("top")
    return {
        "outcome_unknown": Case(
            When(Exists(crashed), then=Value(True)), default=F("outcome_unknown")
        ),
        "attempt_count": Greatest(F("attempt_count"), Coalesce(Subquery(highest), Value(0))),
    }


def claimable(now: dt.datetime, lease: dt.timedelta | None = None) -> Q:
    """``scheduled``, or (given ``lease``) held by a worker that stopped beating: it died.

    Taking a dead worker's claim over directly is one write instead of two (give
    back, claim again) and needs no reconciler run. A post the dead worker may have
    sent (an open attempt, see ``_sent``) is looked up before a resend.
    """
    free = Q(state=State.SCHEDULED)
    if lease is None:
        return free
    return free | Q(state=State.PUBLISHING, claimed_at__lt=now - lease)


def claim_due(
    until: dt.datetime,
    limit: int,
    ids: list[int] | None = None,
    lease: dt.timedelta | None = None,
) -> str | None:
    """Claim up to ``limit`` publications due by ``until`` in one UPDATE; return the token.

    ``until`` may lie a moment ahead: a dispatcher that woke early claims and prepares
    the burst, then sends at the due moment. Paused channels are left alone. With
    ``lease``, claims of dead workers are taken over (see ``claimable``).
    """
    from carecast.networks.models import ChannelStatus

    now = timezone.now()
    # Posts never sent go first: under a crash loop they still make progress, while
    # posts of unknown outcome (each needs a look-up read) wait for the next slice.
    # Then posts nobody held before dead workers' claims (``claimed_at`` is only set on
    # those): a crash loop's kills spread over many posts instead of hitting the same
    # first slice on every start, each time costing it another claim.
    candidates = (
        Publication.objects.filter(claimable(now, lease), due_at__lte=until)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=until))
        .exclude(channel__status=ChannelStatus.PAUSED)
        .order_by("outcome_unknown", F("claimed_at").asc(nulls_first=True), "due_at", "id")
    )
    if ids is not None:
        candidates = candidates.filter(pk__in=ids)
    return claim_ids(list(candidates.values_list("id", flat=True)[:limit]), now, lease)


def claim_ids(chosen: list[int], now: dt.datetime, lease: dt.timedelta | None = None) -> str | None:
    """Claim the chosen publications that are still claimable; the token, if any were.

    Between choosing and claiming another worker may have taken some: the guard
    (checked again in the UPDATE) leaves those to it.
    """
    if not chosen:
        return None
    token = secrets.token_hex(8)
    claimed = Publication.objects.filter(claimable(now, lease), pk__in=chosen).update(
        state=State.PUBLISHING, claimed_at=now, claim_token=token, updated_at=now, **_sent()
    )
    return token if claimed else None


def heartbeat(
    tokens: list[str], now: dt.datetime | None = None, older_than: dt.timedelta | None = None
) -> int:
    """Renew the lease of every publication still held under ``tokens``.

    A live worker calls this well within the lease, so ``release_stale_claims`` only
    ever sees claims whose holder stopped beating: it died. ``older_than`` leaves
    claims renewed (or made) recently alone: a write per post saved on each beat.
    """
    if not tokens:
        return 0
    now = now or timezone.now()
    held = Publication.objects.filter(state=State.PUBLISHING, claim_token__in=tokens)
    if older_than is not None:
        held = held.filter(claimed_at__lte=now - older_than)
    return held.update(claimed_at=now)


def release_stale_claims(
    lease: dt.timedelta, now: dt.datetime | None = None, paused_only: bool = False
) -> int:
    """Give publications back whose worker died mid-flight (no heartbeat for ``lease``).

    Only ``publishing`` rows: a finished post keeps its old ``claimed_at``, and giving
    it back would send it again. ``outcome_unknown`` stays set, or is set if the dead
    worker had opened an attempt (``_sent``): the next attempt checks the network
    before it sends. ``paused_only``: only posts of paused channels, which no burst
    takes over (``claim_due`` leaves them out).
    """
    from carecast.networks.models import ChannelStatus

    now = now or timezone.now()
    stale = Publication.objects.filter(state=State.PUBLISHING, claimed_at__lt=now - lease)
    if paused_only:
        stale = stale.filter(channel__status=ChannelStatus.PAUSED)
    return stale.update(
        state=State.SCHEDULED, claim_token="", claimed_at=None, updated_at=now, **_sent()
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


PublishedRow = tuple[int, str, str, str, dt.datetime, int]


def finish_published_many(rows: list[PublishedRow]) -> int:
    """Record a burst of successes at once; returns how many publications were still ours.

    A row is ``(id, token, remote_id, remote_url, published_at, attempt_id)``. The hot
    path of a burst: one transaction with a prepared UPDATE per row (``executemany``)
    instead of an ORM query each — measured in bench/dispatch. The same guard as
    ``finish``: only rows still ``publishing`` under our token; each attempt row is
    closed by its own id, never another worker's attempt of the same publication.
    """
    now = timezone.now()
    table = Publication._meta.db_table
    attempts = Attempt._meta.db_table
    sql = (
        f"UPDATE {table} SET state = %s, remote_id = %s, remote_url = %s, published_at = %s, "  # noqa: S608 (table name from the model)
        "outcome_unknown = %s, last_error = '', claim_token = '', updated_at = %s, "
        f"attempt_count = (SELECT number FROM {attempts} WHERE id = %s) "
        "WHERE id = %s AND state = %s AND claim_token = %s"
    )
    attempt_sql = (
        f"UPDATE {attempts} SET outcome = %s, finished_at = %s "  # noqa: S608
        "WHERE id = %s AND outcome = %s"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(
            sql,
            [
                (State.PUBLISHED, remote_id, url, _db(at), False, _db(now), aid, pk)
                + (State.PUBLISHING, token)
                for pk, token, remote_id, url, at, aid in rows
            ],
        )
        recorded = cursor.rowcount
        cursor.executemany(
            attempt_sql,
            [
                (Attempt.Outcome.SUCCESS, _db(at), attempt_id, Attempt.Outcome.PENDING)
                for _p, _t, _r, _u, at, attempt_id in rows
            ],
        )
    return recorded


def _db(moment: dt.datetime):
    """A datetime as the ORM stores it (raw SQL compares it with stored ones)."""
    return connection.ops.adapt_datetimefield_value(moment)


def start_attempt(
    publication: Publication, token: str, fresh: dt.timedelta | None = None
) -> Attempt | None:
    """Right before a post's request leaves: open its attempt; ``None`` if it may not leave.

    The ``pending`` attempt row is the mark "may have reached the network" (see
    ``_sent``), written per post, never for a batch: a worker killed before it sent a
    post leaves that post a plain retry. One INSERT guarded like a transition: only
    while the post is ``publishing`` under our ``token`` and (given ``fresh``) our
    lease was renewed within ``fresh``. Keep ``fresh`` well under the lease: a worker
    then never sends a post another worker may take over at that very moment (whose
    claim would not yet see this attempt), because a takeover needs a whole lease
    without a beat. Updates ``attempt_count`` and ``outcome_unknown`` in memory; the
    row gets them from the UPDATE that finishes (or next claims) the post.
    """
    now = timezone.now()
    table = Publication._meta.db_table
    attempts = Attempt._meta.db_table
    # The row's count, or ours when a burst already tried this post under this claim
    # (``dispatch.Parked``: such a retry writes no publication row).
    sql = (
        f"INSERT INTO {attempts} (publication_id, number, started_at, outcome, message) "  # noqa: S608 (table names from the models)
        "SELECT id, CASE WHEN attempt_count > %s THEN attempt_count ELSE %s END + 1, %s, %s, '' "
        f"FROM {table} WHERE id = %s AND state = %s AND claim_token = %s"
    )
    count = publication.attempt_count
    params: list = [count, count, _db(now), Attempt.Outcome.PENDING]
    params += [publication.pk, State.PUBLISHING, token]
    if fresh is not None:
        sql += " AND claimed_at >= %s"
        params.append(_db(now - fresh))
    with connection.cursor() as cursor:
        cursor.execute(sql + " RETURNING id, number", params)
        row = cursor.fetchone()
    if row is None:
        return None
    attempt_id, number = row
    publication.outcome_unknown, publication.attempt_count = True, number
    attempt = Attempt(id=attempt_id, publication=publication, number=number, started_at=now)
    attempt._state.adding, attempt._state.db = False, connection.alias
    return attempt


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
