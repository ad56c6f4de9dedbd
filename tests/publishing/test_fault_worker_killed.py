"""Fault test: 200 posts to the local Mastodon server while the worker is SIGKILLed again and again.

Bounded: at most 8 kills and 150 seconds. Every post must arrive exactly once.
"""

import random
import time

import pytest
from django.utils import timezone

from carecast.publishing import services
from carecast.publishing.models import Publication, State

POSTS = 200
MAX_KILLS = 8
DEADLINE_SECONDS = 150


def _states() -> dict[str, int]:
    counts: dict[str, int] = {}
    for state in Publication.objects.values_list("state", flat=True):
        counts[state] = counts.get(state, 0) + 1
    return counts


def _wait_for_progress(published_before: int, deadline: float) -> None:
    while time.monotonic() < deadline:
        if Publication.objects.filter(state=State.PUBLISHED).count() > published_before:
            return
        time.sleep(0.05)


@pytest.mark.fault
def test_it_publishes_every_post_exactly_once_while_the_worker_is_killed(
    worker, worker_env, channel_on, story_for, sandbox
):
    worker_env.update(
        CARECAST_CLAIM_LEASE_SECONDS="5",
        CARECAST_HTTP_TIMEOUT="2",
        CARECAST_WORKERS="4",
        CARECAST_DISPATCH_LEAD_SECONDS="0",
    )
    mastodon = channel_on("mastodon", max_concurrent=4)
    for number in range(POSTS):
        story = story_for(mastodon, text=f"Beitrag Nr. {number}: Besuchszeiten am Wochenende.")
        services.schedule(story.variants.get(), timezone.now())
    # Slow the network a little so kills land while requests are in flight.
    sandbox.inject_fault(
        network="mastodon", path="/api/v1/statuses", mode="delay", seconds=0.02, times=None
    )

    rng = random.Random(20261123)
    deadline = time.monotonic() + DEADLINE_SECONDS
    kills, published_at_kill = 0, []
    worker.start()
    while time.monotonic() < deadline:
        counts = _states()
        if (
            counts.get(State.PUBLISHED, 0)
            + counts.get(State.FAILED, 0)
            + counts.get(State.UNCONFIRMED, 0)
            == POSTS
        ):
            break
        if kills < MAX_KILLS:
            # Kill while it works: once it has made progress since the last start.
            _wait_for_progress(counts.get(State.PUBLISHED, 0), deadline)
            time.sleep(rng.uniform(0.02, 0.3))
            worker.kill()
            kills += 1
            published_at_kill.append(_states().get(State.PUBLISHED, 0))
            worker.start()
        else:
            time.sleep(0.5)

    counts = _states()
    assert counts == {State.PUBLISHED: POSTS}, (counts, worker.log()[-3000:])
    texts = [post["text"] for post in sandbox.posts("mastodon")]
    assert len(texts) == POSTS, f"{len(texts)} posts arrived for {POSTS} publications"
    for number in range(POSTS):
        assert sum(f"Beitrag Nr. {number}:" in t for t in texts) == 1, number
    # The kills really interrupted the work, not just an idle worker.
    assert kills >= 3
    assert any(0 < n < POSTS for n in published_at_kill), published_at_kill
