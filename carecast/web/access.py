"""Who may see what: every query of the web UI and the API starts here.

A page is for signed-in people with a ``Person`` in an organisation. Department
editors see and publish only their own department's channels, and only the
stories of their department (or with a post on one of their channels). The rule
lives in these querysets, not in templates, so a guessed URL cannot get around it.
"""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from carecast.core.models import Person, Role
from carecast.networks.models import Channel
from carecast.publishing.models import Publication
from carecast.stories.models import MediaAsset, Story


def person_of(user) -> Person | None:
    if not user.is_authenticated:
        return None
    try:
        return user.person
    except Person.DoesNotExist:
        return None


def person_required(view):
    """Signed in (else redirect to login) and part of an organisation (else 403)."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        person = person_of(request.user)
        if person is None:
            raise PermissionDenied
        request.person = person
        return view(request, *args, **kwargs)

    return wrapper


def require_publisher(person: Person) -> None:
    if not person.can_publish:
        raise PermissionDenied


def is_department_scoped(person: Person) -> bool:
    return person.role == Role.DEPARTMENT_EDITOR


def channels_for(person: Person) -> QuerySet[Channel]:
    channels = Channel.objects.filter(organisation_id=person.organisation_id)
    if is_department_scoped(person):
        return (
            channels.filter(department_id=person.department_id)
            if person.department_id
            else channels.none()
        )
    return channels


def publications_for(person: Person) -> QuerySet[Publication]:
    publications = Publication.objects.filter(channel__organisation_id=person.organisation_id)
    if is_department_scoped(person):
        if not person.department_id:
            return publications.none()
        return publications.filter(channel__department_id=person.department_id)
    return publications


def stories_for(person: Person) -> QuerySet[Story]:
    stories = Story.objects.filter(organisation_id=person.organisation_id)
    if is_department_scoped(person):
        if not person.department_id:
            return stories.none()
        on_own_channels = Story.objects.filter(
            variants__channel__department_id=person.department_id
        )
        return stories.filter(
            Q(department_id=person.department_id) | Q(pk__in=on_own_channels.values("pk"))
        )
    return stories


def media_for(person: Person) -> QuerySet[MediaAsset]:
    return MediaAsset.objects.filter(organisation_id=person.organisation_id)


def editable_stories_for(person: Person) -> QuerySet[Story]:
    """Department editors edit their department's stories only, not the hospital-wide ones."""
    stories = stories_for(person)
    if is_department_scoped(person):
        return stories.filter(department_id=person.department_id)
    return stories
