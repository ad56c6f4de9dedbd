"""The explicit list of networks carecast knows. Model choices are built from it."""

from __future__ import annotations

from carecast.networks import (
    bluesky,
    facebook,
    feed,
    instagram,
    linkedin,
    mastodon,
    threads,
    tiktok,
    x,
    youtube,
)
from carecast.networks.base import Network

NETWORKS: dict[str, Network] = {
    network.name: network
    for network in (
        mastodon.Mastodon(),
        bluesky.Bluesky(),
        x.X(),
        feed.Feed(),
        facebook.Facebook(),
        instagram.Instagram(),
        threads.Threads(),
        linkedin.LinkedIn(),
        tiktok.TikTok(),
        youtube.YouTube(),
    )
}


def get(name: str) -> Network:
    """The network called ``name``; KeyError names the known ones."""
    try:
        return NETWORKS[name]
    except KeyError:
        raise KeyError(f"Unknown network {name!r}; known: {', '.join(sorted(NETWORKS))}") from None


def all_networks() -> list[Network]:
    return list(NETWORKS.values())


def choices() -> list[tuple[str, str]]:
    return [(n.name, n.label) for n in NETWORKS.values()]
