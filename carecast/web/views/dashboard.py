from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Case, IntegerField, Q, Value, When
from django.shortcuts import render
from django.utils import timezone

from carecast.publishing.models import Publication, State
from carecast.rights import channels_for, person_required, publications_for

ATTENTION_DAYS = 14
LIST_SIZE = 8


@person_required
def dashboard(request):
    """What needs doing first: posts that need a person, then what goes out next."""
    publications = publications_for(request.person).select_related("channel", "variant__story")
    since = timezone.now() - dt.timedelta(days=ATTENTION_DAYS)
    attention = (
        publications.filter(
            Q(state=State.UNCONFIRMED) | Q(state=State.FAILED, updated_at__gte=since)
        )
        # Unconfirmed first: the post may be public already and only a person can tell.
        .annotate(
            rank=Case(
                When(state=State.UNCONFIRMED, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("rank", "-updated_at")[:LIST_SIZE]
    )
    upcoming = publications.filter(state__in=[State.SCHEDULED, State.PUBLISHING]).order_by(
        "due_at", "id"
    )[: LIST_SIZE * 8]
    recent = publications.filter(state=State.PUBLISHED).order_by("-published_at")[:5]
    return render(
        request,
        "web/dashboard.html",
        {
            "attention": list(attention),
            "upcoming": upcoming_stories(upcoming, LIST_SIZE),
            "recent": list(recent),
            "has_channels": channels_for(request.person).exists(),
            "nav": "dashboard",
        },
    )


@dataclass
class UpcomingStory:
    """One story in "Next posts": its first due post and every channel it goes to."""

    first: Publication
    publications: list[Publication]

    @property
    def channels(self) -> list:
        return [p.channel for p in self.publications]


def upcoming_stories(publications, size: int) -> list[UpcomingStory]:
    """Due posts grouped by story (a story on six channels is one row, not six), in the order
    of each story's first post; at most ``size`` stories."""
    groups: dict[int, UpcomingStory] = {}
    for publication in publications:
        story_id = publication.variant.story_id
        if story_id in groups:
            groups[story_id].publications.append(publication)
        elif len(groups) < size:
            groups[story_id] = UpcomingStory(publication, [publication])
    return list(groups.values())
