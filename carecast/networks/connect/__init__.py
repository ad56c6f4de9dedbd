"""Connect flows, one per network, by network name (see ``base``).

A new network plugs in by adding its flow here ("module:Class"); the Channels page offers
every network that has one.
"""

from __future__ import annotations

from collections.abc import Mapping

from carecast.networks.connect.base import (
    ConnectedAccount,
    ConnectError,
    Flow,
    FormFlow,
    LazyFlows,
    OAuthFlow,
    Redirect,
)

# Every network's flow as "module:Class", imported on first use: a flow module imports
# ``connect.base`` (and so this package), so importing the flows here at once would make
# importing a flow module first circular.
FLOWS: Mapping[str, Flow] = LazyFlows(
    (
        "carecast.networks.mastodon.connect:MastodonFlow",
        "carecast.networks.bluesky.connect:BlueskyFlow",
        "carecast.networks.x.connect:XFlow",
        "carecast.networks.feed.connect:FeedFlow",
        "carecast.networks.facebook.connect:FacebookFlow",
        "carecast.networks.instagram.connect:InstagramFlow",
        "carecast.networks.threads.connect:ThreadsFlow",
        "carecast.networks.linkedin.connect:LinkedInFlow",
        "carecast.networks.tiktok.connect:TikTokFlow",
        "carecast.networks.youtube.connect:YouTubeFlow",
    )
)


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
