"""What a person may see and act on: querysets and checks for objects.

Every query of a page, the API or a task starts from one of these querysets, so a
guessed URL or id cannot get around the rule. Models are looked up lazily (see the
package docstring): apps that import ``rights`` are never imported by it.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.apps import apps
from django.db.models import Q, QuerySet

from carecast.core.models import Person
from carecast.rights.roles import can_publish, in_comms_team, is_department_scoped


def _model(label: str):
    return apps.get_model(label)


def _own_department(person: Person) -> Q:
    """Department editors without a department see nothing department-bound."""
    return Q(department_id=person.department_id) if person.department_id else Q(pk__in=[])


def channels_for(person: Person) -> QuerySet:
    """Channels the person sees: all of the organisation, or their department's."""
    channels = _model("networks.Channel").objects.filter(organisation_id=person.organisation_id)
    return channels.filter(_own_department(person)) if is_department_scoped(person) else channels


def publishable_channels_for(person: Person) -> QuerySet:
    """Channels the person may publish to (none for read-only people)."""
    channels = channels_for(person)
    return channels if can_publish(person) else channels.none()


def may_publish_to(person: Person | None, channel) -> bool:
    """The same rule as ``publishable_channels_for``, for one channel, without a query."""
    if person is None or not can_publish(person):
        return False
    if channel.organisation_id != person.organisation_id:
        return False
    if is_department_scoped(person):
        return bool(person.department_id) and channel.department_id == person.department_id
    return True


def unpublishable(person: Person | None, channels: Iterable) -> list:
    """The channels among ``channels`` that ``person`` may not publish to."""
    return [channel for channel in channels if not may_publish_to(person, channel)]


def publications_for(person: Person) -> QuerySet:
    publications = _model("publishing.Publication").objects.filter(
        channel__organisation_id=person.organisation_id
    )
    if is_department_scoped(person):
        return publications.filter(channel__in=channels_for(person))
    return publications


def stories_for(person: Person) -> QuerySet:
    """Department editors: their department's stories and those with a post on their channels."""
    Story = _model("stories.Story")
    stories = Story.objects.filter(organisation_id=person.organisation_id)
    if not is_department_scoped(person):
        return stories
    if not person.department_id:
        return stories.none()
    on_own_channels = Story.objects.filter(variants__channel__department_id=person.department_id)
    return stories.filter(
        Q(department_id=person.department_id) | Q(pk__in=on_own_channels.values("pk"))
    )


def editable_stories_for(person: Person) -> QuerySet:
    """Department editors edit their department's stories only, not the hospital-wide ones."""
    stories = stories_for(person)
    if is_department_scoped(person):
        return stories.filter(_own_department(person))
    return stories


def media_for(person: Person) -> QuerySet:
    """Media files the person may see (and attach): for department editors, those of the
    stories they see and the ones they uploaded. Photos may show patients."""
    MediaAsset = _model("stories.MediaAsset")
    assets = MediaAsset.objects.filter(organisation_id=person.organisation_id)
    if not is_department_scoped(person):
        return assets
    in_visible_stories = MediaAsset.objects.filter(stories__in=stories_for(person))
    return assets.filter(Q(pk__in=in_visible_stories.values("pk")) | Q(uploaded_by=person.user_id))


def live_sessions_for(person: Person) -> QuerySet:
    """Live sessions the person may run (moderate, present, set up, export): the comms
    team all of the organisation's, department editors their department's, others none."""
    sessions = _model("live.LiveSession").objects.filter(organisation_id=person.organisation_id)
    if in_comms_team(person):
        return sessions
    if is_department_scoped(person):
        return sessions.filter(_own_department(person))
    return sessions.none()


def may_run_live_session(person: Person | None, session) -> bool:
    """The rule of ``live_sessions_for`` for one session, without a query."""
    if person is None or session.organisation_id != person.organisation_id:
        return False
    if in_comms_team(person):
        return True
    return (
        is_department_scoped(person)
        and bool(person.department_id)
        and session.department_id == person.department_id
    )


def inbox_items_for(person: Person) -> QuerySet:
    """Comments and mentions on the channels the person sees."""
    return _model("inbox.InboxItem").objects.filter(channel__in=channels_for(person))


def assignees_for(channel) -> QuerySet:
    """Who an item on ``channel`` may be assigned to: the people who may act on it (the
    rule of ``may_publish_to``): the comms team, and the channel department's editors."""
    from carecast.core.models import Role

    people = Person.objects.filter(organisation_id=channel.organisation_id)
    team = Q(role__in=[Role.ADMIN, Role.EDITOR])
    if channel.department_id:
        team |= Q(role=Role.DEPARTMENT_EDITOR, department_id=channel.department_id)
    return people.filter(team, user__is_active=True)
