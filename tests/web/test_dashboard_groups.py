""" "Nächste Beiträge" names each story once, with all the channels it goes to."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from carecast.publishing.models import Publication, State
from carecast.stories.services import save_story


def test_it_lists_a_story_once_with_all_its_channels(anna_client, org, mastodon, bluesky, x_jobs):
    story = save_story(
        org,
        title="Tag der offenen Tür",
        text="Samstag ab 10 Uhr.",
        channels=[mastodon, bluesky, x_jobs],
    )
    soon = timezone.now() + dt.timedelta(days=1)
    for minutes, variant in enumerate(story.variants.select_related("channel")):
        Publication.objects.create(
            variant=variant,
            channel=variant.channel,
            state=State.SCHEDULED,
            due_at=soon + dt.timedelta(minutes=minutes),
            text=variant.text,
        )
    response = anna_client.get("/")
    groups = response.context["upcoming"]
    assert len(groups) == 1
    assert {c.pk for c in groups[0].channels} == {mastodon.pk, bluesky.pk, x_jobs.pk}
    body = response.content.decode()
    assert body.count("Tag der offenen Tür") == 1
    assert f'href="/stories/{story.pk}/"' in body


def test_it_says_all_is_well_in_one_line_instead_of_two_empty_boxes(anna_client, mastodon):
    body = anna_client.get("/").content.decode()
    assert 'id="attention-h"' not in body and 'id="paused-h"' not in body
    line = body.split('<p class="all-clear">', 1)[1].split("</p>", 1)[0]
    assert "Alles in Ordnung" in line and "Alle Kanäle sind aktiv." in line


def test_it_keeps_the_boxes_when_there_is_something_to_do(anna_client, busy_week, paused):
    body = anna_client.get("/").content.decode()
    assert 'id="attention-h"' in body and 'id="paused-h"' in body
    assert 'class="all-clear"' not in body
