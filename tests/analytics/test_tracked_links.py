"""Tracked links: every link in a post goes out as /l/<code>; people's clicks are counted
per day and network, link-preview fetchers' are not, and nothing about the visitor is kept."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from carecast.analytics import clicks
from carecast.analytics.links import track_text
from carecast.analytics.models import LinkClickDay, TrackedLink
from carecast.publishing import dispatch, services
from carecast.publishing.models import State
from carecast.stories.models import Campaign

BERLIN = ZoneInfo("Europe/Berlin")
FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
SAFARI = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)
# As the networks' fetchers send them.
BOTS = [
    "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
    "Twitterbot/1.0",
    "http.rb/5.2.0 (Mastodon/4.3.2; +https://social.bund.de/)",
    "Mozilla/5.0 (compatible; Bluesky Cardyb/1.1; +mailto:support@bsky.app)",
    "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
    "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)",
    "WhatsApp/2.23.20.0",
    "TelegramBot (like TwitterBot)",
    "Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)",
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "python-httpx/0.27.0",
    "curl/8.5.0",
    "",
]


@pytest.fixture
def public_org(org):
    org.public_url = "https://carecast.klinikum.test"
    org.save()
    return org


@pytest.fixture
def published(public_org, channel_on, story_for, sandbox, time_machine):
    """A Mastodon post with a hand-written link in the #GameChanger campaign, sent out."""
    time_machine.move_to(dt.datetime(2027, 3, 1, 9, 0, tzinfo=BERLIN), tick=False)
    campaign = Campaign.objects.create(organisation=public_org, name="#GameChanger")
    channel = channel_on("mastodon")
    story = story_for(
        channel, text="Pflege mit Zukunft: https://www.klinikum.test/karriere?team=pflege."
    )
    story.campaign = campaign
    story.save()
    publication = services.schedule(story.variants.get(), timezone.now())
    dispatch.publish_one(publication.pk)
    publication.refresh_from_db()
    assert publication.state == State.PUBLISHED
    return publication


def test_it_sends_links_as_tracked_links_and_keeps_the_sentence(published, sandbox):
    [post] = sandbox.posts("mastodon")
    [link] = TrackedLink.objects.all()
    assert f"https://carecast.klinikum.test/l/{link.code}." in post["text"] or (
        f"https://carecast.klinikum.test/l/{link.code}." in post.get("status", "")
    )
    assert link.target_url == "https://www.klinikum.test/karriere?team=pflege"
    assert (link.utm_source, link.utm_campaign) == ("mastodon", "gamechanger")
    # What we stored as the publication's text stays what the team wrote.
    assert "klinikum.test/karriere" in published.text


def test_it_builds_the_same_text_on_every_attempt(published):
    """A retry after an unknown outcome looks its post up by text: the code must not change."""
    first = track_text(published, published.text)
    assert track_text(published, published.text) == first
    assert TrackedLink.objects.count() == 1


def test_it_leaves_links_alone_without_a_public_address(org, channel_on, story_for, sandbox):
    channel = channel_on("mastodon")
    story = story_for(channel, text="Mehr: https://www.klinikum.test/mrt")
    publication = services.schedule(story.variants.get(), timezone.now())
    assert track_text(publication, publication.text) == publication.text
    assert not TrackedLink.objects.exists()


def test_it_sends_the_original_link_when_the_tracked_one_would_not_fit(
    public_org, channel_on, story_for, sandbox
):
    channel = channel_on("bluesky")
    text = "x" * 270 + " https://kl.test/a"  # 288 graphemes; a tracked link makes it > 300
    publication = services.schedule(story_for(channel, text=text).variants.get(), timezone.now())
    assert track_text(publication, text) == text


def test_it_redirects_with_utm_and_counts_a_persons_click(published, client, time_machine):
    link = TrackedLink.objects.get()
    time_machine.move_to(dt.datetime(2027, 3, 2, 23, 30, tzinfo=BERLIN), tick=False)
    response = client.get(f"/l/{link.code}", HTTP_USER_AGENT=FIREFOX)
    assert response.status_code == 302
    target = urlsplit(response["Location"])
    assert target.netloc == "www.klinikum.test"
    query = parse_qs(target.query)
    assert query["team"] == ["pflege"]
    assert query["utm_source"] == ["mastodon"]
    assert query["utm_medium"] == ["social"]
    assert query["utm_campaign"] == ["gamechanger"]
    assert query["utm_content"] == [f"c{published.channel_id}"]
    assert response["Cache-Control"] == "no-store"
    # 23:30 in Berlin is still 2 March there (22:30 UTC): the organisation's day counts.
    [row] = LinkClickDay.objects.all()
    assert (row.day, row.network, row.clicks) == (dt.date(2027, 3, 2), "mastodon", 1)


@pytest.mark.parametrize("agent", BOTS)
def test_it_does_not_count_link_preview_fetchers_and_bots(published, client, agent):
    link = TrackedLink.objects.get()
    response = client.get(f"/l/{link.code}", HTTP_USER_AGENT=agent)
    assert response.status_code == 302  # the card still gets drawn
    assert not LinkClickDay.objects.exists()


def test_it_counts_people_and_not_bots_side_by_side(published, client):
    link = TrackedLink.objects.get()
    for agent in [FIREFOX, BOTS[0], SAFARI, BOTS[1], FIREFOX]:
        client.get(f"/l/{link.code}", HTTP_USER_AGENT=agent)
    client.head(f"/l/{link.code}", HTTP_USER_AGENT=FIREFOX)
    assert LinkClickDay.objects.get().clicks == 3


def test_it_keeps_nothing_about_the_visitor(published, client):
    link = TrackedLink.objects.get()
    client.get(f"/l/{link.code}", HTTP_USER_AGENT=FIREFOX, REMOTE_ADDR="203.0.113.7")
    row = LinkClickDay.objects.values().get()
    assert set(row) == {"id", "link_id", "day", "network", "clicks"}


def test_it_answers_404_for_an_unknown_code(org, client):
    assert client.get("/l/nope", HTTP_USER_AGENT=FIREFOX).status_code == 404


def test_it_reads_the_network_from_the_referrer_for_a_link_without_channel(public_org):
    link = TrackedLink(organisation=public_org, code="x", utm_source="", target_url="https://a")
    assert clicks.network_of(link, "https://t.co/abc") == "x"
    assert clicks.network_of(link, "https://l.facebook.com/l.php?u=1") == "facebook"
    assert clicks.network_of(link, "") == ""
    assert not clicks.is_bot(FIREFOX) and not clicks.is_bot(SAFARI)


def test_the_storys_link_card_is_tracked_with_the_same_code(published):
    from carecast.publishing.dispatch import build_request

    story = published.variant.story
    story.link = "https://www.klinikum.test/karriere?team=pflege"
    story.save()
    published.refresh_from_db()
    request = build_request(published)
    [link] = TrackedLink.objects.all()
    assert request.link == f"https://carecast.klinikum.test/l/{link.code}"
    assert f"/l/{link.code}" in request.text
