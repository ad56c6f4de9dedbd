"""Counting clicks on tracked links: people yes, link-preview fetchers and other bots no.

A network fetches every link once or many times to draw its preview card (Facebook, X,
Mastodon — each server that shows the post —, Bluesky's Cardyb, Slack, LinkedIn …); counting
those would turn every post into dozens of "clicks". The agent is read, matched and dropped.
"""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlsplit

from django.db import IntegrityError, transaction
from django.db.models import F

from carecast.analytics.models import LinkClickDay, TrackedLink

# Fetchers that announce themselves; each name as it appears in the User-Agent header.
PREVIEW_FETCHERS = (
    "facebookexternalhit",
    "facebookcatalog",
    "meta-externalagent",
    "meta-externalfetcher",
    "twitterbot",
    "mastodon",  # "http.rb/… (Mastodon/4.3; +https://server/)"
    "pleroma",
    "akkoma",
    "misskey",
    "cardyb",  # Bluesky's card fetcher
    "bluesky",
    "slackbot",
    "slack-imgproxy",
    "linkedinbot",
    "whatsapp",
    "telegrambot",
    "discordbot",
    "skypeuripreview",
    "microsoftpreview",
    "redditbot",
    "pinterestbot",
    "embedly",
    "iframely",
    "applebot",
    "googlebot",
    "google-inspectiontool",
    "bingbot",
    "yandex",
    "duckduckbot",
    "ahrefsbot",
    "semrushbot",
)
# Anything else that calls itself a bot, or is a library rather than a browser.
GENERIC = re.compile(
    r"bot\b|bot/|crawl|spider|preview|scrape|headless|http\.rb|python-|python/|curl/|wget/"
    r"|go-http-client|okhttp|java/|libwww|node-fetch|axios/|httpx",
    re.IGNORECASE,
)

# Where a click came from when the link's channel does not say (a link shared by hand).
REFERRERS = {
    "t.co": "x",
    "x.com": "x",
    "twitter.com": "x",
    "facebook.com": "facebook",
    "l.facebook.com": "facebook",
    "lm.facebook.com": "facebook",
    "m.facebook.com": "facebook",
    "instagram.com": "instagram",
    "l.instagram.com": "instagram",
    "threads.net": "threads",
    "l.threads.net": "threads",
    "threads.com": "threads",
    "linkedin.com": "linkedin",
    "lnkd.in": "linkedin",
    "bsky.app": "bluesky",
    "youtube.com": "youtube",
    "tiktok.com": "tiktok",
}


def is_bot(user_agent: str) -> bool:
    """True for link-preview fetchers, crawlers and HTTP libraries (and an empty agent)."""
    agent = user_agent.strip().lower()
    if not agent:
        return True
    return any(name in agent for name in PREVIEW_FETCHERS) or bool(GENERIC.search(agent))


def network_of(link: TrackedLink, referrer: str) -> str:
    if link.channel_id is not None and link.utm_source:
        return link.utm_source
    host = (urlsplit(referrer).hostname or "").lower().removeprefix("www.")
    return REFERRERS.get(host, "")


def count(link: TrackedLink, day: dt.date, network: str) -> None:
    """One more click on ``day`` from ``network``; safe when two clicks race."""
    row = LinkClickDay.objects.filter(link=link, day=day, network=network)
    if row.update(clicks=F("clicks") + 1):
        return
    try:
        with transaction.atomic():
            LinkClickDay.objects.create(link=link, day=day, network=network, clicks=1)
    except IntegrityError:
        row.update(clicks=F("clicks") + 1)
