"""The state machine's guarantees, one transition at a time."""

import datetime as dt

import pytest
from django.utils import timezone

from carecast.publishing import dispatch, services, states
from carecast.publishing.models import Publication, State


@pytest.fixture
def publication(feed_channel, story_for):
    story = story_for(feed_channel)
    variant = story.variants.get()
    return services.schedule(variant, timezone.now() + dt.timedelta(hours=1))


def test_it_does_not_claim_a_publication_before_it_is_due(publication):
    assert states.claim(publication.pk) is None


def test_it_lets_only_one_worker_claim_a_due_publication(publication):
    later = publication.due_at + dt.timedelta(seconds=1)
    first = states.claim(publication.pk, later)
    second = states.claim(publication.pk, later)
    assert first and second is None
    assert Publication.objects.get(pk=publication.pk).state == State.PUBLISHING


def test_it_ignores_a_finish_from_a_worker_that_lost_its_claim(publication):
    later = publication.due_at + dt.timedelta(seconds=1)
    token = states.claim(publication.pk, later)
    assert not states.finish(publication, "someone-else", State.PUBLISHED)
    assert states.finish(publication, token, State.PUBLISHED)


def test_it_gives_back_claims_of_dead_workers_after_the_lease(publication):
    later = publication.due_at + dt.timedelta(seconds=1)
    states.claim(publication.pk, later)
    lease = dt.timedelta(seconds=60)
    assert states.release_stale_claims(lease, later + dt.timedelta(seconds=30)) == 0
    assert states.release_stale_claims(lease, later + dt.timedelta(seconds=61)) == 1
    assert Publication.objects.get(pk=publication.pk).state == State.SCHEDULED


def test_it_cancels_scheduled_but_not_published_posts(publication):
    services.cancel(publication)
    assert Publication.objects.get(pk=publication.pk).state == State.CANCELLED
    with pytest.raises(services.PublishingError):
        services.cancel(publication)


def test_it_refuses_naive_times(feed_channel, story_for):
    variant = story_for(feed_channel).variants.get()
    with pytest.raises(services.PublishingError):
        services.schedule(variant, dt.datetime(2026, 12, 1, 9, 0))


def test_it_records_the_dst_note_when_scheduling_into_the_spring_gap(feed_channel, story_for):
    variant = story_for(feed_channel).variants.get()
    publication = services.schedule_local(variant, dt.datetime(2027, 3, 28, 2, 30))
    assert publication.due_note == "nonexistent"
    assert publication.due_at == dt.datetime(2027, 3, 28, 1, 30, tzinfo=dt.UTC)


def test_it_backs_off_exponentially_with_jitter_and_honours_retry_after():
    assert dt.timedelta(seconds=22) <= dispatch.backoff(1) <= dt.timedelta(seconds=38)
    assert dt.timedelta(seconds=90) <= dispatch.backoff(3) <= dt.timedelta(seconds=150)
    assert dispatch.backoff(20) <= dispatch.BACKOFF_CAP * 1.25
    assert dispatch.backoff(1, retry_after=600) >= dt.timedelta(seconds=600)


def test_it_lets_the_team_drop_a_failed_post(publication):
    from carecast.publishing import states as st

    later = publication.due_at + dt.timedelta(seconds=1)
    token = st.claim(publication.pk, later)
    st.finish(publication, token, State.FAILED, last_error="Validation failed")
    services.cancel(publication)
    assert Publication.objects.get(pk=publication.pk).state == State.CANCELLED
