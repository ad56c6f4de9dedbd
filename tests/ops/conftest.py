"""Helpers for the ops tests: publications with a due time, attempts with an outcome."""

from __future__ import annotations

import datetime as dt

import pytest


@pytest.fixture
def publication_on(org, story_for):
    """A publication on ``channel`` in ``state``, due at ``due_at`` (published ``latency`` later)."""
    from carecast.publishing.models import Publication

    def make(channel, *, state, due_at, latency: float | None = None) -> Publication:
        variant = story_for(channel).variants.get()
        published_at = None if latency is None else due_at + dt.timedelta(seconds=latency)
        return Publication.objects.create(
            variant=variant,
            channel=channel,
            state=state,
            due_at=due_at,
            published_at=published_at,
            text=variant.text,
        )

    return make


@pytest.fixture
def attempt_on():
    """A finished attempt of ``publication`` with ``outcome`` at ``when``."""
    from carecast.publishing.models import Attempt

    def make(publication, outcome, when, *, status=None, message="") -> Attempt:
        number = publication.attempts.count() + 1
        return Attempt.objects.create(
            publication=publication,
            number=number,
            started_at=when,
            finished_at=when,
            outcome=outcome,
            http_status=status,
            message=message,
        )

    return make
