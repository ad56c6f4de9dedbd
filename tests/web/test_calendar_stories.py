"""Redaktionsplan: one card per story and day (not one per channel), its networks and states
visible, automatic posts marked, the per-channel posts one click away; no query per card."""

from __future__ import annotations

import datetime as dt

import pytest

from carecast.publishing.models import Publication, State
from carecast.stories.services import save_story
from tests.web.conftest import BERLIN

TITLE = "Neue Stroke Unit eröffnet: was Patientinnen und Angehörige jetzt wissen sollten"
DAY = dt.date(2026, 11, 19)  # the Thursday after WEDNESDAY_MORNING


@pytest.fixture
def channels(channel_factory):
    networks = [("mastodon", "Mastodon"), ("bluesky", "Bluesky"), ("x", "X")]
    return [
        channel_factory(network, f"{label} – Klinikum {n}", handle=f"{network}{n}")
        for n in range(7)
        for network, label in networks
    ]


def story_on(org, channels, title=TITLE, states=None, hour=9):
    story = save_story(org, title=title, text=f"{title}.", channels=channels)
    made = []
    for minute, variant in enumerate(story.variants.order_by("channel__pk")):
        due = dt.datetime.combine(DAY, dt.time(hour, minute), tzinfo=BERLIN)
        state = (states or {}).get(variant.channel_id, State.SCHEDULED)
        made.append(
            Publication.objects.create(
                variant=variant, channel=variant.channel, state=state, due_at=due, text=variant.text
            )
        )
    return made


def cards(body: str) -> list[str]:
    return body.split('<li class="cal-card')[1:]


def story_cards(body: str) -> list[str]:
    """Each story card with the posts inside it."""
    return [
        " cal-story" + chunk.split("</details>")[0]
        for chunk in body.split('<li class="cal-card cal-story')[1:]
    ]


def test_twenty_one_channels_make_one_card_in_the_week(wednesday, anna_client, org, channels):
    made = story_on(org, channels)
    response = anna_client.get(f"/calendar/?date={DAY.isoformat()}")
    day = next(d for d in response.context["period"].days if d.date == DAY)
    assert len(day.publications) == 21 and len(day.stories) == 1
    body = response.content.decode()
    [card] = story_cards(body)
    # The whole title once on the card (the posts inside do not repeat it), never cut.
    assert body.count(TITLE) == 1 and f'<span class="cal-card-title">{TITLE}</span>' in card
    # A label per network with its number of channels (and each post's own inside).
    head = card.split("<details")[0]
    assert head.count('class="net net-') == 3 and "Mastodon ×7" in head and "X ×7" in head
    assert card.count('class="net net-') == 3 + 21
    assert "09:00</time>–<time" in card and "09:20" in card
    assert "21 Beiträge, einer pro Kanal" in card and "<details" in card
    assert "21 geplant" in card.split('class="cal-story-states">')[1].split("</a>")[0]
    assert f'href="/stories/{made[0].variant.story_id}/"' in card
    # Expanded, every channel's post is there with its own link.
    for publication in made:
        assert f'href="/publications/{publication.pk}/"' in card


def test_it_says_how_many_posts_are_in_which_state(wednesday, anna_client, org, channels):
    trouble = {channels[0].pk: State.FAILED, channels[1].pk: State.PUBLISHED}
    story_on(org, channels[:4], states=trouble)
    body = anna_client.get(f"/calendar/?date={DAY.isoformat()}").content.decode()
    [card] = story_cards(body)
    assert card.startswith(" cal-story state-border-failed")  # trouble colours the edge
    assert "net-mastodon cal-net-trouble" in card.split("<details")[0]
    states = card.split('class="cal-story-states">')[1].split("</a>")[0]
    assert "1 fehlgeschlagen" in states and "1 veröffentlicht" in states
    assert "2 geplant" in states


def test_a_story_on_one_channel_keeps_its_single_card(wednesday, anna_client, org, channels):
    story_on(org, channels[:1], title="Tag der offenen Tür")
    body = anna_client.get(f"/calendar/?date={DAY.isoformat()}").content.decode()
    [card] = cards(body)
    assert not card.startswith(" cal-story") and "Tag der offenen Tür" in card


def test_automatic_posts_mark_their_story_card(wednesday, anna_client, org, channels):
    from carecast.automation.models import AutoPost

    auto = story_on(org, channels[:3], title="Stellenangebot: Pflegefachkraft", hour=8)
    story_on(org, channels[3:6], title="Weltdiabetestag", hour=11)
    AutoPost.objects.create(
        channel=channels[0], status=AutoPost.Status.SCHEDULED, publication=auto[0]
    )
    body = anna_client.get(f"/calendar/?date={DAY.isoformat()}").content.decode()
    heads = {
        card.split('class="cal-card-title">')[1].split("<")[0]: "automatisch"
        in card.split("<details")[0]
        for card in cards(body)
        if card.startswith(" cal-story")
    }
    assert heads == {"Stellenangebot: Pflegefachkraft": True, "Weltdiabetestag": False}


def test_the_month_view_groups_too(wednesday, anna_client, org, channels):
    story_on(org, channels)
    response = anna_client.get(f"/calendar/?view=month&date={DAY.isoformat()}")
    body = response.content.decode()
    assert len(story_cards(body)) == 1
    assert body.count(TITLE) == 1


def test_queries_do_not_grow_with_stories_or_channels(
    wednesday, anna_client, org, channels, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    story_on(org, channels[:2])
    anna_client.get("/calendar/")  # the sign-in's one-time two-factor check
    with CaptureQueriesContext(connection) as few:
        anna_client.get(f"/calendar/?date={DAY.isoformat()}")
    story_on(org, channels, title="Zweite Story", hour=13)
    story_on(org, channels[5:], title="Dritte Story", hour=15)
    with django_assert_num_queries(len(few)):
        anna_client.get(f"/calendar/?date={DAY.isoformat()}")
    with django_assert_num_queries(len(few)):
        anna_client.get(f"/calendar/?view=month&date={DAY.isoformat()}")
