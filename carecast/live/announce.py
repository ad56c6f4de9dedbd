"""Announcement posts for a session: stories scheduled through the publishing path.

A week before, the day before, an hour before and at the start, each with the link
to the question page; moments already past are left out. Stories and publications
are created with ``save_story`` and ``schedule`` only, never by writing their tables.
"""

from __future__ import annotations

import datetime as dt
import re

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from carecast.live.models import Announcement, LiveSession
from carecast.publishing.models import Publication
from carecast.publishing.services import PublishingError, schedule
from carecast.rights import person_of, unpublishable
from carecast.stories.services import save_story

BEFORE = {
    Announcement.Kind.WEEK: dt.timedelta(days=7),
    Announcement.Kind.DAY: dt.timedelta(days=1),
    Announcement.Kind.HOUR: dt.timedelta(hours=1),
    Announcement.Kind.START: dt.timedelta(0),
}


def question_page_url(session: LiveSession) -> str:
    return settings.CARECAST_PUBLIC_URL.rstrip("/") + reverse("live:audience", args=[session.slug])


# "Live-Sprechstunde: Diabetes im Alltag" inside "… unserer Live-Sprechstunde „…“" says it twice.
_LIVE_PREFIX = re.compile(
    r"^\s*(live-?sprechstunde|live consultation)\b\s*[:–-]?\s*", re.IGNORECASE
)


def topic_of(title: str) -> str:
    """The session's title without a leading "Live-Sprechstunde:" the sentence already says."""
    return _LIVE_PREFIX.sub("", title) or title


def announcement_text(session: LiveSession, kind: str) -> str:
    local = timezone.localtime(session.starts_at)
    when = f"{formats.date_format(local, 'l, j. F')}, {local:%H:%M}"
    lead = {
        Announcement.Kind.WEEK: _("Live consultation on %(when)s: %(title)s."),
        Announcement.Kind.DAY: _("Tomorrow, %(when)s: live consultation “%(title)s”."),
        Announcement.Kind.HOUR: _("In one hour: live consultation “%(title)s”."),
        Announcement.Kind.START: _("We are live now: “%(title)s”."),
    }[kind] % {"when": when, "title": topic_of(session.title)}
    who = _(" With %(doctors)s.") % {"doctors": session.doctors} if session.doctors else ""
    streams = [s["url"] for s in session.stream_list]
    watch = ""
    if kind == Announcement.Kind.START and streams:
        watch = _(" Watch live: %(links)s") % {"links": " ".join(streams)}
    ask = _(" Send your questions – here as a reply, or on our question page:")
    return f"{lead}{who}{watch}{ask}"


def check_channel_rights(session: LiveSession, channels: list, actor=None) -> None:
    """Refuse channels the person behind the announcements may not publish to.

    That person is ``actor`` or, for work without one (a task), the session's creator;
    with neither, nobody vouches for the posts and nothing goes out.
    """
    person = person_of(actor if actor is not None else session.created_by)
    refused = unpublishable(person, channels)
    if refused:
        names = ", ".join(f"“{channel.name}”" for channel in refused)
        raise PublishingError(
            _("You may not publish on %(channels)s: announcements are not planned there.")
            % {"channels": names}
        )


@transaction.atomic
def create_announcements(session: LiveSession, actor=None) -> list[Publication]:
    """Draft and schedule the announcements still ahead, one story per moment.

    Only on channels ``actor`` (or the session's creator) may publish to, see
    ``check_channel_rights``.
    """
    channels = list(session.channels.all())
    if not channels:
        raise PublishingError(_("Choose at least one channel for the announcements."))
    check_channel_rights(session, channels, actor)
    link, now, made = question_page_url(session), timezone.now(), []
    for kind, before in BEFORE.items():
        due = session.starts_at - before
        if due < now - dt.timedelta(minutes=5) or session.announcements.filter(kind=kind).exists():
            continue
        story = save_story(
            session.organisation,
            title=f"{session.title} – {Announcement.Kind(kind).label}",
            text=announcement_text(session, kind),
            link=link,
            channels=channels,
            department=session.department,
            actor=actor,
        )
        Announcement.objects.create(session=session, kind=kind, story=story)
        made += [schedule(variant, max(due, now), actor=actor) for variant in story.variants.all()]
    return made


def published_announcements(session: LiveSession):
    """Announcement posts that are out on a network (where replies can arrive)."""
    return (
        Publication.objects.filter(
            variant__story__in=session.announcements.values("story"), state="published"
        )
        .exclude(remote_id="")
        .select_related("channel")
    )
