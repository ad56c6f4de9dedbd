"""What people and the daily task do with peer profiles: add one, count them, keep our own in.

Counting happens once a day (``tasks.count_peers``) and when a profile is added, so a
typo is answered at once instead of the next morning.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from carecast.core.audit import record as audit
from carecast.networks.models import Channel, ChannelStatus
from carecast.peers import fetch as fetcher
from carecast.peers.models import Peer, PeerDay
from carecast.peers.profiles import BLUESKY_PUBLIC_API, ProfileInputError, ProfileRef, parse

log = logging.getLogger(__name__)
COMPARABLE_NETWORKS = ("mastodon", "bluesky")


def instagram_via(organisation) -> fetcher.Via | None:
    """Our own connected Instagram professional account, through which Business Discovery asks."""
    channel = (
        Channel.objects.filter(organisation=organisation, network="instagram")
        .exclude(status=ChannelStatus.ARCHIVED)
        .exclude(remote_user_id="")
        .order_by("status", "pk")  # an active one before a paused one
        .first()
    )
    if channel is None:
        return None
    token = channel.get_credentials().get("access_token", "")
    return fetcher.Via(channel.base_url, channel.remote_user_id, token)


def _via(organisation, network: str) -> fetcher.Via | None:
    return instagram_via(organisation) if network == "instagram" else None


def add_peer(organisation, network: str, text: str, server: str, name: str, user) -> Peer:
    """Add another hospital's public profile; its counts are read at once.

    Raises ``ProfileInputError`` (a message for the person) when the input names no profile,
    the profile is already there, or the server does not know it; nothing is saved then.
    """
    ref = parse(network, text, server)
    if Peer.objects.filter(organisation=organisation, network=network, handle=ref.handle).exists():
        raise ProfileInputError(_("This profile is already in the comparison."))
    try:
        counts = fetcher.fetch(ref, _via(organisation, network))
    except fetcher.PeerFetchError as exc:
        raise ProfileInputError(exc.message) from exc
    try:
        with transaction.atomic():
            peer = Peer.objects.create(
                organisation=organisation,
                network=network,
                handle=ref.handle,
                api_url=ref.api_url,
                name=name.strip() or counts.name or ref.handle,
                added_by=user,
            )
            _store(peer, counts, timezone.now())
    except IntegrityError as exc:  # added twice at the same moment
        raise ProfileInputError(_("This profile is already in the comparison.")) from exc
    audit(organisation, "peer.added", peer.name, user, network=network, handle=ref.handle)
    return peer


def remove_peer(peer: Peer, user) -> None:
    audit(peer.organisation, "peer.removed", peer.name, user, handle=peer.handle)
    peer.delete()


def ref_for(peer: Peer) -> ProfileRef:
    account = peer.handle.split("@")[0] if peer.network == "mastodon" else peer.handle
    return ProfileRef(peer.network, peer.handle, peer.api_url, account)


def count(peer: Peer, now: datetime | None = None) -> bool:
    """Read one profile and store today's counts; a failure is kept on the profile."""
    now = now or timezone.now()
    try:
        counts = fetcher.fetch(ref_for(peer), _via(peer.organisation, peer.network))
    except fetcher.PeerFetchError as exc:
        peer.last_error, peer.fetched_at = exc.message, now
        peer.save(update_fields=["last_error", "fetched_at"])
        return False
    _store(peer, counts, now)
    return True


def _store(peer: Peer, counts: fetcher.ProfileCounts, now: datetime) -> PeerDay:
    month_ago = now - timedelta(days=30)
    recent = counts.recent
    day, _created = PeerDay.objects.update_or_create(
        peer=peer,
        day=now.date(),
        defaults={
            "followers": counts.followers,
            "posts_total": counts.posts_total,
            "posts_sampled": len(recent),
            # Only meaningful if the sample reaches back 30 days or holds every post.
            "posts_last_30_days": _posts_since(recent, month_ago, counts.posts_total),
            "interactions": sum(p.interactions for p in recent) if recent else None,
        },
    )
    peer.remote_id, peer.profile_url = counts.remote_id, counts.profile_url
    peer.fetched_at, peer.last_error = now, ""
    peer.save(update_fields=["remote_id", "profile_url", "fetched_at", "last_error"])
    return day


def _posts_since(
    recent: list[fetcher.RecentPost], since: datetime, total: int | None
) -> int | None:
    inside = sum(1 for p in recent if p.created_at >= since)
    reaches_back = any(p.created_at < since for p in recent)
    holds_all = total is not None and len(recent) >= total
    if inside < len(recent) or reaches_back or holds_all or not recent:
        return inside
    return None  # every sampled post is recent: there may be more we did not read


def ensure_own(organisation) -> list[Peer]:
    """Our own Mastodon and Bluesky channels, counted the same public way as the peers."""
    own = []
    channels = Channel.objects.filter(
        organisation=organisation, network__in=COMPARABLE_NETWORKS
    ).exclude(status=ChannelStatus.ARCHIVED)
    for channel in channels:
        if not channel.handle or not channel.base_url:
            continue
        if channel.network == "mastodon":
            handle = f"{channel.handle.lstrip('@').split('@')[0]}@{_host(channel.base_url)}"
            api = channel.base_url
        else:
            handle = channel.handle.lstrip("@")
            api = channel.base_url if channel.is_sandbox else BLUESKY_PUBLIC_API
        peer, _created = Peer.objects.update_or_create(
            organisation=organisation,
            network=channel.network,
            handle=handle,
            defaults={"channel": channel, "api_url": api.rstrip("/"), "name": channel.name},
        )
        own.append(peer)
    return own


def _host(url: str) -> str:
    from urllib.parse import urlsplit

    return urlsplit(url).netloc


def count_all(organisation, now: datetime | None = None) -> tuple[int, int]:
    """Every profile of the organisation (own channels included): (counted, failed)."""
    ensure_own(organisation)
    ok = failed = 0
    for peer in Peer.objects.filter(organisation=organisation):
        if count(peer, now):
            ok += 1
        else:
            failed += 1
    return ok, failed


def today(now: datetime | None = None) -> date:
    return (now or timezone.now()).date()
