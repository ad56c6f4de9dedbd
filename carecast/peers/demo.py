"""The demo's peer hospitals: four public profiles on the sandbox (followers and recent posts
with counts, so "read all profiles now" works), a year of daily counts for them and for our
own Mastodon and Bluesky channels (from carecast's own follower counts and posts)."""

from __future__ import annotations

import datetime as dt
import random
from urllib.parse import urlsplit

import httpx
from django.db.models import F
from django.utils import timezone

from carecast.analytics.models import FollowerCount, Post
from carecast.networks.models import Channel
from carecast.peers.models import Peer, PeerDay

# (network, handle, name, followers today, interactions per post, posts per week)
PEERS = [
    ("mastodon", "uniklinik_nord", "Universitätsklinikum Nord", 5200, 9.5, 5),
    ("bluesky", "klinikum-sued.example", "Städtisches Klinikum Süd", 2100, 4.2, 3),
    ("mastodon", "kkh_am_see", "Kreiskrankenhaus am See", 820, 3.1, 2),
    ("bluesky", "klinikverbund-west.example", "Klinikverbund West", 3900, 2.4, 7),
]
DAYS = 365


def seed_peers(organisation, sandbox_url: str, today: dt.date | None = None, seed: int = 14) -> int:
    """Once: the peers on the sandbox and in carecast, and a year of days; returns profiles."""
    if Peer.objects.filter(organisation=organisation).exists():
        return 0
    today = today or timezone.localdate()
    rng = random.Random(seed)
    host = urlsplit(sandbox_url).netloc
    for network, handle, name, followers, per_post, weekly in PEERS:
        _on_sandbox(sandbox_url, network, handle, name, followers, per_post, weekly, today, rng)
        peer = Peer.objects.create(
            organisation=organisation,
            network=network,
            handle=f"{handle}@{host}" if network == "mastodon" else handle,
            api_url=sandbox_url,
            name=name,
        )
        _history(peer, followers, per_post, weekly, today, rng)
    for channel in Channel.objects.filter(
        organisation=organisation, network__in=("mastodon", "bluesky")
    ):
        _own(organisation, channel, today, rng)
    return len(PEERS)


def _on_sandbox(url, network, handle, name, followers, per_post, weekly, today, rng) -> None:
    account = {"network": network, "handle": handle, "token": f"peer-{handle}"}
    account.update(display_name=name, options={"followers_count": followers})
    if network == "bluesky":
        account["password"] = f"peer-{handle}"
    httpx.post(f"{url}/_sandbox/accounts", json=account, timeout=10).raise_for_status()
    for n in range(weekly * 6):  # six weeks of posts, oldest first
        when = dt.datetime.combine(today, dt.time(10), tzinfo=dt.UTC) - dt.timedelta(
            days=42 - n * 7 / weekly
        )
        total = max(0, int(rng.gauss(per_post, per_post / 3)))
        if network == "mastodon":
            counts = {"favourites_count": total * 6 // 10, "reblogs_count": total * 3 // 10}
            counts["replies_count"] = total - counts["favourites_count"] - counts["reblogs_count"]
        else:
            counts = {"likeCount": total * 7 // 10, "repostCount": total * 2 // 10}
            counts["replyCount"] = total - counts["likeCount"] - counts["repostCount"]
        post = {"network": network, "handle": handle, "text": f"{name}: Neuigkeiten {n + 1}"}
        post.update(created_at=when.isoformat().replace("+00:00", "Z"), counts=counts)
        httpx.post(f"{url}/_sandbox/public-posts", json=post, timeout=10).raise_for_status()


def _history(peer, followers, per_post, weekly, today, rng) -> None:
    rows, count = [], followers / 1.25  # a quarter more followers than a year ago
    growth = 1.25 ** (1 / DAYS)
    for back in range(DAYS, 0, -1):
        count *= growth * rng.uniform(0.999, 1.001)
        sampled = 40
        rows.append(
            PeerDay(
                peer=peer,
                day=today - dt.timedelta(days=back),
                followers=int(count),
                posts_total=400,
                posts_sampled=sampled,
                posts_last_30_days=max(0, int(rng.gauss(weekly * 30 / 7, 1.5))),
                interactions=int(sampled * per_post * rng.uniform(0.85, 1.15)),
            )
        )
    PeerDay.objects.bulk_create(rows)


def _own(organisation, channel, today, rng) -> None:
    """Our channel's days from carecast's own numbers: followers and its last 40 posts."""
    peer = Peer.objects.create(
        organisation=organisation,
        network=channel.network,
        handle=f"{channel.handle}@{urlsplit(channel.base_url).netloc}",
        api_url=channel.base_url,
        name=channel.name,
        channel=channel,
    )
    followers = dict(
        FollowerCount.objects.filter(channel=channel)
        .order_by("taken_at")
        .values_list("taken_at__date", "followers")
    )
    posts = list(
        Post.objects.filter(channel=channel)
        .annotate(total=F("latest_likes") + F("latest_shares") + F("latest_comments"))
        .order_by("published_at")
        .values_list("published_at", "total")
    )
    rows = []
    for back in range(DAYS, 0, -1):
        day = today - dt.timedelta(days=back)
        recent = [t for when, t in posts if when.date() <= day and t is not None][-40:]
        month = sum(1 for when, _t in posts if day - dt.timedelta(days=30) < when.date() <= day)
        rows.append(
            PeerDay(
                peer=peer,
                day=day,
                followers=followers.get(day),
                posts_total=sum(1 for when, _t in posts if when.date() <= day),
                posts_sampled=len(recent),
                posts_last_30_days=month,
                interactions=sum(recent) if recent else None,
            )
        )
    PeerDay.objects.bulk_create(rows)
