"""Metric sync: read each post's numbers on a schedule that follows its life.

A post changes most in its first hours, so it is read 1 h, 6 h, 1 d, 3 d, 7 d and 30 d after
publishing, then never again. Each run reads only what is due, at most ``BUDGET`` requests
per channel (a share of the network's rate limit, leaving room for publishing and the
inbox), and a 429 pauses that channel until the network's window opens again. Posts made
directly on the network are found in the account's recent posts and counted too.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from carecast.analytics.models import (
    METRICS,
    ChannelSync,
    FollowerCount,
    Post,
    PostFormat,
)
from carecast.networks.base import ConnectorError
from carecast.networks.metrics import PostMetrics, RemotePost
from carecast.networks.models import Channel, ChannelStatus
from carecast.publishing.models import Publication, State

log = logging.getLogger(__name__)

STAGES = (
    dt.timedelta(hours=1),
    dt.timedelta(hours=6),
    dt.timedelta(days=1),
    dt.timedelta(days=3),
    dt.timedelta(days=7),
    dt.timedelta(days=30),
)
# Requests one run (every 5 minutes) may spend per channel: a fraction of each network's
# documented limit per account — Mastodon 300/5 min, Bluesky 3,000/5 min, X GET /2/tweets
# 900/15 min (user context), Meta's Graph API ~200/h per user, LinkedIn 500/day per member
# for organisation social actions.
BUDGET = {"mastodon": 60, "bluesky": 300, "x": 100, "facebook": 15, "instagram": 15,
          "threads": 15, "linkedin": 5, "youtube": 20, "tiktok": 10}  # fmt: skip
DEFAULT_BUDGET = 10
# Followers and the account's recent posts (for imports) are read at most this often.
ACCOUNT_EVERY = dt.timedelta(hours=1)
# How far a later listing of the account's posts overlaps the one before, and how many pages
# one listing may read (a network's page holds 20–100 posts).
IMPORT_OVERLAP = dt.timedelta(days=1)
IMPORT_PAGES = 10
# Posts written per transaction: one commit per request would cost more than the request.
WRITE_EVERY = 500
# A channel that failed without a Retry-After is asked again after this pause.
ERROR_PAUSE = dt.timedelta(minutes=15)


def schedule_after(published_at: dt.datetime, now: dt.datetime) -> tuple[int, dt.datetime | None]:
    """(stages already due at ``now``, when the next one is due; None: done for good).

    A worker that was down for a day does not read a post six times in a row: the stages it
    missed count as done by the one late read.
    """
    age = now - published_at
    done = sum(1 for stage in STAGES if stage <= age)
    return done, (published_at + STAGES[done] if done < len(STAGES) else None)


@dataclass
class SyncResult:
    posts: int = 0
    requests: int = 0
    imported: int = 0
    gone: int = 0
    error: str = ""
    blocked_until: dt.datetime | None = None


# --- finding the posts to follow ---------------------------------------------------------------


def _format_of(publication: Publication) -> str:
    kinds = {asset.kind for asset in publication.variant.story.media.all()}
    if "video" in kinds:
        return PostFormat.VIDEO
    return PostFormat.IMAGE if kinds else PostFormat.TEXT


def discover(now: dt.datetime | None = None, limit: int = 2000) -> int:
    """Start following every published post carecast made that is not followed yet."""
    now = now or timezone.now()
    found = (
        Publication.objects.filter(state=State.PUBLISHED, analytics_post__isnull=True)
        .exclude(remote_id="")
        .select_related("channel", "variant__story")
        .prefetch_related("variant__story__media")[:limit]
    )
    made = 0
    for publication in found:
        published_at = publication.published_at or now
        story = publication.variant.story
        # The import may have met it first (published between two reads): adopt that row.
        adopted = Post.objects.filter(
            channel=publication.channel, remote_id=publication.remote_id, publication=None
        ).update(publication=publication, imported=False, campaign=story.campaign_id)
        if adopted:
            continue
        try:
            with transaction.atomic():
                Post.objects.create(
                    organisation_id=publication.channel.organisation_id,
                    channel=publication.channel,
                    publication=publication,
                    campaign_id=story.campaign_id,
                    department_id=story.department_id or publication.channel.department_id,
                    remote_id=publication.remote_id,
                    url=publication.remote_url,
                    text=publication.text[:5000],
                    format=_format_of(publication),
                    published_at=published_at,
                    # First read at the first stage; found later than that: read it now.
                    next_sync_at=max(published_at + STAGES[0], now),
                )
        except IntegrityError:
            continue  # another worker made it a moment ago
        made += 1
    return made


# --- one channel ---------------------------------------------------------------------------------


def _store(posts: dict[str, Post], metrics: list[PostMetrics], now: dt.datetime) -> int:
    """One snapshot per post read; the post's latest counts and next stage move on."""
    snapshots, rows, gone = [], [], 0
    at = connection.ops.adapt_datetimefield_value(now)
    for item in metrics:
        post = posts.get(item.remote_id)
        if post is None:
            continue
        if item.gone:
            rows.append(_row(now, None, post.sync_stage, True, dict.fromkeys(METRICS), post.pk))
            gone += 1
            continue
        counts = item.counts()
        snapshots.append((post.pk, at, *(counts[m] for m in METRICS)))
        stage, next_at = schedule_after(post.published_at, now)
        rows.append(_row(now, next_at, stage, False, counts, post.pk))
    with transaction.atomic(), connection.cursor() as cursor:
        if snapshots:
            cursor.executemany(INSERT_SNAPSHOT, snapshots)
        _update_posts(cursor, rows)
    return gone


