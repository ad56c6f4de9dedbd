"""The post page shows times consistently: an attempt that started 0.3 s before its due
minute (03:53:59.7 for 03:54) does not look early beside "Fällig 03:54"."""

from __future__ import annotations

import datetime as dt

from carecast.publishing.models import Attempt, State
from tests.web.conftest import berlin


def test_it_never_shows_an_attempt_before_its_due_minute(anna_client, publication_factory, x_jobs):
    due = berlin(2030, 6, 5, 3, 54)
    publication = publication_factory(x_jobs, State.PUBLISHED, due_at=due, attempt_count=1)
    Attempt.objects.create(
        publication=publication,
        number=1,
        started_at=due - dt.timedelta(milliseconds=300),
        finished_at=due + dt.timedelta(seconds=1),
        outcome=Attempt.Outcome.SUCCESS,
    )
    body = anna_client.get(f"/publications/{publication.pk}/").content.decode()
    assert "03:54" in body
    assert "03:53" not in body


def test_it_rounds_to_the_nearest_minute_not_up_always(anna_client, publication_factory, x_jobs):
    due = berlin(2030, 6, 5, 10, 0)
    publication = publication_factory(x_jobs, State.PUBLISHED, due_at=due, attempt_count=1)
    Attempt.objects.create(
        publication=publication,
        number=1,
        started_at=due + dt.timedelta(seconds=20),
        outcome=Attempt.Outcome.SUCCESS,
    )
    body = anna_client.get(f"/publications/{publication.pk}/").content.decode()
    assert "10:01" not in body
