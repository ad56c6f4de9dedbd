"""Tracked links: every link in a post goes out as ``<public address>/l/<code>``.

The redirect adds UTM parameters (network, ``social``, campaign) so the website's analytics
and the applicant system see where a visitor came from, and counts the click per day and
network. Nothing about the visitor is stored: no address, no agent, no cookie.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.conf import settings
from django.utils.text import slugify

from carecast.analytics.models import TrackedLink
from carecast.networks.models import Channel
from carecast.publishing.models import Publication
from carecast.stories.models import Campaign

# A link ends at white space or a character that cannot be part of it in running text.
URL_RE = re.compile(r"https?://[^\s<>\"'«»„“”]+", re.IGNORECASE)
# Punctuation after a link belongs to the sentence, not to the address.
TRAILING = ".,;:!?)]}"
DEFAULT_CAMPAIGN = "carecast"


def campaign_slug(campaign: Campaign | None) -> str:
    """The ``utm_campaign`` value of a campaign: "#GameChanger" → "gamechanger"."""
    if campaign is None:
        return DEFAULT_CAMPAIGN
    return slugify(campaign.name.lstrip("#")) or f"campaign-{campaign.pk}"


def public_base(channel: Channel) -> str:
    """Where the outside world reaches carecast (set on the setup page).

    Without it nobody outside could follow a ``/l/`` link, so links then go out untracked.
    """
    return channel.organisation.public_url.rstrip("/")


def code_for(publication_id: int, url: str) -> str:
    """A short code that is the same on every attempt of one publication.

    Derived, not random: a retry builds the very same text, so looking a post up by its
    text (``find_existing``) keeps working after an unknown outcome.
    """
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"{publication_id}|{url}".encode(), hashlib.sha256
    ).digest()
    return base64.urlsafe_b64encode(digest[:8]).decode().rstrip("=").replace("-", "x")[:10]


def split_url(match: str) -> tuple[str, str]:
    """The address and the punctuation after it."""
    url = match.rstrip(TRAILING)
    # A closing bracket that opens inside the address is part of it (Wikipedia-style).
    while match[len(url) :].startswith(")") and url.count("(") > url.count(")"):
        url += ")"
    return url, match[len(url) :]


def with_utm(target: str, source: str, medium: str, campaign: str, content: str = "") -> str:
    """``target`` with our UTM parameters (any earlier ones replaced)."""
    parts = urlsplit(target)
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not k.startswith("utm_")
    ]
    query += [("utm_source", source), ("utm_medium", medium), ("utm_campaign", campaign)]
    if content:
        query.append(("utm_content", content))
    return urlunsplit(parts._replace(query=urlencode(query)))


def link_for(publication: Publication, url: str) -> TrackedLink:
    """The tracked link of ``url`` in ``publication`` (made once, found on every retry)."""
    channel = publication.channel
    campaign = publication.variant.story.campaign
    link, _ = TrackedLink.objects.get_or_create(
        code=code_for(publication.pk, url),
        defaults={
            "organisation_id": channel.organisation_id,
            "target_url": url,
            "channel": channel,
            "campaign": campaign,
            "publication": publication,
            "utm_source": channel.network,
            "utm_campaign": campaign_slug(campaign),
        },
    )
    return link


def track_text(publication: Publication, text: str) -> str:
    """``text`` with each link replaced by its tracked link, if the post still fits.

    A tracked link can be longer than the original (Bluesky counts every character): when
    the rewritten post would not fit the network, the original goes out untracked rather
    than failing. Links already pointing at ``/l/`` stay as they are.
    """
    base = public_base(publication.channel)
    if not base or publication.pk is None or publication.channel.network == "feed":
        return text
    own = f"{base}/l/"

    def replace(match: re.Match[str]) -> str:
        url, tail = split_url(match.group(0))
        if url.startswith(own) or len(url) > 2000:
            return match.group(0)
        return f"{base}/l/{link_for(publication, url).code}{tail}"

    tracked = URL_RE.sub(replace, text)
    channel = publication.channel
    if channel.rules.count_text(tracked) > channel.text_limit:
        return text
    return tracked


def track_link(publication: Publication, url: str) -> str:
    """The story's link (sent apart from the text, e.g. for Facebook's link card) tracked too.

    The same code as the same address in the text: one link, one count.
    """
    base = public_base(publication.channel)
    if not url or not base or publication.pk is None or publication.channel.network == "feed":
        return url
    if url.startswith(f"{base}/l/") or len(url) > 2000:
        return url
    return f"{base}/l/{link_for(publication, url).code}"


def redirect_target(link: TrackedLink) -> str:
    """Where ``/l/<code>`` sends the visitor; ``utm_content`` names the channel (c<id>)."""
    content = f"c{link.channel_id}" if link.channel_id else ""
    return with_utm(link.target_url, link.utm_source, link.utm_medium, link.utm_campaign, content)
