"""Which network, channel and campaign brought a visitor: read from UTM parameters.

Our tracked links send ``utm_source=<network>``, ``utm_campaign=<campaign slug>`` and
``utm_content=c<channel id>``; applicant systems and web analytics hand those back, often
re-spelled ("Facebook", "twitter", "fb"), so matching is forgiving.
"""

from __future__ import annotations

from dataclasses import dataclass

from carecast.analytics.links import campaign_slug
from carecast.networks.models import Channel, ChannelStatus
from carecast.stories.models import Campaign

ALIASES = {
    "twitter": "x",
    "t.co": "x",
    "x.com": "x",
    "fb": "facebook",
    "facebook.com": "facebook",
    "ig": "instagram",
    "instagram.com": "instagram",
    "li": "linkedin",
    "lnkd.in": "linkedin",
    "linkedin.com": "linkedin",
    "bsky": "bluesky",
    "bsky.app": "bluesky",
    "threads.net": "threads",
    "yt": "youtube",
    "youtube.com": "youtube",
    "tiktok.com": "tiktok",
}
NETWORK_NAMES = (
    "mastodon",
    "bluesky",
    "x",
    "facebook",
    "instagram",
    "threads",
    "linkedin",
    "youtube",
    "tiktok",
)


def network_for(label: str) -> str:
    """Our network name for a source label ("Facebook", "twitter", "l.instagram.com"), or ""."""
    key = label.strip().lower().removeprefix("www.")
    if key in NETWORK_NAMES:
        return key
    return ALIASES.get(key, "")


@dataclass
class Match:
    network: str = ""
    channel: Channel | None = None
    campaign: Campaign | None = None


class Matcher:
    """Matches UTM values of one organisation; reads its channels and campaigns once."""

    def __init__(self, organisation_id: int) -> None:
        self.channels = list(
            Channel.objects.filter(organisation_id=organisation_id).exclude(network="feed")
        )
        self.campaigns = {
            campaign_slug(c): c for c in Campaign.objects.filter(organisation_id=organisation_id)
        }

    def campaign(self, utm_campaign: str) -> Campaign | None:
        return self.campaigns.get(utm_campaign.strip().lower().lstrip("#"))

    def match(self, utm_source: str, utm_campaign: str = "", utm_content: str = "") -> Match:
        network = network_for(utm_source)
        return Match(network, self._channel(network, utm_content), self.campaign(utm_campaign))

    def _channel(self, network: str, utm_content: str) -> Channel | None:
        content = utm_content.strip().lower()
        if content.startswith("c") and content[1:].isdigit():
            for channel in self.channels:
                if channel.pk == int(content[1:]):
                    return channel
        # Without our marker, a network with a single active channel still names it.
        active = [
            c for c in self.channels if c.network == network and c.status != ChannelStatus.ARCHIVED
        ]
        return active[0] if network and len(active) == 1 else None
