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
