"""View guards: who is asking, and refusing politely when they may not."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from carecast.core.models import Person
from carecast.rights.roles import can_publish


def person_of(user) -> Person | None:
    """The signed-in user's place in an organisation, or None."""
    if user is None or not user.is_authenticated:
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


def require(allowed: bool) -> None:
    """Raise 403 unless ``allowed``: ``require(may_use_automation(person))``."""
    if not allowed:
        raise PermissionDenied


def require_publisher(person: Person) -> None:
    require(can_publish(person))


def person_passes(check: Callable[[Person], bool]):
    """A view decorator: ``person_required`` and ``check(person)`` (else 403)."""

    def decorate(view):
        @person_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            require(check(request.person))
            return view(request, *args, **kwargs)

        return wrapper

    return decorate