INSERT_SNAPSHOT = (
    "INSERT INTO analytics_metricsnapshot (post_id, taken_at, views, likes, comments, shares, "
    "saves, link_clicks) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)"
)
# Plain executemany for the two writes of every read: Django's bulk_create and bulk_update
# compile each row (bulk_update a CASE per column and row) and cost several times the HTTP
# requests they follow (bench/metric_sync). The column lists are pinned by the assert.
UPDATE_POST = (
    "UPDATE analytics_post SET last_synced_at = %s, next_sync_at = %s, sync_stage = %s, "
    "gone = %s, latest_views = %s, latest_likes = %s, latest_comments = %s, "
    "latest_shares = %s, latest_saves = %s, latest_link_clicks = %s WHERE id = %s"
)
assert METRICS == ("views", "likes", "comments", "shares", "saves", "link_clicks")


def _row(now, next_at, stage, gone, counts, pk) -> tuple:
    ops = connection.ops
    at = ops.adapt_datetimefield_value(now)
    following = ops.adapt_datetimefield_value(next_at) if next_at else None
    if gone:
        # A deleted post keeps its last numbers: only the bookkeeping changes.
        return ("gone", at, pk)
    return (at, following, stage, False, *(counts[m] for m in METRICS), pk)


def _update_posts(cursor, rows: list[tuple]) -> None:
    updates = [r for r in rows if r[0] != "gone"]
    gone = [r[1:] for r in rows if r[0] == "gone"]
    if updates:
        cursor.executemany(UPDATE_POST, updates)
    if gone:
        cursor.executemany(
            "UPDATE analytics_post SET last_synced_at = %s, gone = %s, next_sync_at = NULL "
            "WHERE id = %s",
            [(at, True, pk) for at, pk in gone],
        )


def _read_due(channel: Channel, connector, now: dt.datetime, result: SyncResult, budget: int):
    due = list(
        Post.objects.filter(channel=channel, gone=False, next_sync_at__lte=now)
        .order_by("next_sync_at")
        .only("id", "remote_id", "published_at", "sync_stage", "next_sync_at")[
            : budget * connector.metrics_batch
        ]
    )
    size = connector.metrics_batch
    read: dict[str, Post] = {}
    metrics: list[PostMetrics] = []
    try:
        for start in range(0, len(due), size):
            batch = {post.remote_id: post for post in due[start : start + size]}
            metrics += connector.fetch_metrics(list(batch))
            result.requests += 1
            read.update(batch)
            if len(read) >= WRITE_EVERY:
                result.gone += _store(read, metrics, now)
                result.posts += len(read)
                read, metrics = {}, []
    finally:
        # What was read before a 429 is kept; the rest waits for the next run.
        result.gone += _store(read, metrics, now)
        result.posts += len(read)


def _import(channel: Channel, recent: list[RemotePost], now: dt.datetime) -> int:
    """Posts of the account that carecast does not know yet: made directly on the network.

    Matched by remote id against what is followed already and against carecast's own
    publications (one not discovered yet is left to ``discover``), so nothing counts twice.
    Only posts still within the schedule (30 days) are taken. One listed without counts is
    due at once: the read right after the listing fetches them like any post's.
    """
    ids = [p.remote_id for p in recent]
    known = set(
        Post.objects.filter(channel=channel, remote_id__in=ids).values_list("remote_id", flat=True)
    )
    known |= set(
        Publication.objects.filter(channel=channel, remote_id__in=ids).values_list(
            "remote_id", flat=True
        )
    )
    made = 0
    for remote in recent:
        published_at = _parse_time(remote.created_at)
        if remote.remote_id in known or published_at is None or published_at < now - STAGES[-1]:
            continue
        known.add(remote.remote_id)  # listed twice when new posts shift an offset's pages
        if _import_one(channel, remote, published_at, now):
            made += 1
    return made


