"""Connect flows, one per network, by network name (see ``base``).

A new network plugs in by adding its flow here; the Channels page offers every network
that has one.
"""

from __future__ import annotations

from carecast.networks.connect.base import (
    ConnectedAccount,
    ConnectError,
    Flow,
    FormFlow,
    OAuthFlow,
    Redirect,
)
from carecast.networks.connect.bluesky import BlueskyFlow
from carecast.networks.connect.feed import FeedFlow
from carecast.networks.connect.x import XFlow
from carecast.networks.facebook.connect import FacebookFlow
from carecast.networks.instagram.connect import InstagramFlow
from carecast.networks.linkedin.connect import LinkedInFlow
from carecast.networks.mastodon.connect import MastodonFlow
from carecast.networks.threads.connect import ThreadsFlow
from carecast.networks.tiktok.connect import TikTokFlow
from carecast.networks.youtube.connect import YouTubeFlow

FLOWS: dict[str, Flow] = {
    flow.network: flow
    for flow in (
        MastodonFlow(),
        BlueskyFlow(),
        XFlow(),
        FeedFlow(),
        FacebookFlow(),
        InstagramFlow(),
        ThreadsFlow(),
        LinkedInFlow(),
        TikTokFlow(),
        YouTubeFlow(),
    )
}


def flow_for(network: str) -> Flow:
    """The connect flow of ``network``; KeyError if it has none."""
    return FLOWS[network]


__all__ = [
    "FLOWS",
    "ConnectError",
    "ConnectedAccount",
    "Flow",
    "FormFlow",
    "OAuthFlow",
    "Redirect",
    "flow_for",
]