def _import_one(channel: Channel, remote: RemotePost, published_at, now: dt.datetime) -> bool:
    stage, next_at = schedule_after(published_at, now)
    if remote.metrics is None:
        stage, next_at = 0, now  # nothing read yet: read now, then on the schedule
    try:
        with transaction.atomic():
            post = Post.objects.create(
                organisation_id=channel.organisation_id, channel=channel,
                remote_id=remote.remote_id, url=remote.url[:1000], text=remote.text[:5000],
                format=remote.format, thumbnail_url=remote.thumbnail_url[:1000],
                department_id=channel.department_id, published_at=published_at, imported=True,
                sync_stage=stage, next_sync_at=next_at,
            )  # fmt: skip
    except IntegrityError:
        return False  # another worker imported it a moment ago
    if remote.metrics is not None:
        _store({post.remote_id: post}, [remote.metrics], now)
    return True


def _parse_time(value: str) -> dt.datetime | None:
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def _list_own_posts(connector, since: dt.datetime, result: SyncResult) -> list[RemotePost]:
    """The account's posts back to ``since``, page by page (at most ``IMPORT_PAGES``)."""
    posts: list[RemotePost] = []
    cursor: str | None = None
    for _page in range(IMPORT_PAGES):
        page = connector.fetch_recent_posts(cursor)
        result.requests += 1
        posts += page.posts
        times = [t for t in (_parse_time(p.created_at) for p in page.posts) if t]
        if not page.cursor or not page.posts or (times and min(times) < since):
            break
        cursor = page.cursor
    return posts


def _read_account(channel: Channel, connector, state: ChannelSync, now, result) -> None:
    if state.last_followers_at and now - state.last_followers_at < ACCOUNT_EVERY:
        return
    followers = connector.fetch_followers()
    result.requests += 1
    if followers is not None:
        FollowerCount.objects.create(channel=channel, taken_at=now, followers=followers)
    # The first listing goes back as far as posts are still read; later ones to the last
    # listing, with an overlap for posts a network lists late.
    since = now - STAGES[-1]
    if state.last_import_at:
        since = max(since, state.last_import_at - IMPORT_OVERLAP)
    result.imported += _import(channel, _list_own_posts(connector, since, result), now)
    state.last_followers_at = state.last_import_at = now


def sync_channel(channel: Channel, now: dt.datetime | None = None, connector=None) -> SyncResult:
    """Read what is due on one channel; errors are recorded on its ``ChannelSync``."""
    now = now or timezone.now()
    result = SyncResult()
    state, _ = ChannelSync.objects.get_or_create(channel=channel)
    if state.blocked_until and state.blocked_until > now:
        result.blocked_until = state.blocked_until
        return result
    own = connector is None
    connector = connector or channel.rules.connector(channel.account())
    if not getattr(connector, "supports_metrics", False):
        return result
    try:
        # The account first: a post listed without counts is then read in this same run.
        _read_account(channel, connector, state, now, result)
        _read_due(channel, connector, now, result, BUDGET.get(channel.network, DEFAULT_BUDGET))
        state.last_error, state.blocked_until = "", None
    except ConnectorError as exc:
        wait = dt.timedelta(seconds=exc.retry_after) if exc.retry_after else ERROR_PAUSE
        state.blocked_until = result.blocked_until = now + wait
        state.last_error = result.error = exc.message
        state.last_error_at = now
        log.info("metrics of channel %s: %s", channel.pk, exc.message)
    finally:
        if own:
            connector.close()
    state.save()
    return result


def metric_channels() -> list[Channel]:
    """Channels whose numbers can be read: active, on a network that offers them."""
    channels = Channel.objects.filter(status=ChannelStatus.ACTIVE).exclude(network="feed")
    return [c for c in channels.select_related("organisation") if _reads_metrics(c)]


def _reads_metrics(channel: Channel) -> bool:
    try:
        return bool(getattr(channel.rules.connector_type(), "supports_metrics", False))
    except (ConnectorError, KeyError):
        return False
